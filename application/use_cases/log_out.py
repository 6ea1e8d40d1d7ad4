from __future__ import annotations

from collections.abc import Callable

from application.ports.unit_of_work import UnitOfWork
from application.tokens import hash_token
from application.transactions import in_transaction


class LogOut:
    """End one access token at once. Ending a token that is already gone is not an error."""

    def __init__(self, uow_factory: Callable[[], UnitOfWork]) -> None:
        self._uow_factory = uow_factory

    async def execute(self, token: str) -> None:
        async def end(uow: UnitOfWork) -> None:
            await uow.tokens.delete_by_hash(hash_token(token))
            await uow.commit()

        await in_transaction(self._uow_factory, end)
