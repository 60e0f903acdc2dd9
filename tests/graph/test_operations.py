"""Health, readiness, request ids, CORS and the offline GraphiQL."""

from __future__ import annotations

import base64
import hashlib
import re

import httpx

import main


async def test_healthz(http):
    response = await http.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


async def test_readyz_checks_database_and_redis(http):
    response = await http.get("/readyz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "redis": "ok"}


async def test_request_id_is_generated_and_echoed(http):
    generated = await http.get("/healthz")
    echoed = await http.get("/healthz", headers={"x-request-id": "client-req-12345"})
    refused = await http.get("/healthz", headers={"x-request-id": "bad id <script>"})

    assert re.fullmatch(r"[0-9a-f]{32}", generated.headers["x-request-id"])
    assert echoed.headers["x-request-id"] == "client-req-12345"
    assert refused.headers["x-request-id"] != "bad id <script>"


async def test_cors_allows_configured_origins_only(settings, app_server):
    app = main.create_app(settings.model_copy(update={"cors_origins": ["https://h5.shop.example"]}))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as c:
        allowed = await c.options(
            "/graphql",
            headers={
                "origin": "https://h5.shop.example",
                "access-control-request-method": "POST",
                "access-control-request-headers": "authorization, content-type",
            },
        )
        refused = await c.options(
            "/graphql",
            headers={"origin": "https://evil.example", "access-control-request-method": "POST"},
        )

    assert allowed.status_code == 200
    assert allowed.headers["access-control-allow-origin"] == "https://h5.shop.example"
    assert "authorization" in allowed.headers["access-control-allow-headers"].lower()
    assert refused.status_code == 400
    assert "access-control-allow-origin" not in refused.headers


async def test_graphiql_is_served_with_every_asset_from_the_app(http):
    page = await http.get("/graphql", headers={"accept": "text/html"})

    assert page.status_code == 200
    html = page.text
    # Nothing is loaded from another host (staff on closed networks have no CDN).
    assert not re.search(r'(?:src|href)="(?:https?:)?//', html)
    assets = re.findall(r'(?:src|href)="([^"]+)"\s+integrity="([^"]+)"', html)
    assert len(assets) == 6
    for path, integrity in assets:
        asset = await http.get(path)
        assert asset.status_code == 200, path
        digest = base64.b64encode(hashlib.sha384(asset.content).digest()).decode()
        # The bytes are exactly the published npm release the integrity hash names.
        assert integrity == f"sha384-{digest}", path
