"""The LoginThrottle contract (application/ports/login_throttle.py), the same cases on the
in-memory adapter (on a ManualClock) and on the Redis adapter (the test Redis, real time:
windows that must pass are a fraction of a second there); then what only Redis has: hashed,
namespaced keys, concurrent attempts from many connections, and failing open."""

from __future__ import annotations

import asyncio
import hashlib
import logging
import socket
import time
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta

import pytest
import redis.asyncio

from adapters.memory.login_throttle import InMemoryLoginThrottle
from adapters.redis.login_throttle import RedisLoginThrottle, redis_client
from adapters.security.argon2 import Argon2PasswordHasher
from application.errors import InvalidCredentials, TooManyLoginAttempts
from application.ports.login_throttle import LoginThrottle
from application.use_cases.authenticate import Authenticate, AuthenticateCommand
from entrypoints.settings import Settings
from tests.conftest import memory_backend
from tests.e2e.conftest import serving, wired
from tests.fakes import CountingHasher, ManualClock
from tests.redis_server import CLOSED_REDIS_URL, delete_keys, fresh_namespace
from tests.unit.support import PASSWORD, TOKEN_TTL, register

LIMIT = 10
LONG = timedelta(minutes=15)


@dataclass
class Subject:
    """One adapter under the contract: ``make`` builds a throttle, ``wait`` lets time pass."""

    name: str
    make: Callable[[int, timedelta], LoginThrottle]
    wait: Callable[[timedelta], object]

    async def pass_time(self, delta: timedelta) -> None:
        result = self.wait(delta)
        if asyncio.iscoroutine(result):
            await result


@pytest.fixture
async def redis_namespace(redis_url: str) -> AsyncIterator[tuple[redis.asyncio.Redis, str]]:
    """A client of the test Redis and a key namespace of this test's own, deleted after it."""
    client = redis_client(redis_url)
    namespace = fresh_namespace()
    try:
        yield client, namespace
    finally:
        await client.aclose()
        delete_keys(redis_url, f"{namespace}*")


@pytest.fixture(params=["memory", "redis"])
async def subject(request: pytest.FixtureRequest) -> AsyncIterator[Subject]:
    if request.param == "memory":
        clock = ManualClock()
        yield Subject(
            "memory",
            lambda limit, window: InMemoryLoginThrottle(clock, max_failures=limit, window=window),
            clock.advance,
        )
        return
    url: str = request.getfixturevalue("redis_url")  # a plain fixture: no event loop needed
    # The contract is about counting, not timeouts (the fail-open tests have those): a busy
    # test machine must not turn 30 racing attempts into fail-opens.
    client, namespace = redis_client(url, timeout=10.0), fresh_namespace()

    async def sleep(delta: timedelta) -> None:
        await asyncio.sleep(delta.total_seconds())

    try:
        yield Subject(
            "redis",
            lambda limit, window: RedisLoginThrottle(client, max_failures=limit, window=window, namespace=namespace),
            sleep,
        )
    finally:
        await client.aclose()
        delete_keys(url, f"{namespace}*")


async def let_through(throttle: LoginThrottle, key: str, times: int) -> None:
    for attempt in range(times):
        assert await throttle.check(key) is None, f"attempt {attempt + 1} refused"


async def test_the_limit_is_let_through_then_every_attempt_is_refused_until_the_window_passes(
    subject: Subject,
) -> None:
    throttle = subject.make(LIMIT, LONG)

    await let_through(throttle, "alice", LIMIT)

    for _ in range(3):
        retry_after = await throttle.check("alice")
        assert retry_after is not None
        assert LONG.total_seconds() - 1 <= retry_after <= LONG.total_seconds()


async def test_a_refused_attempt_is_not_counted(subject: Subject) -> None:
    throttle = subject.make(LIMIT, LONG)
    await let_through(throttle, "alice", LIMIT)
    for _ in range(5):
        assert await throttle.check("alice") is not None

    await throttle.release("alice")

    await let_through(throttle, "alice", 1)
    assert await throttle.check("alice") is not None


async def test_the_window_passing_lets_attempts_through_again_in_a_new_window(subject: Subject) -> None:
    window = timedelta(milliseconds=300)
    throttle = subject.make(3, window)
    await let_through(throttle, "alice", 3)
    assert await throttle.check("alice") == 1  # whole seconds, at least 1

    await subject.pass_time(window + timedelta(milliseconds=50))

    await let_through(throttle, "alice", 3)
    assert await throttle.check("alice") == 1


async def test_the_window_opens_at_the_first_failure_and_refusals_do_not_move_it(subject: Subject) -> None:
    window = timedelta(milliseconds=600)
    throttle = subject.make(2, window)
    await let_through(throttle, "alice", 1)
    await subject.pass_time(timedelta(milliseconds=300))
    await let_through(throttle, "alice", 1)
    assert await throttle.check("alice") is not None

    await subject.pass_time(timedelta(milliseconds=350))  # 650 ms after the first failure

    await let_through(throttle, "alice", 2)


async def test_clear_forgets_the_count(subject: Subject) -> None:
    throttle = subject.make(LIMIT, LONG)
    await let_through(throttle, "alice", LIMIT)

    await throttle.clear("alice")

    await let_through(throttle, "alice", LIMIT)
    assert await throttle.check("alice") is not None


async def test_release_gives_back_one_count_and_never_goes_below_none(subject: Subject) -> None:
    throttle = subject.make(LIMIT, LONG)
    for _ in range(3):
        await throttle.release("alice")  # nothing counted: nothing to give back
    await throttle.clear("nobody")
    await let_through(throttle, "alice", LIMIT)
    assert await throttle.check("alice") is not None

    await throttle.release("alice")

    await let_through(throttle, "alice", 1)
    assert await throttle.check("alice") is not None


async def test_a_count_released_to_zero_is_forgotten_and_the_next_failure_opens_a_new_window(
    subject: Subject,
) -> None:
    window = timedelta(seconds=1)
    throttle = subject.make(2, window)
    await let_through(throttle, "alice", 1)
    await subject.pass_time(timedelta(milliseconds=500))

    await throttle.release("alice")
    await let_through(throttle, "alice", 2)  # a new window, until about 1.5 s

    await subject.pass_time(timedelta(milliseconds=700))  # past the first window's end
    assert await throttle.check("alice") is not None


async def test_each_key_counts_alone(subject: Subject) -> None:
    throttle = subject.make(LIMIT, LONG)
    await let_through(throttle, "alice", LIMIT)

    await let_through(throttle, "Alice", LIMIT)  # keys are opaque: folding is the caller's
    await let_through(throttle, "bob", LIMIT)
    assert await throttle.check("alice") is not None


async def test_concurrent_attempts_let_exactly_the_limit_through(subject: Subject) -> None:
    throttle = subject.make(LIMIT, LONG)

    answers = await asyncio.gather(*(throttle.check("alice") for _ in range(30)))

    refusals = [answer for answer in answers if answer is not None]
    assert len(refusals) == 30 - LIMIT
    assert all(LONG.total_seconds() - 1 <= seconds <= LONG.total_seconds() for seconds in refusals)


# What only the Redis adapter has.


async def test_redis_keys_are_namespaced_digests_that_expire_with_the_window(
    redis_namespace: tuple[redis.asyncio.Redis, str],
) -> None:
    client, namespace = redis_namespace
    throttle = RedisLoginThrottle(client, max_failures=LIMIT, window=LONG, namespace=namespace)

    await let_through(throttle, "alice@example.com", 3)

    keys = [key.decode() async for key in client.scan_iter(match=f"{namespace}*")]
    assert keys == [namespace + hashlib.sha256(b"alice@example.com").hexdigest()]
    assert throttle.redis_key("alice@example.com") == keys[0]
    assert await client.get(keys[0]) == b"3"
    assert LONG.total_seconds() * 1000 - 5000 < await client.pttl(keys[0]) <= LONG.total_seconds() * 1000
    await throttle.clear("alice@example.com")
    assert await client.exists(keys[0]) == 0


async def test_the_service_keys_names_under_its_own_namespace(closed_redis: redis.asyncio.Redis) -> None:
    throttle = RedisLoginThrottle(closed_redis, max_failures=1, window=LONG)

    assert throttle.redis_key("ada") == "inkwell:login-failures:" + hashlib.sha256(b"ada").hexdigest()


async def test_thirty_concurrent_wrong_logins_through_redis_reach_the_password_check_ten_times(
    redis_namespace: tuple[redis.asyncio.Redis, str], hasher: Argon2PasswordHasher
) -> None:
    client, namespace = redis_namespace
    throttle = RedisLoginThrottle(client, max_failures=LIMIT, window=LONG, namespace=namespace)
    backend, clock, counting = memory_backend(), ManualClock(), CountingHasher(hasher)
    await register(backend, hasher, clock, "alice")
    authenticate = Authenticate(backend.uow, backend.credentials, counting, clock, TOKEN_TTL, throttle=throttle)

    outcomes = await asyncio.gather(
        *(authenticate.execute(AuthenticateCommand(login="alice", password="wrong")) for _ in range(30)),
        return_exceptions=True,
    )

    assert (
        sorted(type(outcome).__name__ for outcome in outcomes)
        == ["InvalidCredentials"] * LIMIT + ["TooManyLoginAttempts"] * 20
    )
    assert counting.verified == LIMIT
    with pytest.raises(TooManyLoginAttempts):
        await authenticate.execute(AuthenticateCommand(login="ALICE", password=PASSWORD))


@pytest.fixture
async def closed_redis() -> AsyncIterator[redis.asyncio.Redis]:
    client = redis_client(CLOSED_REDIS_URL)
    yield client
    await client.aclose()


async def test_a_redis_that_refuses_connections_lets_logins_through_counted_and_warned_once(
    closed_redis: redis.asyncio.Redis, hasher: Argon2PasswordHasher, caplog: pytest.LogCaptureFixture
) -> None:
    throttle = RedisLoginThrottle(closed_redis, max_failures=2, window=LONG, pause_seconds=0)
    backend, clock = memory_backend(), ManualClock()
    await register(backend, hasher, clock, "alice")
    authenticate = Authenticate(backend.uow, backend.credentials, hasher, clock, TOKEN_TTL, throttle=throttle)
    caplog.set_level(logging.WARNING, logger="inkwell.login_throttle")

    for _ in range(5):
        with pytest.raises(InvalidCredentials):
            await authenticate.execute(AuthenticateCommand(login="alice", password="wrong"))
    issued = await authenticate.execute(AuthenticateCommand(login="alice", password=PASSWORD))

    assert issued.access_token
    assert throttle.fail_opens == 6  # every check; clear and release fail quietly
    [warning] = [record for record in caplog.records if record.name == "inkwell.login_throttle"]
    assert "Redis unavailable" in warning.getMessage()
    assert "ConnectionError" in warning.getMessage()
    assert warning.exc_info is None  # one line, no traceback


@pytest.fixture
def silent_server() -> Iterator[str]:
    """A Redis URL whose server accepts connections and never answers."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(64)
        yield f"redis://127.0.0.1:{listener.getsockname()[1]}/0"


async def test_a_redis_that_does_not_answer_costs_one_timeout_then_is_skipped_for_a_while(
    silent_server: str,
) -> None:
    client = redis_client(silent_server)
    try:
        throttle = RedisLoginThrottle(client, max_failures=2, window=LONG, pause_seconds=30)
        started = time.monotonic()
        assert await throttle.check("alice") is None
        first = time.monotonic() - started
        for _ in range(5):
            assert await throttle.check("alice") is None
            await throttle.clear("alice")
        rest = time.monotonic() - started - first
    finally:
        await client.aclose()

    assert 0.4 <= first <= 1.5
    assert rest < 0.1
    assert throttle.fail_opens == 6


async def test_the_apps_shutdown_closes_its_redis_connections(redis_url: str, hasher: Argon2PasswordHasher) -> None:
    container = wired(Settings(persistence="memory", redis_url=redis_url), hasher)
    name = f"nobody-{fresh_namespace()}"
    try:
        async with serving(container) as client:
            response = await client.post("/api/v1/auth/token", data={"username": name, "password": "wrong"})
            assert response.status_code == 401
            used = container.redis()
            assert used is not None
            connection_id = await used.client_id()  # the pooled connection the login used

        async with redis.asyncio.Redis.from_url(redis_url) as observer:
            deadline = time.monotonic() + 5
            while await observer.client_list(client_id=[connection_id]):
                assert time.monotonic() < deadline, "the connection is still open after shutdown"
                await asyncio.sleep(0.02)
    finally:
        delete_keys(redis_url, f"inkwell:login-failures:{hashlib.sha256(name.encode()).hexdigest()}")
