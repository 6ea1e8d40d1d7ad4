"""Drain before shutting down: on SIGTERM, readiness answers 503 for a while as requests are
still served, so a load balancer stops sending new ones before the listener closes. Then
the server's own graceful shutdown runs: stop accepting, finish in-flight requests, run
the lifespan's shutdown."""

from __future__ import annotations

import asyncio
import logging
import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import FrameType

logger = logging.getLogger("inkwell")


@contextmanager
def drain_on_sigterm(seconds: float, begin_draining: Callable[[], None]) -> Iterator[None]:
    """While active, the first SIGTERM calls ``begin_draining`` and hands the signal to the
    server's own handler ``seconds`` later; a second SIGTERM hands it over at once.

    Inert unless a server installed a SIGTERM handler in the main thread (uvicorn does,
    before the lifespan starts), so an app in a test or under another host is untouched."""
    server_handler = signal.getsignal(signal.SIGTERM)
    if seconds <= 0 or threading.current_thread() is not threading.main_thread() or not callable(server_handler):
        yield
        return
    hand_over: Callable[[int, FrameType | None], object] = server_handler
    loop = asyncio.get_running_loop()
    draining = False

    def on_sigterm(sig: int, frame: FrameType | None) -> None:
        nonlocal draining
        if draining:
            hand_over(sig, frame)
            return
        draining = True
        begin_draining()
        logger.info("SIGTERM: readiness is 503; draining for %.1f s before shutting down", seconds)
        loop.call_soon_threadsafe(loop.call_later, seconds, hand_over, sig, frame)

    signal.signal(signal.SIGTERM, on_sigterm)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, server_handler)
