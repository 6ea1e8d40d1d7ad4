"""The composition root: which adapter serves which port."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from dependency_injector import containers, providers

from adapters.clock import SystemClock
from adapters.memory.article_readers import InMemoryArticleReader, InMemoryAuthorReader
from adapters.memory.login_throttle import InMemoryLoginThrottle
from adapters.memory.readers import InMemoryCredentialsReader, InMemoryPostReader, InMemoryUserReader
from adapters.memory.store import InMemoryStore
from adapters.memory.unit_of_work import InMemoryUnitOfWork
from adapters.security.argon2 import Argon2PasswordHasher
from adapters.sqlalchemy.article_readers import SqlAlchemyArticleReader, SqlAlchemyAuthorReader
from adapters.sqlalchemy.database import PoolSettings, SqlAlchemyDatabase
from adapters.sqlalchemy.readers import SqlAlchemyCredentialsReader, SqlAlchemyPostReader, SqlAlchemyUserReader
from adapters.sqlalchemy.replicas import ReadConnections, ReplicaRouter, ReplicaState
from adapters.sqlalchemy.unit_of_work import SqlAlchemyUnitOfWork
from application.ports.clock import Clock
from application.ports.login_throttle import LoginThrottle
from application.use_cases.add_comment import AddComment
from application.use_cases.authenticate import Authenticate
from application.use_cases.create_post import CreatePost
from application.use_cases.create_superuser import CreateSuperuser
from application.use_cases.deactivate_users import DeactivateUsers
from application.use_cases.delete_comment import DeleteComment
from application.use_cases.delete_post import DeletePost
from application.use_cases.delete_user import DeleteUser
from application.use_cases.favorite_post import FavoritePost, UnfavoritePost
from application.use_cases.follow_user import FollowUser
from application.use_cases.get_post import GetPost
from application.use_cases.get_profile import GetProfile
from application.use_cases.get_user import GetUser
from application.use_cases.get_user_with_posts import GetUserWithPosts
from application.use_cases.identify_caller import IdentifyCaller
from application.use_cases.import_users import ImportUsers
from application.use_cases.list_comments import ListComments
from application.use_cases.list_follows import ListFollows
from application.use_cases.list_posts import ListPosts
from application.use_cases.list_users import ListUsers
from application.use_cases.log_out import LogOut
from application.use_cases.read_articles import (
    GetArticle,
    GetAuthor,
    GetFeed,
    ListArticleComments,
    ListArticles,
    ListTags,
)
from application.use_cases.register_user import RegisterUser
from application.use_cases.search_users import SearchUsers
from application.use_cases.transfer_posts import TransferPosts
from application.use_cases.unfollow_user import UnfollowUser
from application.use_cases.update_post import UpdatePost
from application.use_cases.update_user import UpdateUser
from application.views import PoolStatus
from entrypoints.settings import Settings


def _reader(
    settings: providers.Provider[Settings],
    store: providers.Provider[Any],
    connections: providers.Provider[Any],
    memory: Callable[[Any], object],
    sqlalchemy: Callable[[Any], object],
) -> providers.Selector[Any]:
    """The reader of the configured persistence, one per process."""
    return providers.Selector(
        settings.provided.persistence,
        memory=providers.Singleton(memory, store),
        sqlalchemy=providers.Singleton(sqlalchemy, connections),
    )


def _argon2_hasher(*, time_cost: int, memory_cost_kib: int, parallelism: int) -> Iterator[Argon2PasswordHasher]:
    """The hasher, whose worker processes stop when the container's resources are shut down."""
    hasher = Argon2PasswordHasher(time_cost=time_cost, memory_cost_kib=memory_cost_kib, parallelism=parallelism)
    try:
        yield hasher
    finally:
        hasher.close()


def _read_connections(settings: Settings, primary: SqlAlchemyDatabase, pool: PoolSettings) -> ReadConnections:
    """Readers use the replicas when DATABASE_REPLICA_URL names some, else the primary."""
    urls = settings.replica_urls
    if not urls:
        return primary
    replicas = [
        SqlAlchemyDatabase(url, pool=pool, echo=settings.db_echo, application_name=settings.db_application_name)
        for url in urls
    ]
    return ReplicaRouter(primary, replicas, max_lag_seconds=settings.db_replica_max_lag_seconds)


if TYPE_CHECKING:
    from redis.asyncio import Redis

# The Redis adapter is imported only when REDIS_URL is set: redis-py weighs 6 MiB, and the
# serving process's read budget is 100 MiB.


def _redis(url: str | None) -> Redis | None:
    """The Redis client, when REDIS_URL is set; it connects at its first command."""
    if not url:
        return None
    from adapters.redis.login_throttle import redis_client

    return redis_client(url)


def _login_throttle(
    redis: Redis | None, clock: Clock, *, max_failures: int, window_seconds: int, by_address: bool
) -> LoginThrottle | None:
    """Counts in Redis when there is one, else in this process; none with a limit of 0."""
    if max_failures == 0:
        return None
    window = timedelta(seconds=window_seconds)
    if redis is None:
        return InMemoryLoginThrottle(clock, max_failures=max_failures, window=window)
    from adapters.redis.login_throttle import ADDRESS_NAMESPACE, NAME_NAMESPACE, RedisLoginThrottle

    namespace = ADDRESS_NAMESPACE if by_address else NAME_NAMESPACE
    return RedisLoginThrottle(redis, max_failures=max_failures, window=window, namespace=namespace)


class Container(containers.DeclarativeContainer):
    """Engines and stores are singletons, built on first use (never at import); units of
    work and use cases are factories: a new one per use."""

    settings = providers.Singleton(Settings)

    clock = providers.Singleton(SystemClock)
    password_hasher = providers.Resource(
        _argon2_hasher,
        time_cost=settings.provided.argon2_time_cost,
        memory_cost_kib=settings.provided.argon2_memory_cost_kib,
        parallelism=settings.provided.argon2_parallelism,
    )

    pool_settings = providers.Factory(
        PoolSettings,
        size=settings.provided.db_pool_size,
        max_overflow=settings.provided.db_max_overflow,
        timeout=settings.provided.db_pool_timeout,
        recycle=settings.provided.db_pool_recycle,
        pre_ping=settings.provided.db_pool_pre_ping,
        statement_timeout_ms=settings.provided.db_statement_timeout_ms,
        pgbouncer=settings.provided.db_pgbouncer,
    )
    primary_database = providers.Singleton(
        SqlAlchemyDatabase,
        url=settings.provided.database_url,
        pool=pool_settings,
        echo=settings.provided.db_echo,
        application_name=settings.provided.db_application_name,
    )
    memory_store = providers.Singleton(InMemoryStore)
    database = providers.Selector(settings.provided.persistence, memory=memory_store, sqlalchemy=primary_database)
    read_connections = providers.Singleton(_read_connections, settings, primary_database, pool_settings)
    unit_of_work = providers.Selector(
        settings.provided.persistence,
        memory=providers.Factory(InMemoryUnitOfWork, database),
        sqlalchemy=providers.Factory(SqlAlchemyUnitOfWork, database),
    )
    user_reader = _reader(settings, memory_store, read_connections, InMemoryUserReader, SqlAlchemyUserReader)
    post_reader = _reader(settings, memory_store, read_connections, InMemoryPostReader, SqlAlchemyPostReader)
    article_reader = _reader(settings, memory_store, read_connections, InMemoryArticleReader, SqlAlchemyArticleReader)
    author_reader = _reader(settings, memory_store, read_connections, InMemoryAuthorReader, SqlAlchemyAuthorReader)
    credentials_reader = _reader(
        settings, memory_store, primary_database, InMemoryCredentialsReader, SqlAlchemyCredentialsReader
    )
    token_ttl = providers.Factory(timedelta, seconds=settings.provided.access_token_ttl_seconds)
    redis = providers.Singleton(_redis, settings.provided.redis_url)
    login_throttle = providers.Singleton(
        _login_throttle,
        redis,
        clock,
        max_failures=settings.provided.login_max_failures,
        window_seconds=settings.provided.login_failure_window_seconds,
        by_address=False,
    )
    address_login_throttle = providers.Singleton(
        _login_throttle,
        redis,
        clock,
        max_failures=settings.provided.login_max_failures_per_address,
        window_seconds=settings.provided.login_failure_window_seconds,
        by_address=True,
    )

    register_user = providers.Factory(
        RegisterUser, uow_factory=unit_of_work.provider, hasher=password_hasher, clock=clock, token_ttl=token_ttl
    )
    create_superuser = providers.Factory(CreateSuperuser, register_user=register_user)
    authenticate = providers.Factory(
        Authenticate,
        uow_factory=unit_of_work.provider,
        credentials=credentials_reader,
        hasher=password_hasher,
        clock=clock,
        token_ttl=token_ttl,
        throttle=login_throttle,
        address_throttle=address_login_throttle,
    )
    identify_caller = providers.Factory(IdentifyCaller, credentials=credentials_reader, clock=clock)
    log_out = providers.Factory(LogOut, uow_factory=unit_of_work.provider)
    get_user = providers.Factory(GetUser, reader=user_reader)
    list_users = providers.Factory(ListUsers, reader=user_reader)
    search_users = providers.Factory(SearchUsers, reader=user_reader)
    get_user_with_posts = providers.Factory(GetUserWithPosts, reader=user_reader)
    update_user = providers.Factory(UpdateUser, uow_factory=unit_of_work.provider, hasher=password_hasher, clock=clock)
    delete_user = providers.Factory(DeleteUser, uow_factory=unit_of_work.provider)
    get_profile = providers.Factory(GetProfile, reader=user_reader)
    list_follows = providers.Factory(ListFollows, reader=user_reader)
    follow_user = providers.Factory(FollowUser, uow_factory=unit_of_work.provider, clock=clock)
    unfollow_user = providers.Factory(UnfollowUser, uow_factory=unit_of_work.provider)

    create_post = providers.Factory(CreatePost, uow_factory=unit_of_work.provider, clock=clock)
    update_post = providers.Factory(UpdatePost, uow_factory=unit_of_work.provider, clock=clock)
    delete_post = providers.Factory(DeletePost, uow_factory=unit_of_work.provider)
    add_comment = providers.Factory(AddComment, uow_factory=unit_of_work.provider, clock=clock)
    list_posts = providers.Factory(ListPosts, reader=post_reader)
    get_post = providers.Factory(GetPost, reader=post_reader)
    list_comments = providers.Factory(ListComments, reader=post_reader)
    delete_comment = providers.Factory(DeleteComment, uow_factory=unit_of_work.provider)
    favorite_post = providers.Factory(FavoritePost, uow_factory=unit_of_work.provider, clock=clock)
    unfavorite_post = providers.Factory(UnfavoritePost, uow_factory=unit_of_work.provider)

    list_articles = providers.Factory(ListArticles, reader=article_reader)
    get_feed = providers.Factory(GetFeed, reader=article_reader)
    get_article = providers.Factory(GetArticle, reader=article_reader)
    list_article_comments = providers.Factory(ListArticleComments, reader=article_reader)
    list_tags = providers.Factory(ListTags, reader=article_reader)
    get_author = providers.Factory(GetAuthor, reader=author_reader)

    transfer_posts = providers.Factory(TransferPosts, uow_factory=unit_of_work.provider, clock=clock)
    deactivate_users = providers.Factory(DeactivateUsers, uow_factory=unit_of_work.provider, clock=clock)
    import_users = providers.Factory(
        ImportUsers, uow_factory=unit_of_work.provider, reader=user_reader, hasher=password_hasher, clock=clock
    )


def replica_router(container: Container) -> ReplicaRouter | None:
    """The replica router, when one is configured (never built otherwise)."""
    settings = container.settings()
    if settings.persistence != "sqlalchemy" or not settings.replica_urls:
        return None
    connections = container.read_connections()
    return connections if isinstance(connections, ReplicaRouter) else None


def pool_statuses(container: Container) -> dict[str, PoolStatus]:
    """Each engine's pool by role: ``primary`` and, when configured, each replica's
    (``replica`` for one, ``replica-1``, ``replica-2`` ... for several)."""
    statuses = {"primary": container.database().pool_status()}
    replicated = replica_router(container)
    if replicated is not None:
        statuses.update((replica.name, replica.database.pool_status()) for replica in replicated.replicas)
    return statuses


def replica_states(container: Container) -> dict[str, ReplicaState]:
    """Each replica's state as last seen, by role; empty when none is configured."""
    replicated = replica_router(container)
    return {} if replicated is None else {replica.name: replica.state for replica in replicated.replicas}


def login_throttle_fail_opens(container: Container) -> int:
    """Login attempts this process let through unchecked because Redis was unavailable (the
    in-process throttle has no store to lose, and no such count)."""
    throttles = (container.login_throttle(), container.address_login_throttle())
    return sum(getattr(throttle, "fail_opens", 0) for throttle in throttles)


async def close_redis(container: Container) -> None:
    """Close the Redis client's connections, if REDIS_URL made one (at shutdown)."""
    client = container.redis()
    if client is not None:
        await client.aclose()
