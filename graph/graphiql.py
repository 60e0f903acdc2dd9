"""GraphiQL served entirely by the app (page and scripts), so it works offline."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from starlette.responses import HTMLResponse
from starlette.staticfiles import StaticFiles

STATIC_DIR = Path(__file__).parent / "static" / "graphiql"
STATIC_URL = "/graphiql/static"


@cache
def graphiql_html() -> str:
    page = (STATIC_DIR / "index.html").read_text(encoding="utf-8")
    return page.replace("__STATIC__", STATIC_URL)


def graphiql_response() -> HTMLResponse:
    return HTMLResponse(
        graphiql_html(),
        headers={
            # Everything the page needs comes from this origin.
            "Content-Security-Policy": (
                "default-src 'self'; script-src 'self' 'unsafe-inline'; "
                "style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; "
                "connect-src 'self'"
            ),
            "Cache-Control": "no-store",
        },
    )


def graphiql_static_app() -> StaticFiles:
    return StaticFiles(directory=STATIC_DIR)
