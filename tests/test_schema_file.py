"""schema.graphql is the API contract: it must match the code."""

from __future__ import annotations

from graph.schema import export_sdl
from settings import BASE_DIR


def test_committed_schema_is_current():
    committed = (BASE_DIR / "schema.graphql").read_text(encoding="utf-8")

    assert committed == export_sdl(), "schema.graphql is stale: run `make schema` and commit it"
