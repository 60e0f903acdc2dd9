"""The transactional outbox: events written in the same transaction as the change."""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model


class OutboxEvent(Model):
    """A state change to announce. Written with the change, published after commit.

    `version` is the aggregate's version after the change, so subscribers can drop
    duplicates (republished events) and keep order.
    """

    id = fields.BigIntField(primary_key=True)
    topic = fields.CharField(max_length=64)  # e.g. "order.status_changed"
    aggregate_type = fields.CharField(max_length=32)  # e.g. "order"
    aggregate_id = fields.BigIntField()
    version = fields.IntField()
    payload = fields.JSONField(default=dict)
    created_at = fields.DatetimeField(auto_now_add=True)
    published_at = fields.DatetimeField(null=True)

    class Meta:
        table = "outbox_event"
        indexes = (("published_at", "id"), ("aggregate_type", "aggregate_id", "version"))

    def __str__(self) -> str:
        return f"OutboxEvent#{self.id} {self.topic} {self.aggregate_type}#{self.aggregate_id} v{self.version}"
