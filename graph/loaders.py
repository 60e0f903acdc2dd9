"""Per-request DataLoaders: related objects come in one query per kind, never one per item.

Each loader is created on first use and lives as long as the request (or, for WebSocket,
one subscription event), so a cache never serves data from another request.
"""

from __future__ import annotations

from functools import cached_property

from strawberry.dataloader import DataLoader

from models import User
from resolvers.accounts import service as accounts


class Loaders:
    @cached_property
    def user_by_id(self) -> DataLoader[int, User | None]:
        return DataLoader(load_fn=accounts.users_by_ids)
