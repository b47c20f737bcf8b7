"""A local profile server on 127.0.0.1 that answers like Bluesky ``getProfiles``, the Mastodon
account endpoint and X ``/2/users`` with recorded-format payloads (the test seam of the profile
clients, shared by their tests and ``reale.bench.profiles``; never used by the product)."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlparse


class ProfileServer:
    """Serves recorded-format profiles; ``mode`` switches to 429 or 500 answers."""

    def __init__(self, bluesky: list[dict[str, Any]], mastodon: list[dict[str, Any]],
                 x_users: list[dict[str, Any]]) -> None:
        self.bluesky = {p["did"]: p for p in bluesky}
        self.mastodon = {a["id"]: a for a in mastodon}
        self.x = {u["id"]: u for u in x_users}
        self.requests: list[str] = []
        self.mode = "ok"
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                server.requests.append(self.path)
                status, body, headers = server.answer(self.path)
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("content-type", "application/json")
                for k, v in headers.items():
                    self.send_header(k, v)
                self.send_header("content-length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> ProfileServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=5)

    def answer(self, path: str) -> tuple[int, Any, dict[str, str]]:
        if self.mode == "429":
            return 429, {"error": "RateLimitExceeded"}, {"retry-after": "30"}
        if self.mode == "500":
            return 500, {"error": "InternalServerError"}, {}
        url = urlparse(path)
        query = parse_qs(url.query)
        if url.path == "/xrpc/app.bsky.actor.getProfiles":
            actors = query.get("actors", [])
            if len(actors) > 25:
                return 400, {"error": "InvalidRequest", "message": "too many actors"}, {}
            return 200, {"profiles": [self.bluesky[a] for a in actors if a in self.bluesky]}, {}
        if url.path.startswith("/api/v1/accounts/"):
            account = self.mastodon.get(url.path.rsplit("/", 1)[-1])
            return (200, account, {}) if account else (404, {"error": "Record not found"}, {})
        if url.path == "/2/users":
            ids = query.get("ids", [""])[0].split(",")
            data = [self.x[i] for i in ids if i in self.x]
            errors = [{"value": i, "detail": f"Could not find user with ids: [{i}].",
                       "title": "Not Found Error", "resource_type": "user", "parameter": "ids",
                       "resource_id": i, "type": "https://api.twitter.com/2/problems/resource-not-found"}
                      for i in ids if i not in self.x]
            return 200, {"data": data, **({"errors": errors} if errors else {})}, {}
        return 404, {"error": "not found"}, {}
