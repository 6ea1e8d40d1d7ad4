from application.use_cases.register_user import RegisterUser, RegisterUserCommand
from tests.conftest import Backend
from tests.fakes import ManualClock, cheap_argon2


async def test_registers_a_user_on_every_backend(backend: Backend, clock: ManualClock) -> None:
    register = RegisterUser(backend.uow, cheap_argon2(), clock)
    user = await register.execute(RegisterUserCommand(email="a@example.com", username="alice", password="password1"))
    found = await backend.users.get_with_posts(user.id)
    assert found is not None
    assert found.user == user
    assert [p.title for p in found.posts] == ["Welcome alice!"]
