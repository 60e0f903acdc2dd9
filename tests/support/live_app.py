"""The real app serving a test-only aggregate, the "probe", to test real-time plumbing.

The app, WebSocket edge, auth, limits, outbox, publisher, Redis pub/sub and fan-out are
all the real ones; only the schema is ours (probe fields only), so these tests do not
depend on any domain. A probe's state is its newest outbox event (payload: ownerId, value).
The schema holds none of the domain types, so these tests keep meaning the same whatever
the domains add.

Served in-process by the `live_server` fixture and in subprocesses (cross-process tests,
JS client, bench) with `uvicorn tests.support.live_app:app_factory --factory`, configured
by the usual environment variables.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator
from enum import StrEnum

import strawberry
from starlette.applications import Starlette
from tortoise.transactions import in_transaction

import main
from graph.context import Info
from graph.permissions import IsAuthenticated
from graph.scalars import SCALAR_OVERRIDES
from graph.schema import Edge, GraphQLEdge, MicrostoreSchema
from models import OutboxEvent
from resolvers.core import outbox
from resolvers.core.errors import DomainError
from resolvers.core.live import LiveEvent, aggregate_stream
from resolvers.core.state import AppState
from settings import Settings, get_settings

PROBE = "probe"
PROBE_CHANGED = "probe.changed"


class ProbeErrorCode(StrEnum):
    NOT_FOUND = "NOT_FOUND"


async def change_probe(*, state: AppState, probe_id: int, owner_id: int, value: str) -> OutboxEvent:
    """Record a change of the probe with the outbox and publish it after commit."""
    async with in_transaction():
        last = (
            await OutboxEvent.filter(aggregate_type=PROBE, aggregate_id=probe_id)
            .order_by("-version")
            .first()
        )
        event = await outbox.record(
            topic=PROBE_CHANGED,
            aggregate_type=PROBE,
            aggregate_id=probe_id,
            version=(last.version if last else 0) + 1,
            payload={"ownerId": owner_id, "value": value},
        )
    await state.events.publish([event])
    return event


async def current_probe(probe_id: int) -> LiveEvent | None:
    last = (
        await OutboxEvent.filter(aggregate_type=PROBE, aggregate_id=probe_id)
        .order_by("-version")
        .first()
    )
    if last is None:
        return None
    return LiveEvent(
        topic=last.topic,
        version=last.version,
        payload=last.payload,
        occurred_at=last.created_at,
        snapshot=True,
    )


@strawberry.type
class ProbeUpdate:
    version: int
    value: str
    snapshot: bool
    # When the change was written (seconds since the epoch), for latency measurements.
    occurred_at: float | None = None


@strawberry.type
class ProbeSubscriptions:
    @strawberry.subscription(permission_classes=[IsAuthenticated])
    async def probe(self, info: Info, probe_id: int) -> AsyncGenerator[ProbeUpdate]:
        claims = info.context.require_user()
        current = await current_probe(probe_id)
        # Checked before the stream starts, so the client gets the protocol's `error`.
        if current is None or current.payload.get("ownerId") != claims.user_id:
            raise DomainError(ProbeErrorCode.NOT_FOUND, "No such probe", field=["probeId"])
        state = info.context.state
        stream = aggregate_stream(
            broadcast=state.broadcast,
            channel=state.keys.events_channel(PROBE, probe_id),
            load_current=lambda: current_probe(probe_id),
            until=lambda event: event.payload.get("value") == "final",
        )

        async def updates() -> AsyncGenerator[ProbeUpdate]:
            async for event in stream:
                yield ProbeUpdate(
                    version=event.version,
                    value=event.payload["value"],
                    snapshot=event.snapshot,
                    occurred_at=event.occurred_at.timestamp() if event.occurred_at else None,
                )

        return updates()


@strawberry.type
class ProbeQueries:
    @strawberry.field(permission_classes=[IsAuthenticated])
    async def probe_version(self, info: Info, probe_id: int) -> int | None:
        current = await current_probe(probe_id)
        return current.version if current else None


@strawberry.type
class ProbeMutations:
    @strawberry.mutation(permission_classes=[IsAuthenticated])
    async def probe_change(self, info: Info, probe_id: int, value: str) -> int:
        claims = info.context.require_user()
        event = await change_probe(
            state=info.context.state, probe_id=probe_id, owner_id=claims.user_id, value=value
        )
        return event.version


def probe_schema(settings: Settings) -> MicrostoreSchema:
    """Built like graph.schema.build_schema (same edge limits and error codes)."""
    edge = Edge.from_settings(settings)
    schema = MicrostoreSchema(
        query=ProbeQueries,
        mutation=ProbeMutations,
        subscription=ProbeSubscriptions,
        extensions=[lambda: GraphQLEdge(edge)],
        scalar_overrides=SCALAR_OVERRIDES,
    )
    schema.edge = edge
    return schema


def create_probe_app(settings: Settings) -> Starlette:
    return main.create_app(settings, schema=probe_schema(settings))


def app_factory() -> Starlette:
    """For `uvicorn --factory` in a subprocess: settings from the environment."""
    from resolvers.core.logs import configure_logging

    settings = get_settings()
    configure_logging(level=settings.log_level, json_output=settings.log_json)
    return create_probe_app(settings)
