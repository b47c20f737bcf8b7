"""Local servers on 127.0.0.1 that speak each network's streaming protocol and serve recorded
wire messages (Jetstream over WebSocket, Mastodon SSE + REST, X chunked NDJSON + rules).

They are the public test seam for the sources: the tests run the real clients against them, with
a disconnect mid-stream, and a demo can point ``reale run`` at them. Never bound elsewhere.
"""

from reale.sources.local.jetstream_server import JetstreamServer
from reale.sources.local.mastodon_server import MastodonServer
from reale.sources.local.x_server import XServer

__all__ = ["JetstreamServer", "MastodonServer", "XServer"]
