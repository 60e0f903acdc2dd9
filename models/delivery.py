"""Same-city courier delivery: who carries an order, and where they are.

A courier's position is sensitive personal data: the history of a delivery is kept only
while it lasts plus a short window (`courier_location_retention_minutes`), then deleted by
the worker's `purge-courier-locations` job, which also forgets the last position kept on
the task and the courier's idle position.
"""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model


class DeliveryTaskStatus(StrEnum):
    ASSIGNED = "ASSIGNED"  # a courier has it; the goods are still at the store
    PICKED_UP = "PICKED_UP"  # on the way (the order is OUT_FOR_DELIVERY)
    DELIVERED = "DELIVERED"
    CANCELLED = "CANCELLED"  # the order was cancelled or refunded before delivery


ACTIVE_TASK_STATUSES = frozenset({DeliveryTaskStatus.ASSIGNED, DeliveryTaskStatus.PICKED_UP})


class DeliveryTask(Model):
    """One courier delivery of one COURIER order."""

    id = fields.BigIntField(primary_key=True)
    order: fields.OneToOneRelation = fields.OneToOneField(
        "models.Order", related_name="delivery_task", on_delete=fields.RESTRICT
    )
    courier: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "models.User", related_name="delivery_tasks", on_delete=fields.RESTRICT
    )
    store: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "models.Store", related_name="delivery_tasks", on_delete=fields.RESTRICT
    )
    status = fields.CharEnumField(
        DeliveryTaskStatus, max_length=16, default=DeliveryTaskStatus.ASSIGNED
    )
    assigned_by: fields.ForeignKeyNullableRelation = fields.ForeignKeyField(
        "models.User", related_name="+", null=True, on_delete=fields.SET_NULL
    )
    # The latest report (null before the first, and again once purged).
    latitude = fields.FloatField(null=True)
    longitude = fields.FloatField(null=True)
    heading = fields.FloatField(null=True)
    reported_at = fields.DatetimeField(null=True)
    distance_remaining_m = fields.IntField(null=True)
    eta = fields.DatetimeField(null=True)
    # Bumped by every change and report; live messages carry it (newer wins, duplicates go).
    version = fields.IntField(default=1)
    assigned_at = fields.DatetimeField(auto_now_add=True)
    picked_up_at = fields.DatetimeField(null=True)
    finished_at = fields.DatetimeField(null=True)  # delivered or cancelled
    # Set once the location history was deleted (finished + the retention window).
    purged_at = fields.DatetimeField(null=True)
    updated_at = fields.DatetimeField(auto_now=True)

    locations: fields.ReverseRelation[CourierLocation]

    class Meta:
        table = "delivery_task"
        indexes = (("courier_id", "status"), ("status", "finished_at"))

    def __str__(self) -> str:
        return (
            f"DeliveryTask#{self.id} order={self.order_id} courier={self.courier_id} {self.status}"  # type: ignore[attr-defined]
        )


class CourierLocation(Model):
    """One position report during a delivery (deleted after the retention window)."""

    id = fields.BigIntField(primary_key=True)
    task: fields.ForeignKeyRelation[DeliveryTask] = fields.ForeignKeyField(
        "models.DeliveryTask", related_name="locations", on_delete=fields.CASCADE
    )
    latitude = fields.FloatField()
    longitude = fields.FloatField()
    heading = fields.FloatField()
    recorded_at = fields.DatetimeField()

    class Meta:
        table = "courier_location"
        indexes = (("task_id", "recorded_at"),)

    def __str__(self) -> str:
        return f"CourierLocation#{self.id} task={self.task_id} at {self.recorded_at}"  # type: ignore[attr-defined]


class CourierState(Model):
    """A courier's availability and last idle position, for choosing the nearest free one.

    The row is also what an assignment locks (`SELECT ... FOR UPDATE`), so two assignments
    can never give the same courier two deliveries at once.
    """

    courier: fields.OneToOneRelation = fields.OneToOneField(
        "models.User", related_name="courier_state", on_delete=fields.CASCADE, primary_key=True
    )
    on_duty = fields.BooleanField(default=True)
    latitude = fields.FloatField(null=True)
    longitude = fields.FloatField(null=True)
    reported_at = fields.DatetimeField(null=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "courier_state"

    def __str__(self) -> str:
        return f"CourierState courier={self.courier_id} on_duty={self.on_duty}"  # type: ignore[attr-defined]
