"""Every Redis key Microstore uses is built here.

One module, so prefixes, hash tags and TTL owners are visible in one place. Each function
returns the key without the deployment prefix; `RedisKeys` adds it. Keys that one Lua call
touches together share a hash tag (`{...}`) so they land on one Redis Cluster slot.
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

    # --- rate limits ----------------------------------------------------------------------
    def rate_limit(self, bucket: str, subject: str) -> str:
        """Sliding-window counter of one subject (user id, IP, username) in one bucket."""
        return self._key("rl", bucket, f"{{{subject}}}")

    # --- pub/sub channels --------------------------------------------------------------------
    def events_channel(self, aggregate_type: str, aggregate_id: int) -> str:
        """Events of one aggregate, e.g. one order's status changes."""
        return self._key("events", aggregate_type, str(aggregate_id))

    def events_feed(self, aggregate_type: str) -> str:
        """Every event of one aggregate type, e.g. the staff order feed."""
        return self._key("events", aggregate_type, "feed")

    # --- health ---------------------------------------------------------------------------
    def readiness_probe(self) -> str:
        return self._key("readyz")
