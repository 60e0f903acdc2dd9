"""Who changed what, when: one row per staff change, whatever the domain."""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model


class AuditLog(Model):
    id = fields.BigIntField(primary_key=True)
    actor: fields.ForeignKeyNullableRelation = fields.ForeignKeyField(
        "models.User", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    action = fields.CharField(max_length=64)  # e.g. "product.update", "sku.stock_adjust"
    entity_type = fields.CharField(max_length=32)
    entity_id = fields.BigIntField()
    # {"field": [before, after], ...}; never secrets or full phone numbers.
    changes = fields.JSONField(default=dict)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "audit_log"
        indexes = (("entity_type", "entity_id"), ("actor_id", "created_at"))

    def __str__(self) -> str:
        return f"AuditLog#{self.id} {self.action} {self.entity_type}#{self.entity_id}"
