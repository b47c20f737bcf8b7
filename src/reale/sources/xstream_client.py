"""X API v2 filtered-stream client: ``GET /2/tweets/search/stream`` with a bearer token,
newline-delimited JSON with blank keep-alive lines; a corrupt line is skipped and counted.

X streams cannot replay by cursor. With ``backfill_minutes`` (a Pro/Enterprise feature) a
reconnect, or a restart from the committed cursor, asks X to resend up to five minutes of
tweets, and the client drops those it already delivered. A line over ``max_line_bytes`` is
dropped as it arrives and counted (``stats.extra["oversized"]``). Rules: :mod:`reale.sources.xrules`.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncGenerator, Sequence
from typing import Any

from reale.errors import SourceError
from reale.sources.httpbase import HttpStreamClient, ceil_minutes, snowflake_ms
from reale.sources.lines import MAX_LINE_BYTES, bounded_lines
from reale.sources.xrules import Rule, SyncReport, sync_rules
from reale.sources.xstream import parse, stream_errors

log = logging.getLogger("reale.sources")

DEFAULT_BASE_URL = "https://api.x.com"
STREAM_PARAMS = {
    "expansions": "author_id,referenced_tweets.id,referenced_tweets.id.author_id,"
                  "entities.mentions.username",
    "tweet.fields": "created_at,lang,conversation_id,referenced_tweets,entities,author_id,"
                    "note_tweet,public_metrics",
    "user.fields": "username,name,public_metrics,created_at",
}


class XStreamClient(HttpStreamClient):
    """``async for item in XStreamClient(token=...)`` yields :class:`SourceItem`s forever."""

    network = "x"
    keys_per_second = 1000  # snowflakes carry milliseconds

    def __init__(self, source_id: str = "x", *, token: str, base_url: str = DEFAULT_BASE_URL,
                 backfill_minutes: int = 0, rewind: float = 300.0,
                 rules: Sequence[Rule] | None = None, max_line_bytes: int = MAX_LINE_BYTES,
                 **kw: Any) -> None:
        self.key_span = int(rewind * 1000)
        super().__init__(source_id, token=token, parser=parse, **kw)
        self.base_url = base_url.rstrip("/")
        self.backfill_minutes = max(0, min(5, backfill_minutes))
        self.rules = list(rules) if rules is not None else None  # None: leave rules alone
        self.rule_report: SyncReport | None = None
        self.max_line_bytes = max_line_bytes

    def _key(self, cursor: str) -> int:
        return snowflake_ms(cursor)

    def stream_params(self, resume_key: int | None) -> dict[str, str]:
        params = dict(STREAM_PARAMS)
        if resume_key is not None and self.backfill_minutes:
            behind = self.clock.now() * 1000 - resume_key
            params["backfill_minutes"] = str(min(self.backfill_minutes, ceil_minutes(behind)))
        return params

    async def _session(self, resume_key: int | None) -> AsyncGenerator[bytes | str, None]:
        if self.rules is not None and self.rule_report is None:
            self.rule_report = await sync_rules(self.http, self._token, self.rules, self.base_url)
            log.info("%s: rules synced (%d added, %d deleted, %d kept)", self.source_id,
                     len(self.rule_report.added), len(self.rule_report.deleted),
                     self.rule_report.kept)
        url = f"{self.base_url}/2/tweets/search/stream"
        async with self.http.stream("GET", url, params=self.stream_params(resume_key),
                                    headers=self.auth_headers()) as response:
            self.check_status(response, f"GET {url}")
            async for line in bounded_lines(response.aiter_bytes(), self.max_line_bytes):
                if line is None:  # too long to read: dropped as it arrived, counted
                    self.stats.extra["oversized"] = self.stats.extra.get("oversized", 0) + 1
                elif not line.strip():
                    self.stats.keepalives += 1
                elif line.startswith('{"errors"'):
                    self._stream_error(line)
                else:
                    yield line

    def _stream_error(self, line: str) -> None:
        """An error-only message: log it; an operational disconnect ends the connection."""
        try:
            errors = stream_errors(line)
        except Exception:  # a corrupt error line is just a bad line
            self.stats.bad += 1
            return
        titles = [str(e.get("title", "")) for e in errors]
        log.warning("%s: stream error %s", self.source_id, titles)
        self.stats.extra["stream_errors"] = self.stats.extra.get("stream_errors", 0) + 1
        if any("disconnect" in t.lower() for t in titles):
            raise SourceError(f"X ended the stream: {titles}")
