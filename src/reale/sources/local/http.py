"""A tiny HTTP/1.1 server on 127.0.0.1 (asyncio streams) for the local test servers: one request
per connection, JSON replies, and chunked streaming responses that can be cut mid-stream."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any, Self
from urllib.parse import parse_qs, urlsplit

_REASONS = {200: "OK", 400: "Bad Request", 401: "Unauthorized", 404: "Not Found",
            429: "Too Many Requests"}


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes = b""
    extra: dict[str, Any] = field(default_factory=dict)

    def json(self) -> Any:
        return json.loads(self.body or b"null")


class Response:
    """Write one response: :meth:`send_json`, or :meth:`start_stream` + :meth:`chunk`."""

    def __init__(self, writer: asyncio.StreamWriter) -> None:
        self.writer = writer

    async def send_json(self, status: int, obj: Any, headers: dict[str, str] | None = None) -> None:
        body = json.dumps(obj).encode()
        head = self._head(status, {"content-type": "application/json",
                                   "content-length": str(len(body)), **(headers or {})})
        self.writer.write(head + body)
        await self.writer.drain()

    async def start_stream(self, content_type: str) -> None:
        self.writer.write(self._head(200, {"content-type": content_type,
                                           "transfer-encoding": "chunked"}))
        await self.writer.drain()

    async def chunk(self, data: bytes) -> None:
        self.writer.write(b"%x\r\n%s\r\n" % (len(data), data))
        await self.writer.drain()

    async def end(self) -> None:
        self.writer.write(b"0\r\n\r\n")
        await self.writer.drain()

    def abort(self) -> None:
        """Cut the connection without ending the body, like a network failure."""
        self.writer.transport.abort()

    def _head(self, status: int, headers: dict[str, str]) -> bytes:
        lines = [f"HTTP/1.1 {status} {_REASONS.get(status, 'Status')}", "connection: close"]
        lines += [f"{k}: {v}" for k, v in headers.items()]
        return ("\r\n".join(lines) + "\r\n\r\n").encode()


Handler = Callable[[Request, Response], Awaitable[None]]


class HttpServer:
    """``async with HttpServer(handler) as s:`` serves on ``s.base_url`` until the block ends."""

    def __init__(self, handler: Handler) -> None:
        self.handler = handler
        self._server: asyncio.Server | None = None
        self._tasks: set[asyncio.Task[None]] = set()

    @property
    def base_url(self) -> str:
        assert self._server is not None, "server not started"
        return f"http://127.0.0.1:{self._server.sockets[0].getsockname()[1]}"

    async def __aenter__(self) -> HttpServer:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        return self

    async def __aexit__(self, et: type[BaseException] | None, e: BaseException | None,
                        tb: TracebackType | None) -> None:
        assert self._server is not None
        self._server.close()
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        await self._server.wait_closed()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._tasks.add(task)  # type: ignore[arg-type]
        try:
            request = await self._read(reader)
            if request is not None:
                await self.handler(request, Response(writer))
        except (ConnectionError, asyncio.IncompleteReadError, asyncio.CancelledError):
            pass  # the client left, or the server is shutting down
        finally:
            self._tasks.discard(task)  # type: ignore[arg-type]
            writer.close()

    async def _read(self, reader: asyncio.StreamReader) -> Request | None:
        head = await reader.readuntil(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        parts = lines[0].split(" ")
        if len(parts) != 3:
            return None
        headers = {}
        for line in lines[1:]:
            if ":" in line:
                k, _, v = line.partition(":")
                headers[k.strip().lower()] = v.strip()
        body = await reader.readexactly(int(headers.get("content-length", "0") or 0))
        url = urlsplit(parts[1])
        return Request(parts[0], url.path, parse_qs(url.query), headers, body)


class LocalServer:
    """A local test server on an :class:`HttpServer`: ``async with Sub(...) as server:`` serves on
    ``server.base_url``; a subclass answers each request in :meth:`_handle`."""

    def __init__(self) -> None:
        self._http = HttpServer(self._handle)

    @property
    def base_url(self) -> str:
        return self._http.base_url

    async def __aenter__(self) -> Self:
        await self._http.__aenter__()
        return self

    async def __aexit__(self, et: type[BaseException] | None, e: BaseException | None,
                        tb: TracebackType | None) -> None:
        await self._http.__aexit__(et, e, tb)

    async def _handle(self, request: Request, response: Response) -> None:
        raise NotImplementedError
