"""Web desk benchmark: server time of every page (and JSON twin) with 100,000 mentions stored in
SQLite (target ≤ 200 ms each), and the live feed at 500 mentions/s to a connected browser page
(delivered rate, and the page's longest stall).

    python -m reale.bench.web          # or: make bench
"""

from __future__ import annotations

import statistics
import tempfile
import time
import warnings
from pathlib import Path
from typing import Any

from reale.bench._web_data import DAYS, END, PASSWORD, BenchDesk, desk, fill
from reale.bench._web_live import live_rows
from reale.clock import ManualClock
from reale.store import open_store

TARGET_MS = 200.0
LIVE_RATE = 500.0


def _client(app: Any) -> Any:
    with warnings.catch_warnings():  # starlette prefers httpx2; httpx is what is installed
        warnings.simplefilter("ignore")
        from starlette.testclient import TestClient
    return TestClient(app, base_url="http://127.0.0.1:8765")


def pages(d: BenchDesk) -> list[str]:
    key = d.keys[0]
    return ["/live", "/live?brand=Fiori&sentiment=negative", "/queue", f"/queue/{key}",
            f"/case/{key}", "/brands", "/brands/Fiori", "/brands/Fiori?period=month",
            "/brands/Auto?period=day", "/moments", "/settings", "/reports", "/live.json",
            "/queue.json", "/brands/Fiori.json?period=month", f"/case/{key}/export.pdf"]


def time_pages(d: BenchDesk, reps: int) -> list[dict[str, Any]]:
    """Each page's median server time over ``reps`` requests after one warm-up (in-process
    ASGI: what is measured is the app's work, with no network in between)."""
    rows = []
    with _client(d.app) as client:
        token = client.get("/login.json").json()["csrf"]
        client.post("/login", data={"user": "bench", "password": PASSWORD, "csrf": token})
        for path in pages(d):
            start = time.perf_counter()
            assert client.get(path).status_code == 200, path
            first = 1000 * (time.perf_counter() - start)
            times = []
            for _ in range(reps):
                start = time.perf_counter()
                r = client.get(path)
                times.append(1000 * (time.perf_counter() - start))
                assert r.status_code == 200, path
            med = statistics.median(times)
            rows.append({"name": f"web.page {path}", "value": round(med, 1), "unit": "ms",
                         "target": TARGET_MS, "ok": med <= TARGET_MS,
                         "note": f"max {max(times):.0f} ms of {reps}; first request "
                                 f"{first:.0f} ms"})
    return rows


def run(quick: bool = False) -> list[dict[str, Any]]:
    n = 20_000 if quick else 100_000
    with tempfile.TemporaryDirectory() as tmp:
        arrivals = ManualClock(END - DAYS * 86_400)
        store = open_store(f"sqlite:///{Path(tmp) / 'web-bench.sqlite'}", clock=arrivals)
        try:
            start = time.perf_counter()
            keys = fill(store, n, arrivals=arrivals)
            loaded = time.perf_counter() - start
            d = desk(store, keys)
            rows = [{"name": "web.data", "value": n, "unit": "mentions", "target": None,
                     "ok": True, "note": f"stored with labels, {len(keys)} opportunities and "
                                         f"100 moments in {loaded:.1f} s (SQLite file)"}]
            rows += time_pages(d, 3 if quick else 7)
            rows += live_rows(d, LIVE_RATE, 3.0 if quick else 10.0)
        finally:
            store.close()
    return rows


if __name__ == "__main__":
    from reale.bench.__main__ import run_alone

    raise SystemExit(run_alone("web", run))
