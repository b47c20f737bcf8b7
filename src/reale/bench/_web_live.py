"""The live feed under load: mentions published to the hub at a steady rate while a real browser
(chromium through Playwright, when installed) shows the Live page; we measure what reached the
page and whether its main thread stalled (long tasks, gaps between animation frames). Without a
browser, an SSE client counts what arrives."""

from __future__ import annotations

import shutil
import threading
import time
from pathlib import Path
from typing import Any

import httpx

from reale.bench._web_data import PASSWORD, BenchDesk
from reale.web.serving import serving

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
# Installed before the page's own scripts: long tasks and the largest gap between two frames.
PROBE = """
window.__stall = {longest: 0, longTasks: 0, maxGap: 0, last: 0};
new PerformanceObserver(function (list) {
  list.getEntries().forEach(function (e) {
    window.__stall.longTasks += 1;
    window.__stall.longest = Math.max(window.__stall.longest, e.duration);
  });
}).observe({entryTypes: ['longtask']});
(function frame(t) {
  if (window.__stall.last) { window.__stall.maxGap = Math.max(window.__stall.maxGap, t - window.__stall.last); }
  window.__stall.last = t;
  requestAnimationFrame(frame);
})(0);
"""


def _payloads(n: int) -> list[dict[str, Any]]:
    return [{"brand": "Fiori", "uri": f"at://did:plc:load/app.bsky.feed.post/{i}",
             "author": f"user{i % 997}.bsky.social", "text": f"carico numero {i} per i fiori " * 3,
             "lang": "it", "sentiment": ("positive", "neutral", "negative")[i % 3],
             "intent": "praise", "at": 0.0, "url": None, "links": [], "opportunity": None}
            for i in range(n)]


def pump(desk: BenchDesk, rate: float, seconds: float, stop: threading.Event) -> int:
    """Publish ``rate`` mentions a second for ``seconds`` (in ticks of 20 ms); returns how many."""
    items = _payloads(int(rate * seconds) + 1)
    start = time.perf_counter()
    sent = 0
    while not stop.is_set():
        elapsed = time.perf_counter() - start
        if elapsed >= seconds:
            break
        due = min(len(items), int(elapsed * rate))
        for item in items[sent:due]:
            desk.hub.publish("mention", {**item, "at": desk.clock.now()})
        sent = due
        time.sleep(0.02)
    return sent


def _publish_in_thread(desk: BenchDesk, rate: float, seconds: float) -> tuple[threading.Thread,
                                                                               dict[str, int]]:
    out: dict[str, int] = {}
    stop = threading.Event()
    thread = threading.Thread(target=lambda: out.update(sent=pump(desk, rate, seconds, stop)),
                              daemon=True)
    return thread, out


def browser_run(desk: BenchDesk, rate: float, seconds: float) -> dict[str, float]:
    from playwright.sync_api import sync_playwright

    with serving(desk.app) as base, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 800})
            page.add_init_script(PROBE)
            page.goto(base + "/login")
            page.fill("input[name=user]", "bench")
            page.fill("input[name=password]", PASSWORD)
            page.click("button[type=submit]")
            page.wait_for_url("**/live")
            page.wait_for_selector("#live-dot.on")
            page.evaluate("window.__stall.longest = 0; window.__stall.longTasks = 0; "
                          "window.__stall.maxGap = 0")
            thread, out = _publish_in_thread(desk, rate, seconds)
            start = time.perf_counter()
            thread.start()
            thread.join()
            page.wait_for_timeout(1000)  # the last batches
            elapsed = time.perf_counter() - start
            live = page.evaluate("window.realeLive")
            stall = page.evaluate("window.__stall")
            rows = page.locator("#feed > li").count()  # rows, not the reasons inside them
        finally:
            browser.close()
    return {"sent": out.get("sent", 0), "received": live["received"], "elapsed": elapsed,
            "rows": rows, "longest_task_ms": stall["longest"], "long_tasks": stall["longTasks"],
            "frame_work_ms": live["maxFrameWorkMs"],
            "max_frame_gap_ms": stall["maxGap"], "dropped": desk.hub.stats.dropped}


def sse_run(desk: BenchDesk, rate: float, seconds: float) -> dict[str, float]:
    """Without a browser: one SSE client counts events and the largest gap between batches."""
    with serving(desk.app) as base, httpx.Client(base_url=base, timeout=30) as client:
        token = client.get("/login.json").json()["csrf"]
        client.post("/login", data={"user": "bench", "password": PASSWORD, "csrf": token})
        thread, out = _publish_in_thread(desk, rate, seconds)
        received, gap, last = 0, 0.0, 0.0
        with client.stream("GET", "/live/stream") as stream:
            thread.start()
            start = time.perf_counter()
            for line in stream.iter_lines():
                now = time.perf_counter()
                if line.startswith("data: "):
                    received += line.count('"type":"mention"')
                    gap, last = (max(gap, now - last) if last else 0.0), now
                if now - start > seconds + 1.5:
                    break
        thread.join()
        elapsed = time.perf_counter() - start
    return {"sent": out.get("sent", 0), "received": received, "elapsed": elapsed, "rows": 0,
            "longest_task_ms": 0.0, "long_tasks": 0, "max_frame_gap_ms": 1000 * gap,
            "frame_work_ms": 0.0,
            "dropped": desk.hub.stats.dropped}


def live_rows(desk: BenchDesk, rate: float, seconds: float) -> list[dict[str, Any]]:
    use_browser = Path(CHROMIUM).exists() and _has_playwright() and shutil.which("chromium")
    r = browser_run(desk, rate, seconds) if use_browser else sse_run(desk, rate, seconds)
    how = "chromium page" if use_browser else "SSE client (no chromium)"
    delivered = r["received"] / max(r["sent"], 1)
    rows: list[dict[str, Any]] = [
        {"name": "web.live.delivered_rate", "value": round(r["received"] / seconds, 1),
         "unit": "mentions/s", "target": rate, "ok": delivered >= 0.99,
         "note": f"{how}: {int(r['received'])} of {int(r['sent'])} published at {rate:.0f}/s "
                 f"reached the page; {int(r['dropped'])} dropped by the hub"},
        {"name": "web.live.max_stall", "value": round(max(r["longest_task_ms"],
                                                          r["max_frame_gap_ms"]), 1),
         "unit": "ms", "target": 200.0, "ok": max(r["longest_task_ms"], r["max_frame_gap_ms"]) <= 200,
         "note": f"longest main-thread task {r['longest_task_ms']:.0f} ms "
                 f"({int(r['long_tasks'])} long tasks), largest gap between frames "
                 f"{r['max_frame_gap_ms']:.0f} ms; the feed's own work per frame at most "
                 f"{r['frame_work_ms']:.0f} ms; {int(r['rows'])} rows kept on the page"},
    ]
    return rows


def _has_playwright() -> bool:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return False
    return True


__all__ = ["browser_run", "live_rows", "pump", "sse_run"]
