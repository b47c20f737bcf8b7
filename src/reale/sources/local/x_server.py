"""An X API v2 filtered stream on 127.0.0.1: ``GET /2/tweets/search/stream`` sends recorded
lines as chunked newline-delimited JSON with ``\\r\\n`` keep-alives, and
``/2/tweets/search/stream/rules`` keeps rules within a tier's budget.

Lines are "published" as the stream sends them. ``drop_after=N`` cuts the first stream after N
lines and ``publish_while_down`` more are published meanwhile; a connection with
``backfill_minutes`` first resends the ``recent`` last published lines, as X does for
Pro/Enterprise streams.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any

from reale.sources.local.http import LocalServer, Request, Response


class XServer(LocalServer):
    """``async with XServer(lines, token="t") as server:`` → ``server.base_url``."""

    def __init__(self, lines: Sequence[bytes], *, token: str = "", drop_after: int | None = None,
                 publish_while_down: int = 0, recent: int = 4, max_rules: int = 25,
                 max_rule_length: int = 512) -> None:
        self.lines = [x for x in lines if x.strip()]
        self.token = token
        self.drop_after = drop_after
        self.publish_while_down = publish_while_down
        self.recent = recent
        self.max_rules = max_rules
        self.max_rule_length = max_rule_length
        self.rules: dict[str, dict[str, str]] = {}
        self.published = 0
        self.requests: list[Request] = []
        self._cut_at: int | None = None
        self._next_rule_id = 1
        super().__init__()

    async def _handle(self, request: Request, response: Response) -> None:
        self.requests.append(request)
        if self.token and request.headers.get("authorization") != f"Bearer {self.token}":
            await response.send_json(401, {"title": "Unauthorized", "status": 401})
        elif request.path == "/2/tweets/search/stream":
            await self._stream(request, response)
        elif request.path == "/2/tweets/search/stream/rules":
            await self._rules(request, response)
        else:
            await response.send_json(404, {"title": "Not Found"})

    async def _stream(self, request: Request, response: Response) -> None:
        await response.start_stream("application/json")
        if "backfill_minutes" in request.query:
            for line in self.lines[max(0, self.published - self.recent):self.published]:
                await response.chunk(line + b"\r\n")
        sent = 0
        while self.published < len(self.lines):
            line = self.lines[self.published]
            self.published += 1
            await response.chunk(b"\r\n" + line + b"\r\n")  # a keep-alive, then the line
            sent += 1
            if self.drop_after is not None and sent == self.drop_after and self._cut_at is None:
                self._cut_at = self.published
                self.published = min(len(self.lines), self.published + self.publish_while_down)
                response.abort()
                return
        await response.chunk(b"\r\n")
        await asyncio.Event().wait()  # stay open, as a quiet stream does

    async def _rules(self, request: Request, response: Response) -> None:
        if request.method == "GET":
            data = list(self.rules.values())
            await response.send_json(200, {"data": data, "meta": {"result_count": len(data)}}
                                     if data else {"meta": {"result_count": 0}})
            return
        body: dict[str, Any] = request.json() or {}
        if "delete" in body:
            for rid in body["delete"].get("ids", []):
                self.rules.pop(str(rid), None)
            await response.send_json(200, {"meta": {"summary": {"deleted": 1}}})
            return
        adds = body.get("add", [])
        errors = self._check(adds)
        if errors:
            await response.send_json(400, {"errors": errors, "title": "Invalid Request"})
            return
        created = []
        for rule in adds:
            rid = str(self._next_rule_id)
            self._next_rule_id += 1
            self.rules[rid] = {"id": rid, "value": rule["value"], "tag": rule.get("tag", "")}
            created.append(self.rules[rid])
        await response.send_json(201, {"data": created, "meta": {"summary": {
            "created": len(created)}}})

    def _check(self, adds: list[dict[str, str]]) -> list[dict[str, str]]:
        errors = [{"message": f"Rule is too long: {a['value'][:40]}", "title": "RuleTooLong"}
                  for a in adds if len(a["value"]) > self.max_rule_length]
        if len(self.rules) + len(adds) > self.max_rules:
            errors.append({"message": f"Rule cap of {self.max_rules} exceeded",
                           "title": "RulesCapExceeded"})
        return errors
