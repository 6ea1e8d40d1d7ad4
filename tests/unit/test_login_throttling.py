"""Login throttling in the Authenticate use case, on the in-memory throttle and a ManualClock:
after 10 failed attempts for one login name within 15 minutes, every attempt for that name
is refused until the window has passed, the right password included (API.md)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

import pytest

from adapters.memory.login_throttle import InMemoryLoginThrottle
from adapters.memory.store import InMemoryStore
from adapters.security.argon2 import Argon2PasswordHasher
from application.auth import Credentials
from application.errors import InvalidCredentials, StorageUnavailable, TooManyLoginAttempts
from application.ports.readers import CredentialsReader
from application.use_cases.authenticate import Authenticate, AuthenticateCommand
from application.views import UserDTO
from tests.conftest import Backend
from tests.fakes import CountingHasher, ManualClock
from tests.unit.support import PASSWORD, TOKEN_TTL, register

LIMIT = 10
WINDOW = timedelta(minutes=15)
WRONG = "not the password"


class BrokenCredentials(CredentialsReader):
    """A credentials reader whose store is down."""

    async def find_credentials(self, login: str) -> Credentials | None:
        raise StorageUnavailable()

    async def user_for_token(self, token_hash: str, now: datetime) -> UserDTO | None:
        raise StorageUnavailable()


@pytest.fixture
def throttle(clock: ManualClock) -> InMemoryLoginThrottle:
    return InMemoryLoginThrottle(clock, max_failures=LIMIT, window=WINDOW)


@pytest.fixture
def counting(hasher: Argon2PasswordHasher) -> CountingHasher:
    return CountingHasher(hasher)


@pytest.fixture
def authenticate(
    memory: Backend, counting: CountingHasher, clock: ManualClock, throttle: InMemoryLoginThrottle
) -> Authenticate:
    return Authenticate(memory.uow, memory.credentials, counting, clock, TOKEN_TTL, throttle=throttle)


@pytest.fixture
async def alice(memory: Backend, hasher: Argon2PasswordHasher, clock: ManualClock) -> None:
    await register(memory, hasher, clock, "alice")


def attempt(name: str, password: str = PASSWORD, address: str | None = None) -> AuthenticateCommand:
    return AuthenticateCommand(login=name, password=password, client_address=address)


async def fail(authenticate: Authenticate, names: Sequence[str], address: str | None = None) -> None:
    """One wrong-password attempt for each name, each refused as a wrong login."""
    for name in names:
        with pytest.raises(InvalidCredentials):
            await authenticate.execute(attempt(name, WRONG, address))


async def refused(authenticate: Authenticate, command: AuthenticateCommand) -> int:
    with pytest.raises(TooManyLoginAttempts) as raised:
        await authenticate.execute(command)
    assert str(raised.value) == "Too many login attempts"
    return raised.value.retry_after_seconds


@pytest.mark.usefixtures("alice")
async def test_ten_failures_refuse_the_next_attempt_even_with_the_right_password(
    authenticate: Authenticate, clock: ManualClock
) -> None:
    await fail(authenticate, ["alice"] * LIMIT)
    clock.advance(timedelta(minutes=5))

    assert await refused(authenticate, attempt("alice")) == 10 * 60
    assert await refused(authenticate, attempt("alice", WRONG)) == 10 * 60
    clock.advance(timedelta(seconds=0.5))
    assert await refused(authenticate, attempt("alice")) == 10 * 60  # whole seconds, rounded up


@pytest.mark.usefixtures("alice")
async def test_nine_failures_still_let_the_right_password_in(authenticate: Authenticate) -> None:
    await fail(authenticate, ["alice"] * (LIMIT - 1))

    assert (await authenticate.execute(attempt("alice"))).access_token


@pytest.mark.usefixtures("alice")
async def test_the_window_passing_lets_attempts_through_again(authenticate: Authenticate, clock: ManualClock) -> None:
    await fail(authenticate, ["alice"] * LIMIT)
    clock.advance(WINDOW - timedelta(seconds=1))
    assert await refused(authenticate, attempt("alice")) == 1

    clock.advance(timedelta(seconds=1))

    assert (await authenticate.execute(attempt("alice"))).access_token


@pytest.mark.usefixtures("alice")
async def test_the_window_opens_at_the_first_failure_and_refusals_do_not_extend_it(
    authenticate: Authenticate, clock: ManualClock
) -> None:
    await fail(authenticate, ["alice"])
    clock.advance(timedelta(minutes=10))
    await fail(authenticate, ["alice"] * (LIMIT - 1))
    for _ in range(4):
        clock.advance(timedelta(minutes=1))
        await refused(authenticate, attempt("alice"))

    assert await refused(authenticate, attempt("alice")) == 60  # 14 minutes after the first failure
    clock.advance(timedelta(seconds=59))
    assert await refused(authenticate, attempt("alice")) == 1
    clock.advance(timedelta(seconds=1))

    assert (await authenticate.execute(attempt("alice"))).access_token


@pytest.mark.usefixtures("alice")
async def test_a_success_clears_the_names_failures(authenticate: Authenticate) -> None:
    await fail(authenticate, ["alice"] * (LIMIT - 1))
    await authenticate.execute(attempt("alice"))

    await fail(authenticate, ["alice"] * LIMIT)  # ten more wrong passwords are heard out

    await refused(authenticate, attempt("alice"))


@pytest.mark.usefixtures("alice")
async def test_the_name_is_compared_case_insensitively(authenticate: Authenticate) -> None:
    # Usernames log in case-sensitively ("Alice" is nobody), but they count as one name.
    await fail(authenticate, ["alice", "Alice", "ALICE", "aLiCe", "alice"] * 2)

    await refused(authenticate, attempt("alice"))


async def test_emails_are_compared_case_insensitively(
    memory: Backend, hasher: Argon2PasswordHasher, clock: ManualClock, authenticate: Authenticate
) -> None:
    await register(memory, hasher, clock, "ada", email="Ada.Lovelace@Example.com")
    await fail(authenticate, ["ada.lovelace@example.com", "ADA.LOVELACE@EXAMPLE.COM"] * (LIMIT // 2))

    await refused(authenticate, attempt("Ada.Lovelace@Example.com"))


@pytest.mark.usefixtures("alice")
async def test_unknown_names_count_too_and_each_name_counts_alone(authenticate: Authenticate) -> None:
    await fail(authenticate, ["nobody"] * LIMIT)
    await fail(authenticate, ["nobody@example.com"] * (LIMIT - 1))

    await refused(authenticate, attempt("nobody"))
    await refused(authenticate, attempt("NOBODY", WRONG))
    await fail(authenticate, ["nobody@example.com"])  # its own tenth
    assert (await authenticate.execute(attempt("alice"))).access_token


@pytest.mark.usefixtures("alice")
async def test_a_refused_attempt_costs_no_hashing(authenticate: Authenticate, counting: CountingHasher) -> None:
    await fail(authenticate, ["alice"] * LIMIT)
    assert counting.verified == LIMIT

    for password in (PASSWORD, WRONG):
        await refused(authenticate, attempt("alice", password))
    await refused(authenticate, attempt("ALICE"))

    assert counting.verified == LIMIT


@pytest.mark.usefixtures("alice")
async def test_an_inactive_users_right_password_counts_as_a_failure(
    memory: Backend, store: InMemoryStore, authenticate: Authenticate, clock: ManualClock
) -> None:
    [user_id] = store.committed.users
    async with memory.uow() as uow:
        user = await uow.users.get(user_id)
        assert user is not None
        user.set_active(False, clock.now())
        await uow.commit()

    for _ in range(LIMIT):
        with pytest.raises(InvalidCredentials):
            await authenticate.execute(attempt("alice"))

    await refused(authenticate, attempt("alice"))


async def test_an_attempt_the_store_failed_is_not_counted(
    memory: Backend, hasher: Argon2PasswordHasher, clock: ManualClock, throttle: InMemoryLoginThrottle
) -> None:
    await register(memory, hasher, clock, "alice")
    broken = Authenticate(memory.uow, BrokenCredentials(), hasher, clock, TOKEN_TTL, throttle=throttle)
    for _ in range(2 * LIMIT):
        with pytest.raises(StorageUnavailable):
            await broken.execute(attempt("alice"))
    working = Authenticate(memory.uow, memory.credentials, hasher, clock, TOKEN_TTL, throttle=throttle)

    await fail(working, ["alice"] * (LIMIT - 1))
    assert (await working.execute(attempt("alice"))).access_token


@pytest.mark.usefixtures("alice")
async def test_without_a_throttle_nothing_is_refused(
    memory: Backend, hasher: Argon2PasswordHasher, clock: ManualClock
) -> None:
    unthrottled = Authenticate(memory.uow, memory.credentials, hasher, clock, TOKEN_TTL)

    await fail(unthrottled, ["alice"] * 3 * LIMIT)

    assert (await unthrottled.execute(attempt("alice"))).access_token


@pytest.fixture
def by_address(
    memory: Backend, counting: CountingHasher, clock: ManualClock, throttle: InMemoryLoginThrottle
) -> Authenticate:
    """Ten failures per name, and three per client address."""
    addresses = InMemoryLoginThrottle(clock, max_failures=3, window=WINDOW)
    return Authenticate(
        memory.uow, memory.credentials, counting, clock, TOKEN_TTL, throttle=throttle, address_throttle=addresses
    )


@pytest.mark.usefixtures("alice")
async def test_the_address_throttle_counts_failures_of_any_name_from_one_address(
    by_address: Authenticate, counting: CountingHasher
) -> None:
    await fail(by_address, ["bob", "carol", "dave"], address="10.0.0.1")

    assert await refused(by_address, attempt("alice", address="10.0.0.1")) == WINDOW.total_seconds()
    assert counting.verified == 3
    assert (await by_address.execute(attempt("alice", address="10.0.0.2"))).access_token
    assert (await by_address.execute(attempt("alice"))).access_token  # no address known: the name's limit only


@pytest.mark.usefixtures("alice")
async def test_a_refusal_by_address_does_not_count_against_the_name(by_address: Authenticate) -> None:
    await fail(by_address, ["alice"] * 3, address="10.0.0.1")
    for _ in range(5):
        await refused(by_address, attempt("alice", WRONG, address="10.0.0.1"))

    # Seven more failures for the name from elsewhere are heard out: 3 + 7 = 10.
    for host in range(2, 9):
        await fail(by_address, ["alice"], address=f"10.0.0.{host}")
    await refused(by_address, attempt("alice", address="10.0.0.9"))


@pytest.mark.usefixtures("alice")
async def test_a_success_does_not_count_against_the_address_nor_clear_it(by_address: Authenticate) -> None:
    await fail(by_address, ["bob", "carol"], address="10.0.0.1")
    for _ in range(3):
        await by_address.execute(attempt("alice", address="10.0.0.1"))

    await fail(by_address, ["dave"], address="10.0.0.1")
    await refused(by_address, attempt("alice", address="10.0.0.1"))
