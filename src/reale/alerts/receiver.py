"""A local webhook receiver on 127.0.0.1: the demo prints what it gets, the benchmark times it,
and tests inject faults into it. It verifies ``X-Reale-Signature`` the way docs/alerts.md tells a
receiver to, and honours ``X-Reale-Delivery`` (a repeated delivery is acknowledged, not counted).

Faults: ``fail_next(n, status)`` answers the next n requests with an error; ``hang_next(n, s)``
accepts the next n and then answers only after s seconds (a slow receiver); ``stop()`` and
``start()`` take it down and bring it back on the same port.
"""

from __future__ import annotations

import json
import threading
import time
from collections import deque
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import msgspec

from reale.alerts.webhook import DELIVERY_HEADER, verify
from reale.clock import Clock, SystemClock

# (path, headers, body) -> None to accept, or (status, text) to refuse (payload shape checks).
Validator = Callable[[str, dict[str, str], bytes], "tuple[int, str] | None"]


class Received(msgspec.Struct, frozen=True, kw_only=True):
    """One request as it arrived."""

    path: str
    headers: dict[str, str]
    body: bytes
    at: float  # wall time it arrived (time.time())
    delivery_id: str = ""
    verified: bool | None = None  # None: no secret to check against
    duplicate: bool = False

    def json(self) -> Any:
        return json.loads(self.body or b"null")


class LocalReceiver:
    """A threaded HTTP receiver; use as a context manager, or ``start()``/``stop()``."""

    def __init__(self, *, secret: str = "", port: int = 0, clock: Clock | None = None,
                 tolerance: float = 300.0, validate: Validator | None = None,
                 on_receive: Callable[[Received], None] | None = None) -> None:
        self.secret = secret
        self.clock: Clock = clock or SystemClock()
        self.tolerance = tolerance
        self.validate = validate
        self.on_receive = on_receive
        self.requests: list[Received] = []  # every request, faults and duplicates included
        self.accepted: list[Received] = []  # each delivery once, in the order first accepted
        self._seen: set[str] = set()
        self._faults: deque[tuple[str, tuple[float, float | None, str]]] = deque()
        self._lock = threading.Lock()
        self._release = threading.Event()
        self._port = port
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._port}/hook"

    @property
    def duplicates(self) -> int:
        return sum(1 for r in self.requests if r.duplicate)

    def fail_next(self, n: int, status: int = 500, retry_after: float | None = None,
                  text: str = "injected failure") -> None:
        """Answer the next ``n`` requests with ``status`` (and a Retry-After, if given)."""
        with self._lock:
            self._faults.extend([("status", (status, retry_after, text))] * n)

    def hang_next(self, n: int, seconds: float) -> None:
        """Accept the next ``n`` requests but answer each only after ``seconds``."""
        with self._lock:
            self._faults.extend([("hang", (seconds, None, ""))] * n)

    def start(self) -> LocalReceiver:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                receiver._handle(self)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self._release.clear()
        self._httpd = ThreadingHTTPServer(("127.0.0.1", self._port), Handler)
        self._httpd.daemon_threads = True
        self._port = int(self._httpd.server_address[1])
        self._thread = threading.Thread(target=self._httpd.serve_forever, args=(0.05,), daemon=True,
                                        name="reale-alert-receiver")
        self._thread.start()
        return self

    def stop(self) -> None:
        self._release.set()  # let hanging handlers finish
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> LocalReceiver:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- handling -----------------------------------------------------------------------------
    def _handle(self, h: BaseHTTPRequestHandler) -> None:
        length = int(h.headers.get("Content-Length") or 0)
        body = h.rfile.read(length) if length else b""
        headers = {k: v for k, v in h.headers.items()}
        with self._lock:
            fault = self._faults.popleft() if self._faults else None
        if fault and fault[0] == "status":
            status, retry_after, text = fault[1]
            self._record(h.path, headers, body, verified=None, accept=False)
            extra = {"Retry-After": f"{retry_after:g}"} if retry_after is not None else {}
            self._answer(h, int(status), text, extra)
            return
        verified = verify(self.secret, headers, body, now=self.clock.now(),
                          tolerance=self.tolerance) if self.secret else None
        refusal = self.validate(h.path, headers, body) if self.validate else None
        if verified is False or refusal is not None:
            self._record(h.path, headers, body, verified=verified, accept=False)
            status, text = refusal or (401, "bad signature")
            self._answer(h, status, text)
            return
        self._record(h.path, headers, body, verified=verified, accept=True)
        if fault and fault[0] == "hang":
            self._release.wait(fault[1][0])  # the work is done; the answer comes too late
        self._answer(h, 200, "ok")

    def _record(self, path: str, headers: dict[str, str], body: bytes, *,
                verified: bool | None, accept: bool) -> None:
        lower = {k.lower(): v for k, v in headers.items()}
        delivery = lower.get(DELIVERY_HEADER.lower(), "")
        with self._lock:
            duplicate = accept and bool(delivery) and delivery in self._seen
            item = Received(path=path, headers=headers, body=body, at=time.time(),
                            delivery_id=delivery, verified=verified, duplicate=duplicate)
            self.requests.append(item)
            if accept and not duplicate:
                if delivery:
                    self._seen.add(delivery)
                self.accepted.append(item)
        if accept and not duplicate and self.on_receive is not None:
            self.on_receive(item)

    @staticmethod
    def _answer(h: BaseHTTPRequestHandler, status: int, text: str,
                headers: dict[str, str] | None = None) -> None:
        data = text.encode("utf-8")
        try:
            h.send_response(status)
            for name, value in (headers or {}).items():
                h.send_header(name, value)
            h.send_header("Content-Type", "text/plain; charset=utf-8")
            h.send_header("Content-Length", str(len(data)))
            h.end_headers()
            h.wfile.write(data)
        except OSError:
            pass  # the client gave up (timeout): nothing to tell it


__all__ = ["LocalReceiver", "Received", "Validator"]
