"""Local HTTP servers on 127.0.0.1 that honour the contracts of the endpoints Reale publishes to
(Bluesky XRPC, Mastodon statuses, X v2 tweets) and of an OpenAI-compatible chat endpoint.

Each is a real HTTP server in a thread, started and stopped by the test (a context manager). A
test scripts failures with :meth:`LocalServer.plan`: the next requests to a path answer 429, 5xx,
hang after doing the work (a timeout for the client), or drop the connection after doing it.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections import defaultdict, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlparse


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body or b"null")

    def form(self) -> dict[str, str]:
        return {k: v[0] for k, v in parse_qs(self.body.decode(), keep_blank_values=True).items()}


@dataclass
class Answer:
    status: int
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)

    def encode(self) -> bytes:
        if isinstance(self.body, bytes):
            return self.body
        return b"" if self.body is None else json.dumps(self.body).encode()


# A planned behaviour for the next request to a path: an Answer to return instead, or
# "hang" / "drop" to do the work and then never answer / close the connection.
Step = Answer | str


class LocalServer:
    """A threaded HTTP server on 127.0.0.1:<free port> dispatching to ``routes``."""

    def __init__(self) -> None:
        self.requests: list[Request] = []
        self._plans: dict[str, deque[Step]] = defaultdict(deque)
        self._release = threading.Event()
        self._lock = threading.Lock()
        self.routes: dict[tuple[str, str], Callable[[Request], Answer]] = {}
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        assert self._httpd is not None
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}"

    def plan(self, path: str, *steps: Step) -> None:
        self._plans[path].extend(steps)

    def count(self, method: str, path: str) -> int:
        return sum(1 for r in self.requests if r.method == method and r.path == path)

    def __enter__(self) -> LocalServer:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                pass

            def _handle(self) -> None:
                server._serve(self)

            do_GET = do_POST = _handle

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, args=(0.05,), daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._release.set()
        assert self._httpd is not None and self._thread is not None
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)

    def _serve(self, h: BaseHTTPRequestHandler) -> None:
        parsed = urlparse(h.path)
        length = int(h.headers.get("Content-Length") or 0)
        req = Request(h.command, parsed.path, {k: v[0] for k, v in parse_qs(parsed.query).items()},
                      {k.lower(): v for k, v in h.headers.items()}, h.rfile.read(length))
        with self._lock:
            self.requests.append(req)
            plan = self._plans.get(req.path)
            step: Step | None = plan.popleft() if plan else None
            if isinstance(step, Answer):
                answer = step
            else:
                route = self.routes.get((req.method, req.path)) or self._prefix_route(req)
                answer = route(req) if route else Answer(404, {"error": "NotFound"})
        if step == "hang":
            self._release.wait(timeout=30)
            return
        if step == "drop":
            h.close_connection = True
            h.connection.shutdown(2)
            return
        data = answer.encode()
        h.send_response(answer.status)
        headers = {"Content-Type": "application/json; charset=utf-8", **answer.headers}
        for k, v in headers.items():
            h.send_header(k, v)
        h.send_header("Content-Length", str(len(data)))
        h.end_headers()
        h.wfile.write(data)

    def _prefix_route(self, req: Request) -> Callable[[Request], Answer] | None:
        for (method, path), route in self.routes.items():
            if method == req.method and path.endswith("*") and req.path.startswith(path[:-1]):
                return route
        return None


def _cid(data: str) -> str:
    return "bafyrei" + hashlib.sha256(data.encode()).hexdigest()[:52]


class FakeBluesky(LocalServer):
    """A PDS: app-password sessions, createRecord / getRecord, getPosts, resolveHandle."""

    def __init__(self, *, handle: str = "brand.bsky.social", password: str = "app-pass-1234") -> None:
        super().__init__()
        self.handle, self.password = handle, password
        self.did = "did:plc:brand0000000000000000000"
        self.records: dict[str, dict[str, Any]] = {}  # rkey -> record
        self.posts: dict[str, dict[str, Any]] = {}  # posts of others, by uri
        self.handles: dict[str, str] = {}
        x = "/xrpc/"
        self.routes = {
            ("POST", x + "com.atproto.server.createSession"): self._session,
            ("POST", x + "com.atproto.repo.createRecord"): self._create,
            ("GET", x + "com.atproto.repo.getRecord"): self._get,
            ("GET", x + "app.bsky.feed.getPosts"): self._get_posts,
            ("GET", x + "com.atproto.identity.resolveHandle"): self._resolve,
        }

    def _authed(self, req: Request) -> bool:
        return req.headers.get("authorization") == "Bearer jwt-access-1"

    def _session(self, req: Request) -> Answer:
        body = req.json()
        if body.get("identifier") != self.handle or body.get("password") != self.password:
            return Answer(401, {"error": "AuthenticationRequired",
                                "message": "Invalid identifier or password"})
        return Answer(200, {"did": self.did, "handle": self.handle, "email": "team@example.com",
                            "emailConfirmed": True, "accessJwt": "jwt-access-1",
                            "refreshJwt": "jwt-refresh-1", "active": True})

    def _create(self, req: Request) -> Answer:
        if not self._authed(req):
            return Answer(401, {"error": "AuthenticationRequired", "message": "Invalid token"})
        body = req.json()
        rec, rkey = body.get("record") or {}, body.get("rkey") or f"auto{len(self.records)}"
        if body.get("repo") != self.did or body.get("collection") != "app.bsky.feed.post":
            return Answer(400, {"error": "InvalidRequest", "message": "bad repo or collection"})
        for need in ("$type", "text", "createdAt"):
            if need not in rec:
                return Answer(400, {"error": "InvalidRequest",
                                    "message": f'Invalid app.bsky.feed.post record: Record must have the property "{need}"'})
        reply = rec.get("reply") or {}
        if reply and not all(reply.get(k, {}).get("cid") and reply.get(k, {}).get("uri")
                             for k in ("root", "parent")):
            return Answer(400, {"error": "InvalidRequest", "message": "reply refs need uri and cid"})
        if rkey in self.records:  # what a live PDS answers today for a taken rkey
            return Answer(500, {"error": "InternalServerError", "message": "Internal Server Error"})
        self.records[rkey] = rec
        uri = f"at://{self.did}/app.bsky.feed.post/{rkey}"
        return Answer(200, {"uri": uri, "cid": _cid(uri), "commit": {
            "cid": _cid("commit" + uri), "rev": "3l" + rkey[:11]}, "validationStatus": "valid"})

    def _get(self, req: Request) -> Answer:
        rkey = req.query.get("rkey", "")
        uri = f"at://{self.did}/app.bsky.feed.post/{rkey}"
        if rkey not in self.records:
            return Answer(400, {"error": "RecordNotFound", "message": f"Could not locate record: {uri}"})
        return Answer(200, {"uri": uri, "cid": _cid(uri), "value": self.records[rkey]})

    def _get_posts(self, req: Request) -> Answer:
        uri = req.query.get("uris", "")
        post = self.posts.get(uri)
        return Answer(200, {"posts": [post] if post else []})

    def _resolve(self, req: Request) -> Answer:
        did = self.handles.get(req.query.get("handle", ""))
        if did is None:
            return Answer(400, {"error": "InvalidRequest", "message": "Unable to resolve handle"})
        return Answer(200, {"did": did})


class FakeMastodon(LocalServer):
    """An instance's ``/api/v1/statuses`` (with Idempotency-Key) and ``/api/v2/search``.

    Answers are built from a recorded Status (the Mastodon.py cassette) with our values put in.
    """

    def __init__(self, recorded_status: dict[str, Any], *, token: str = "tok-123") -> None:
        super().__init__()
        self.template, self.token = recorded_status, token
        self.statuses: dict[str, dict[str, Any]] = {}
        self.by_key: dict[str, str] = {}
        self.remote: dict[str, str] = {}  # remote status URI -> local id
        self.routes = {("POST", "/api/v1/statuses"): self._post,
                       ("GET", "/api/v2/search"): self._search}

    def _post(self, req: Request) -> Answer:
        if req.headers.get("authorization") != f"Bearer {self.token}":
            return Answer(401, {"error": "The access token is invalid"})
        key = req.headers.get("idempotency-key")
        if key and key in self.by_key:
            return Answer(200, self.statuses[self.by_key[key]])
        form = req.form()
        if not form.get("status"):
            return Answer(422, {"error": "Validation failed: Text can't be blank"})
        sid = str(117020583245459824 + len(self.statuses) + 1)
        base = self.url
        status = {**self.template, "id": sid, "content": f"<p>{form['status']}</p>",
                  "in_reply_to_id": form.get("in_reply_to_id") or None,
                  "visibility": form.get("visibility", "public"),
                  "language": form.get("language"),
                  "uri": f"{base}/users/brand/statuses/{sid}", "url": f"{base}/@brand/{sid}"}
        self.statuses[sid] = status
        if key:
            self.by_key[key] = sid
        return Answer(200, status, {"x-ratelimit-limit": "300", "x-ratelimit-remaining": "299"})

    def _search(self, req: Request) -> Answer:
        sid = self.remote.get(req.query.get("q", ""))
        found = [{**self.template, "id": sid, "uri": req.query["q"]}] if sid else []
        return Answer(200, {"accounts": [], "statuses": found, "hashtags": []})


class FakeX(LocalServer):
    """X API v2: ``POST /2/tweets``, ``GET /2/users/me``, ``GET /2/users/:id/tweets``."""

    def __init__(self, *, token: str = "x-user-token") -> None:
        super().__init__()
        self.token = token
        self.user_id = "1379899464345923590"
        self.tweets: list[dict[str, Any]] = []
        self.routes = {("POST", "/2/tweets"): self._post, ("GET", "/2/users/me"): self._me,
                       ("GET", f"/2/users/{self.user_id}/tweets"): self._timeline}

    def _unauthorized(self, req: Request) -> Answer | None:
        if req.headers.get("authorization") != f"Bearer {self.token}":
            return Answer(401, {"title": "Unauthorized", "type": "about:blank", "status": 401,
                                "detail": "Unauthorized"})
        return None

    def _post(self, req: Request) -> Answer:
        if (denied := self._unauthorized(req)) is not None:
            return denied
        body = req.json()
        if any(t["text"] == body["text"] for t in self.tweets):
            return Answer(403, {"detail": "You are not allowed to create a Tweet with duplicate content.",
                                "type": "about:blank", "title": "Forbidden", "status": 403})
        tid = str(1394735776701816833 + len(self.tweets) + 1)
        tweet = {"id": tid, "text": body["text"], "edit_history_tweet_ids": [tid],
                 "referenced_tweets": [{"type": "replied_to",
                                        "id": body["reply"]["in_reply_to_tweet_id"]}]}
        self.tweets.append(tweet)
        return Answer(201, {"data": {k: tweet[k] for k in ("edit_history_tweet_ids", "id", "text")}})

    def _me(self, req: Request) -> Answer:
        if (denied := self._unauthorized(req)) is not None:
            return denied
        return Answer(200, {"data": {"id": self.user_id, "name": "Brand", "username": "brand"}})

    def _timeline(self, req: Request) -> Answer:
        if (denied := self._unauthorized(req)) is not None:
            return denied
        data = list(reversed(self.tweets))[: int(req.query.get("max_results", "10"))]
        return Answer(200, {"data": data, "meta": {"result_count": len(data)}})


class FakeChat(LocalServer):
    """An OpenAI-compatible ``POST /v1/chat/completions`` that writes replies in the language the
    system prompt asks for (so tests can see the prompt was honoured)."""

    def __init__(self, *, key: str = "sk-local", model: str = "tiny-chat") -> None:
        super().__init__()
        self.key, self.model = key, model
        self.routes = {("POST", "/v1/chat/completions"): self._chat}

    def _chat(self, req: Request) -> Answer:
        if req.headers.get("authorization") != f"Bearer {self.key}":
            return Answer(401, {"error": {"message": "Incorrect API key provided",
                                          "type": "invalid_request_error", "code": "invalid_api_key"}})
        body = req.json()
        if body.get("model") != self.model or not body.get("messages"):
            return Answer(404, {"error": {"message": f"model {body.get('model')!r} not found"}})
        system = body["messages"][0]["content"]
        if "Italian" in system:
            content = ("1. Che bello leggerti, grazie per averci pensato!\n"
                       "2. \"Ci hai fatto sorridere: grazie davvero.\"\n- Grazie, sei gentilissima!")
        else:
            content = ("1. That is so lovely to read, thank you for thinking of us!\n"
                       "2. You made our afternoon. Thank you!\n- Thanks, you're very kind!")
        return Answer(200, {
            "id": "chatcmpl-1", "object": "chat.completion", "created": 1700000000,
            "model": self.model, "choices": [{"index": 0, "finish_reason": "stop",
                                              "message": {"role": "assistant", "content": content}}],
            "usage": {"prompt_tokens": 50, "completion_tokens": 40, "total_tokens": 90}})
