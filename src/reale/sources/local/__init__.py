"""Local servers on 127.0.0.1 that speak each network's streaming protocol and serve recorded
wire messages (Jetstream over WebSocket, Mastodon SSE + REST, X chunked NDJSON + rules).

They are the public test seam for the sources: the tests run the real clients against them, with
a disconnect mid-stream, and a demo can point ``reale run`` at them. Never bound elsewhere.
"""
