"""``reale demo``: the simulator's scripted scenarios through the whole embedded pipeline.

It prints mentions and opportunities as they arrive, then the two founding cases judged by the
realness check (a public gift answering a car request; flowers thanking a spontaneous greeting),
the moments detected with their safety read, and the run's figures.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import sys
import threading
from typing import Any, TextIO, cast

import httpx
import msgspec

from reale.alerts import LocalReceiver
from reale.alerts.admin import local_webhook
from reale.alerts.admin import summary as alert_summary
from reale.alerts.receiver import Received
from reale.clock import Clock, SystemClock
from reale.config import BrandConfig, Config
from reale.desk.opportunity import Opportunity
from reale.desk.realness import assess
from reale.desk.situation import Action, Amplifier, AuthorRef, BrandRef, Context, PostRef, Situation
from reale.events import Mention
from reale.run.app import EmbeddedApp
from reale.run.demo_cascade import CascadeWatch
from reale.run.demo_store import reset_demo_store
from reale.run.printer import mention_line
from reale.run.simsource import SimulatorSource
from reale.run.wiring import Pipeline, Understanding
from reale.signals.hub import Signals
from reale.signals.moment_scope import MomentAlert
from reale.signals.profile_clients import BlueskyProfiles
from reale.signals.settings import signals_config
from reale.simulate import DEFAULT_BRANDS, ScenarioTruth, Simulator
from reale.simulate.appview import appview
from reale.web.serving import serving

# The demo compresses an afternoon into a minute: moments get a 20-second warm-up instead of an hour.
DEMO_SIGNALS = {"signals": {"moments": {"warmup": 60.0, "bucket": 5.0, "cooldown": 120.0}}}

# Scenarios play 20× faster than life; the car request's hour of friendly history before it
# therefore needs three simulated minutes of stream ahead of it.
# The demo's desk binds 127.0.0.1 only; its one account is for the person running the demo.
DEMO_PASSWORD = "reale-demo"

SCENARIO_TIMES = (("car", 190.0), ("florist", 200.0), ("blackout", 215.0), ("complaint", 230.0),
                  ("earthquake", 245.0))


class WholeLines:
    """A text stream that several threads print to (the stream's printer, the webhook receiver)
    without their lines running into each other: each thread's text is held until its newline."""

    def __init__(self, out: TextIO) -> None:
        self._out = out
        self._lock = threading.Lock()
        self._held = threading.local()

    def write(self, text: str) -> int:
        head, newline, tail = (getattr(self._held, "text", "") + text).rpartition("\n")
        self._held.text = tail
        if newline:
            with self._lock:
                self._out.write(head + newline)
        return len(text)

    def flush(self) -> None:
        rest, self._held.text = getattr(self._held, "text", ""), ""
        with self._lock:
            self._out.write(rest)
            self._out.flush()


def demo_brands() -> tuple[BrandConfig, ...]:
    """The simulator's brands as a team would configure them."""
    return tuple(BrandConfig(name=b.name, handles=(b.handle,), hashtags=tuple(
        h.lstrip("#") for h in b.hashtags), keywords=b.keywords, language=b.lang,
        products=b.price_list()) for b in DEFAULT_BRANDS)


def stream_start(now: float, align: float = 60.0) -> float:
    """When the simulated stream starts: ``now`` floored to a whole minute. Moments count posts
    in buckets aligned on the epoch (5 s in the demo): a stream starting at any wall-clock second
    would fall into them at another phase each run, and the same seed would show other rates,
    other moments, in another order."""
    return math.floor(now / align) * align


class SimulatedClock:
    """The simulation's own time (the stages that reason about time follow the stream)."""

    def __init__(self, sim: Simulator) -> None:
        self.sim = sim

    def now(self) -> float:
        return self.sim.now

    def monotonic(self) -> float:
        return self.sim.now


class DemoSink:
    """Prints what the stages produce and keeps it for the closing summary."""

    def __init__(self, out: TextIO) -> None:
        self.out = out
        self.opportunities: dict[str, Opportunity] = {}
        self.moments: list[MomentAlert] = []
        self.shown: set[tuple[str, str, float]] = set()  # the moments printed
        self.labelled = 0
        self.watch: CascadeWatch | None = None  # the car request's cascade, shown as it grows

    def labels(self, mention: Mention, labels: Any) -> None:
        self.labelled += 1
        tag, language = "", ""
        if labels is not None:  # the detected language goes where the post is named, once
            language = str(labels.language or "")
            tag = f"  [{labels.sentiment} · {labels.intent}]"
        print(mention_line(mention, 90, language=language) + tag, file=self.out)
        if self.watch is not None:
            self.watch.check()

    def opportunity(self, opp: Opportunity) -> None:
        first = opp.id not in self.opportunities
        self.opportunities[opp.id] = opp
        if first and opp.score >= 0.5:
            print(f"  ★ {opp.kind} for {opp.brand}, score {opp.score:.2f}: "
                  + "; ".join(opp.reasons[:3]), file=self.out)

    def moment(self, alert: MomentAlert) -> None:
        key = (alert.scope, alert.term, alert.at)
        if any((m.scope, m.term, m.at) == key for m in self.moments):
            self._read_again(alert)
            return
        self.moments.append(alert)
        if not alert.term.startswith("#") and any(
                alert.term in m.cooccurring or m.term in alert.cooccurring
                for m in self.moments[:-1] if alert.at - m.at < 120):
            return  # the same moment seen through another of its words (a hashtag is its name)
        self.shown.add(key)
        safety = f" — safety: {alert.safety.verdict}" if alert.safety else ""
        if alert.owner:
            safety += f" ({alert.owner}'s own mentions, not one to join)"
        link = f" ({alert.safety.reasons[0]})" if alert.safety and alert.safety.linked_to else ""
        print(f"  ⚡ moment {alert.term!r} in {alert.scope}: {alert.current_per_min:.0f}/min vs "
              f"{alert.baseline_per_min:.1f}/min baseline{safety}{link}", file=self.out)

    def _read_again(self, alert: MomentAlert) -> None:
        """A moment raised again: with a stricter read (part of a tragic moment's story), or
        with a later term of its story."""
        key = (alert.scope, alert.term, alert.at)
        [was] = [m for m in self.moments if (m.scope, m.term, m.at) == key][:1] or [alert]
        self.moments = [alert if (m.scope, m.term, m.at) == key else m for m in self.moments]
        if key not in self.shown:
            return
        read, before = alert.safety, was.safety
        if read is not None and read.linked_to and (before is None or not before.linked_to):
            print(f"  ⚠ moment {alert.term!r} now reads {read.verdict}: {read.reasons[0]}",
                  file=self.out)
        new = [t for t in alert.also if t not in was.also]
        if new:
            print(f"  ↳ moment {alert.term!r} in {alert.scope} also named: "
                  + ", ".join(repr(t) for t in new), file=self.out)


def founding_situations(truths: dict[str, ScenarioTruth], signals: Signals) -> list[tuple[str, Situation]]:
    """The two cases Reale was born from, as the team would propose to act on them."""
    out: list[tuple[str, Situation]] = []
    car = truths.get("car")
    if car is not None:
        stats = signals.cascade(car.root_uri)
        amps = [Amplifier(handle=f"friend{i}", followers=2_000, close_to_author=True)
                for i in range(stats.close_network if stats else len(car.friends))]
        amps += [Amplifier(handle=f"crowd{i}", followers=500, close_to_author=False)
                 for i in range(stats.hashtag_strangers if stats else len(car.crowd))]
        out.append(("car request → the brand publicly lends a car", Situation(
            brand=BrandRef(name=car.brand, handle=car.brand_handle),
            post=PostRef(text=_key_text(car), network="bluesky", lang=car.lang,
                         author=AuthorRef(handle=car.author_handle, followers=car.author_followers)),
            action=Action(kind="gift", text="Ciao! Ti prestiamo noi una Volta Arco, passa a prenderla",
                          value_eur=25_000, public=True),
            context=Context(author_posts_about_brand=0, amplifiers=tuple(amps)))))
    florist = truths.get("florist")
    if florist is not None:
        out.append(("spontaneous #followfriday → the florist sends flowers", Situation(
            brand=BrandRef(name=florist.brand, handle=florist.brand_handle),
            post=PostRef(text=_key_text(florist), network="bluesky", lang=florist.lang,
                         author=AuthorRef(handle=florist.author_handle,
                                          followers=florist.author_followers)),
            action=Action(kind="gift", text="Grazie di cuore! Ti abbiamo mandato un mazzo di fiori",
                          value_eur=40, public=False),
            context=Context(author_posts_about_brand=0))))
    return out


def _key_text(truth: ScenarioTruth) -> str:
    for ev in truth.events:
        if ev.uri == truth.root_uri and ev.text:
            return ev.text
    return next((ev.text for ev in truth.events if ev.text), "")


async def run_demo(*, out: TextIO = sys.stdout, store_url: str = "sqlite:///var/demo.sqlite",
                   rate: float = 500.0, duration: float = 300.0, speed: float = 0.0,
                   seed: int = 7, clock: Clock | None = None, serve: bool = False,
                   until: asyncio.Event | None = None) -> dict[str, Any]:
    """Run the scenarios through the pipeline; returns the summary it prints at the end."""
    clock = clock or SystemClock()
    reset_demo_store(store_url, (b.name for b in demo_brands()))  # refuses another desk's store
    out = cast(TextIO, WholeLines(out))
    sim = Simulator(seed=seed, rate=rate, start=stream_start(clock.now()), authors=5_000,
                    scenario_speed=20.0)
    truths = {name: sim.add_scenario(name, at=at) for name, at in SCENARIO_TIMES}
    config = Config(brands=demo_brands(), store=store_url)
    http = httpx.AsyncClient(transport=httpx.ASGITransport(app=appview(sim)),
                             base_url="http://appview.sim")
    sim_clock = SimulatedClock(sim)
    sink = DemoSink(out)
    app = EmbeddedApp(config, clock=clock)
    print(f"Reale demo: {duration:.0f} simulated seconds at {rate:,.0f} events/s, brands "
          + ", ".join(b.name for b in config.brands), file=out)
    received: list[str] = []

    def on_alert(r: Received) -> None:
        line = alert_summary(msgspec.json.decode(r.body))
        received.append(line)
        print(f"  🔔 alert received by the local webhook: {line}", file=out)

    receiver = LocalReceiver(secret="demo-secret", on_receive=on_alert).start()
    rules, secrets = local_webhook(receiver.url, "demo-secret")
    try:
        async with app:
            assert app.store is not None
            pipeline = Pipeline(app, clock=clock, stage_clock=sim_clock,
                                profile_clients={"bluesky": BlueskyProfiles(http, "http://appview.sim")},
                                signals=signals_config(DEMO_SIGNALS),
                                understanding=Understanding(config.brands),
                                alerts=rules, alert_secrets=secrets, sinks=(sink,))
            signals = pipeline.signals
            if "car" in truths:
                sink.watch = CascadeWatch(signals, truths["car"].root_uri, out, "car request")
            async with pipeline:
                web = contextlib.ExitStack()
                if serve:
                    url = web.enter_context(serving(demo_web(config, app.store, pipeline, clock)))
                    print(f"The desk is live at {url}/live (user: demo, password: {DEMO_PASSWORD})",
                          file=out)
                source = SimulatorSource(sim, rate=speed * rate if speed else None,
                                         duration=duration, clock=clock)
                summary = await app.run([source])
            result = _report(out, summary, sink, truths, signals)
            result["alerts_received"] = received
            print(f"{len(received)} alerts delivered to the local webhook {receiver.url}",
                  file=out)
            if serve:
                print(f"\nThe demo has run; the desk stays at {url}/live "
                      f"(user: demo, password: {DEMO_PASSWORD}) until Ctrl-C.", file=out)
                out.flush()
                await (until or asyncio.Event()).wait()
            web.close()
    finally:
        receiver.stop()
        await http.aclose()
        out.flush()
    return result


def demo_web(config: Config, store: Any, pipeline: Pipeline, clock: Clock) -> Any:
    """The web desk on the demo's store, with a ``demo`` admin (password :data:`DEMO_PASSWORD`)."""
    from reale.web.assemble import accounts_of, app_from_config
    from reale.web.settings import web_settings

    accounts_of(store, web_settings(config.extra, "it")).add("demo", DEMO_PASSWORD, "admin")
    return app_from_config(config, store, {}, hub=pipeline.hub, clock=clock, queue=pipeline.queue,
                           moments=lambda since: pipeline.signals.moments(None, since),
                           alerts=pipeline.alerts_config)  # its Rules page edits the demo's rules


def _appeals(out: TextIO, sink: DemoSink, shown: int = 4) -> list[dict[str, Any]]:
    """The appeals the desk scored, with its pre-read of giving what was asked, in public (the
    brands' price lists value the products the posts name)."""
    found = [o for o in sink.opportunities.values() if o.kind == "appeal" and o.realness]
    if found:
        print("\n== Appeals: how giving what was asked would read", file=out)
    rows: list[dict[str, Any]] = []
    for o in sorted(found, key=lambda o: o.created_at):
        assert o.realness is not None
        rows.append({"brand": o.brand, "text": o.text, "verdict": o.realness.verdict,
                     "risk": o.realness.risk, "reasons": list(o.realness.reasons)})
        if len(rows) <= shown:
            print(f"[{o.brand}] {o.text[:70]!r} → {o.realness.verdict.upper()} "
                  f"(risk {o.realness.risk:.2f})", file=out)
            for r in o.realness.reasons[:2]:
                print(f"   - {r}", file=out)
    return rows


def _report(out: TextIO, summary: Any, sink: DemoSink, truths: dict[str, ScenarioTruth],
            signals: Signals) -> dict[str, Any]:
    print("\n== The realness check on the two founding cases", file=out)
    verdicts = {}
    for title, situation in founding_situations(truths, signals):
        v = assess(situation)
        verdicts[title] = msgspec.to_builtins(v)
        print(f"{title}: {v.verdict.upper()} (risk {v.risk:.2f})", file=out)
        for r in v.reasons[:3]:
            print(f"   - {r}", file=out)
        for a in v.advice[:2]:
            print(f"   → {a}", file=out)
    appeals = _appeals(out, sink)
    car = truths.get("car")
    if car is not None:
        m = signals.momentum(car.root_uri)
        c = signals.cascade(car.root_uri)
        if c is not None:
            print(f"\ncar request cascade: {c.size} reshares/replies, {c.close_network} from the "
                  f"author's friends, {c.hashtag_strangers} strangers through "
                  + (", ".join("#" + t for t in c.hashtags) or "a hashtag")
                  + (f"; predicted final {m.predicted_final:.0f} (interval "
                     f"{m.low:.0f}–{'explosive' if m.high is None else f'{m.high:.0f}'})"
                     f"{' — gathering speed' if m.gathering_speed else ''}" if m else ""), file=out)
    print(f"\n{summary.events:,} events, {summary.mentions:,} mentions, "
          f"{len(sink.opportunities)} opportunities, {len(sink.moments)} moments; arrival to "
          f"stored mention p99 {summary.latency.get('p99', 0) * 1000:.0f} ms", file=out)
    return {"summary": msgspec.to_builtins(summary), "verdicts": verdicts,
            "opportunities": len(sink.opportunities), "appeals": appeals,
            "moments": {m.term: (m.safety.verdict if m.safety else "") for m in sink.moments},
            "cascade": msgspec.to_builtins(signals.cascade(car.root_uri)) if car else None}
