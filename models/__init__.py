"""Tortoise models, one module per domain, all re-exported here for Tortoise discovery."""

from models.accounts import STAFF_ROLES, RefreshToken, Role, User

__all__ = ["STAFF_ROLES", "RefreshToken", "Role", "User"]
