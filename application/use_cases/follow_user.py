from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from application.auth import Actor
from application.errors import AlreadyFollowing, UserNotFound
from application.ports.clock import Clock
from application.ports.unit_of_work import UnitOfWork
from application.transactions import in_transaction
from domain.follows import Follow


@dataclass(frozen=True, kw_only=True)
class FollowUserCommand:
    actor: Actor
    user_id: int


class FollowUser:
    """The caller follows a user. Idempotent: following again changes nothing and is not
    an error, also when two such requests race. Raises ``UserNotFound`` (also when the user
    is deleted while the link is being made), ``SelfFollow``.

    The insert runs in a savepoint: a unique violation rolls back to it and the
    transaction carries on, on every backend.
    """

    def __init__(self, uow_factory: Callable[[], UnitOfWork], clock: Clock) -> None:
        self._uow_factory = uow_factory
        self._clock = clock

    async def execute(self, command: FollowUserCommand) -> None:
        now = self._clock.now()

        async def follow(uow: UnitOfWork) -> None:
            link = Follow.link(follower_id=command.actor.id, followee_id=command.user_id, now=now)
            if await uow.users.get(command.user_id) is None:
                raise UserNotFound()
            try:
                async with uow.savepoint():
                    await uow.follows.add(link)
            except AlreadyFollowing:
                pass
            await uow.commit()

        await in_transaction(self._uow_factory, follow)
