"""A free TCP port on 127.0.0.1, for the local servers Reale starts for tests, demos and
benchmarks (the Kafka broker, the web desk, an SMTP server)."""

from __future__ import annotations

import socket


def free_port() -> int:
    """A port nothing listens on now (the OS picks it; another process may take it before use)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])
