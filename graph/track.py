"""The live delivery page, GET /track/<order number>: a small H5 page served by the app.

Everything it needs (page, script, style) comes from this origin, so it works without any
CDN. It holds no data itself: the script logs in with the shopper's token and asks the
API (graph/static/track/track.js). Knowing an order number shows nothing without the
owner's token.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

STATIC_DIR = Path(__file__).parent / "static" / "track"
SECURITY_HEADERS = {
    # Scripts and styles only from here. The page talks to /graphql over HTTP and WebSocket;
    # CSP3 'self' covers ws:/wss: to this same host, so no other socket is allowed.
    "Content-Security-Policy": (
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "connect-src 'self'; base-uri 'none'; form-action 'none'; "
        "frame-ancestors 'none'"
    ),
    # The token may arrive in the URL fragment; never let the page's URL leak anywhere.
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
}


@cache
def _page() -> str:
    return (STATIC_DIR / "index.html").read_text(encoding="utf-8")


async def tracking_page(request: Request) -> HTMLResponse:
    return HTMLResponse(_page(), headers=SECURITY_HEADERS)


def track_routes() -> list[BaseRoute]:
    return [
        Mount("/track/assets", app=StaticFiles(directory=STATIC_DIR), name="track-assets"),
        Route("/track/{number}", tracking_page, methods=["GET"]),
    ]
