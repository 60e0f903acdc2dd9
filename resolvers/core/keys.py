"""Every Redis key Microstore uses is built here.

One module, so prefixes and hash tags are visible in one place. Every method returns the
full key, the deployment prefix included. Keys that one Lua call touches together share a
hash tag (`{...}`) so they land on one Redis Cluster slot.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class RedisKeys:
    prefix: str

    def _key(self, *parts: str) -> str:
        return self.prefix + ":".join(parts)

    # --- edge ---------------------------------------------------------------------------
    def persisted_query(self, sha256_hex: str) -> str:
        """Automatic persisted query text, by its sha256 (lower-case hex)."""
        return self._key("apq", sha256_hex)

    # --- auth -------------------------------------------------------------------------------
    def revoked_access_token(self, jti: str) -> str:
        """An access token logged out before it expired (kept until it would have)."""
        return self._key("auth", "revoked", jti)

    # --- rate limits ----------------------------------------------------------------------
    def rate_limit(self, bucket: str, subject: str) -> str:
        """Token bucket (token_bucket.lua) of one subject (user id, IP, username) in one limit."""
        return self._key("rl", bucket, f"{{{subject}}}")

    # --- pub/sub channels --------------------------------------------------------------------
    def events_channel(self, aggregate_type: str, aggregate_id: int) -> str:
        """Events of one aggregate, e.g. one order's status changes."""
        return self._key("events", aggregate_type, str(aggregate_id))

    def events_feed(self, aggregate_type: str) -> str:
        """Every event of one aggregate type, e.g. the staff order feed."""
        return self._key("events", aggregate_type, "feed")

    # --- catalog cache (resolvers/catalog/cache.py) ---------------------------------------
    # A cached value is stored with the generation it was filled under; bumping the
    # generation invalidates it. Generation and value share one hash tag (one Lua call).
    def catalog_product_generation(self, product_id: int) -> str:
        return self._key("catalog", f"{{p{product_id}}}", "gen")

    def catalog_product_detail(self, product_id: int) -> str:
        """One product with its SKUs (stock excluded: it is always read live)."""
        return self._key("catalog", f"{{p{product_id}}}", "detail")

    def catalog_listing_generation(self) -> str:
        """Bumped by every staff change that can alter a listing or the category tree."""
        return self._key("catalog", "{listing}", "gen")

    def catalog_listing_page(self, digest: str) -> str:
        """A first page of `products(...)`, by the digest of its arguments."""
        return self._key("catalog", "{listing}", "page", digest)

    def catalog_response(self, digest: str) -> str:
        """A whole GraphQL response of a public catalog read (graph/response_cache.py)."""
        return self._key("catalog", "{listing}", "response", digest)

    def catalog_category_tree(self) -> str:
        return self._key("catalog", "{listing}", "categories")

    # --- flash sales (resolvers/campaigns/gate.py) ----------------------------------------
    # Every key of one sale carries the hash tag `{<sale id>}`, so the purchase script,
    # which touches all of them in one call, runs unchanged on Redis Cluster.
    def flash_sale_meta(self, sale_id: int) -> str:
        """Hash: window, limit, offered, counters (reserved, sold, returned), epoch, open,
        settled."""
        return self._key("fs", f"{{{sale_id}}}", "meta")

    def flash_sale_units(self, sale_id: int) -> str:
        """List of free unit numbers; its length is the stock left."""
        return self._key("fs", f"{{{sale_id}}}", "units")

    def flash_sale_buyers(self, sale_id: int) -> str:
        """Hash: user id -> units held (reserved + sold), for the per-user limit."""
        return self._key("fs", f"{{{sale_id}}}", "buyers")

    def flash_sale_reservations(self, sale_id: int) -> str:
        """Hash: token -> reservation record (status, user, quantity, times, units)."""
        return self._key("fs", f"{{{sale_id}}}", "res")

    def flash_sale_user_bucket(self, sale_id: int, user_id: int) -> str:
        """Token bucket of one shopper's purchase attempts in one sale."""
        return self._key("fs", f"{{{sale_id}}}", "rl", "u", str(user_id))

    def flash_sale_ip_bucket(self, sale_id: int, client_ip: str) -> str:
        """Token bucket of one client address's purchase attempts in one sale."""
        return self._key("fs", f"{{{sale_id}}}", "rl", "ip", client_ip)
