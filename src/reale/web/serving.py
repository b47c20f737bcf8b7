"""Serve an app with uvicorn on 127.0.0.1, in a thread that the caller starts and stops (tests,
benchmarks, ``reale demo`` and ``reale run --serve`` use it).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import uvicorn
from starlette.applications import Starlette

from reale.ports import free_port


@contextmanager
def serving(app: Starlette, port: int = 0) -> Iterator[str]:
    """The base URL of ``app`` served by uvicorn on 127.0.0.1 until the block ends (``port`` 0:
    a free one)."""
    port = port or free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning",
                            lifespan="off", timeout_graceful_shutdown=1)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="reale-web", daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:  # waiting for the server to bind is I/O, not logic
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test server did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


__all__ = ["free_port", "serving"]
