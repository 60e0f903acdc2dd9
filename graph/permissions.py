"""Role checks declared on fields: `@strawberry.field(permission_classes=[IsStaff])`.

They raise our own exceptions (not strawberry's message) so the error-code extension gives
them the same UNAUTHENTICATED / FORBIDDEN codes as checks made inside resolvers.
"""

from __future__ import annotations

from typing import Any

from strawberry.permission import BasePermission

from models import Role
from resolvers.core.errors import Forbidden


class _RolePermission(BasePermission):
    roles: frozenset[Role] = frozenset()
    message = "Not allowed"

    def has_permission(self, source: Any, info: Any, **kwargs: Any) -> bool:
        claims = info.context.require_user()  # also refuses a WebSocket's expired token
        if self.roles and claims.role not in self.roles:
            raise Forbidden(self.message)
        return True


class IsAuthenticated(_RolePermission):
    message = "Log in first"


class IsStaff(_RolePermission):
    roles = frozenset({Role.STAFF, Role.ADMIN})
    message = "Staff only"


class IsCourier(_RolePermission):
    roles = frozenset({Role.COURIER})
    message = "Couriers only"
