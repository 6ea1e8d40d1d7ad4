"""Prometheus metrics: HTTP requests by route template, and the connection pool per role."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector
from starlette.types import Scope

from adapters.sqlalchemy.replicas import ReplicaState
from application.views import PoolStatus

UNMATCHED = "unmatched"
MULTIPROCESS_DIRECTORY = "PROMETHEUS_MULTIPROC_DIR"


class PoolCollector(Collector):
    """Reads every pool's numbers at scrape time, labelled by engine role."""

    def __init__(self, pools: Callable[[], dict[str, PoolStatus]]) -> None:
        self._pools = pools

    def collect(self) -> Iterator[Metric]:
        pools = self._pools()
        gauges: dict[str, tuple[str, Callable[[PoolStatus], int]]] = {
            "db_pool_size": ("Connections the pool keeps", lambda s: s.size),
            "db_pool_checked_out": ("Connections in use", lambda s: s.checked_out),
            "db_pool_checked_in": ("Idle connections in the pool", lambda s: s.checked_in),
            "db_pool_overflow": ("Connections open beyond the pool size", lambda s: s.overflow),
        }
        counters: dict[str, tuple[str, Callable[[PoolStatus], int]]] = {
            "db_pool_connects": ("New database connections", lambda s: s.connects),
            "db_pool_checkouts": ("Connections handed out", lambda s: s.checkouts),
            "db_pool_checkins": ("Connections given back", lambda s: s.checkins),
            "db_pool_resets": ("Connections reset (rolled back) on their way back", lambda s: s.resets),
            "db_pool_invalidations": ("Connections thrown away as broken", lambda s: s.invalidations),
            "db_pool_checkout_timeouts": (
                "Requests that gave up waiting for a connection",
                lambda s: s.checkout_timeouts,
            ),
        }
        for name, (text, read) in gauges.items():
            gauge = GaugeMetricFamily(name, text, labels=["role"])
            for role, status in pools.items():
                gauge.add_metric([role], read(status))
            yield gauge
        for name, (text, read) in counters.items():
            counter = CounterMetricFamily(name, text, labels=["role"])
            for role, status in pools.items():
                counter.add_metric([role], read(status))
            yield counter


def route_template(scope: Scope) -> str:
    """The template of the route that served the request (``/api/v1/users/{user_id}``)."""
    return getattr(scope.get("route"), "path", UNMATCHED)


class ReplicaCollector(Collector):
    """Each replica's lag and reachability as last seen (no query at scrape time)."""

    def __init__(self, replicas: Callable[[], dict[str, ReplicaState]]) -> None:
        self._replicas = replicas

    def collect(self) -> Iterator[Metric]:
        states = self._replicas()
        lag = GaugeMetricFamily("db_replica_lag_seconds", "How far behind the primary a replica was", labels=["role"])
        reachable = GaugeMetricFamily("db_replica_reachable", "1 if a replica answered its last check", labels=["role"])
        for role, state in states.items():
            if state.lag_seconds is not None:
                lag.add_metric([role], state.lag_seconds)
            reachable.add_metric([role], 1 if state.reachable else 0)
        yield lag
        yield reachable


class CountCollector(Collector):
    """One counter kept elsewhere (an adapter's own count), read at scrape time."""

    def __init__(self, name: str, documentation: str, read: Callable[[], int]) -> None:
        self._name, self._documentation, self._read = name, documentation, read

    def collect(self) -> Iterator[Metric]:
        yield CounterMetricFamily(self._name, self._documentation, value=self._read())


class Metrics:
    """One registry per app, so apps built side by side (tests) never collide."""

    def __init__(self, pools: Callable[[], dict[str, PoolStatus]]) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "http_requests", "HTTP requests answered", ["method", "route", "status"], registry=self.registry
        )
        self.duration = Histogram(
            "http_request_duration_seconds",
            "Time to answer, by route template",
            ["method", "route"],
            registry=self.registry,
        )
        self._collectors: list[Collector] = []
        self.add_collector(PoolCollector(pools))
        self._series: dict[tuple[str, str, int], tuple[Counter, Histogram]] = {}

    def exposition(self) -> bytes:
        """The Prometheus text of every series. With several workers (``serve`` then sets
        ``PROMETHEUS_MULTIPROC_DIR``, prometheus-client's multiprocess mode) the request
        series are summed over all of them; the collectors' (the pool, the throttle's count) are
        the answering worker's own."""
        directory = os.environ.get(MULTIPROCESS_DIRECTORY)
        if not directory:
            return generate_latest(self.registry)
        registry = CollectorRegistry()
        MultiProcessCollector(registry, path=directory)  # type: ignore[no-untyped-call]
        for collector in self._collectors:
            registry.register(collector)
        return generate_latest(registry)

    def add_collector(self, collector: Collector) -> None:
        """A collector of numbers this process keeps itself (its pool, an adapter's count)."""
        self._collectors.append(collector)
        self.registry.register(collector)

    def observe(self, scope: Scope, status: int, seconds: float) -> None:
        """Count and time one answered request under its route template
        (``/api/v1/users/{user_id}``), never the raw path, so the number of series stays bounded."""
        key = (scope["method"], route_template(scope), status)
        series = self._series.get(key)
        if series is None:  # looking a series up by its labels costs more than using it
            method, route, _ = key
            series = self._series[key] = (
                self.requests.labels(method, route, str(status)),
                self.duration.labels(method, route),
            )
        requests, duration = series
        requests.inc()
        duration.observe(seconds)
