"""``reale simulate``: write a realistic, seeded firehose (Jetstream v1 JSON lines).

Paced in real time at ``--rate`` events/s, or flat out with ``--rate 0`` / ``--count``; with
scripted scenarios, injected bursts, the author directory (``--profiles``) and ground truth
(``--truth``).
"""

from __future__ import annotations

import argparse
import math
import os
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

import msgspec

from reale.config import load_config
from reale.errors import ConfigError

_CHUNK = 2048


def register(sub: Any) -> None:
    p = sub.add_parser(
        "simulate", help="write a simulated Bluesky firehose (Jetstream JSON lines)",
        description="Write a realistic, deterministic Bluesky firehose in Jetstream v1 JSON, one event a\n"
        "line: Italian and English posts, likes, reposts, replies, follows, heavy-tailed authors and\n"
        "self-exciting cascades, with optional scripted scenarios (car appeal, florist greeting,\n"
        "stadium blackout, earthquake, complaints) and injected bursts. The same --seed and options\n"
        "give byte-identical output.",
        epilog="examples:\n"
        "  reale simulate --count 100000 --seed 1 --out var/sim.jsonl\n"
        "  reale simulate --rate 2000 --duration 60 --scenario all --scenario-speed 20\n"
        "  reale simulate --count 0 --profiles var/profiles.jsonl",
        formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    p.add_argument("--rate", type=float, default=None,
                   help="events per second, paced in real time; 0 = flat out (default: 2000 "
                   "paced, or flat out when --count is given)")
    p.add_argument("--count", type=int, default=None, help="stop after N events")
    p.add_argument("--duration", type=float, default=None,
                   help="stop after this many seconds of simulated time")
    p.add_argument("--timeline-rate", type=float, default=2000.0,
                   help="events per simulated second when not paced (default 2000)")
    p.add_argument("--out", default="-", help="output file (default: stdout)")
    p.add_argument("--profiles", default=None,
                   help="also write the author directory as JSONL (profileViewDetailed)")
    p.add_argument("--truth", default=None, help="also write the ground truth as JSON")
    p.add_argument("--scenario", default="",
                   help="scripted scenarios: car, florist, blackout, complaint, delivery, "
                   "earthquake, or all; NAME:LANG picks it/en, NAME@SECONDS the onset")
    p.add_argument("--scenario-speed", type=float, default=1.0,
                   help="play scenarios N times faster than life (default 1)")
    p.add_argument("--burst", action="append", default=[], metavar="TERM,START,MULT,DURATION",
                   help="inject a burst: TERM's rate times MULT from START seconds for "
                   "DURATION seconds (repeatable)")
    p.add_argument("--authors", type=int, default=20_000, help="background accounts (default 20000)")
    p.add_argument("--langs", default="it=0.55,en=0.40,other=0.05",
                   help="language mix of the authors, e.g. it=0.7,en=0.3")
    p.add_argument("--brand-rate", type=float, default=0.015,
                   help="share of posts about a brand (default 0.015)")
    p.add_argument("--decoy-rate", type=float, default=0.01,
                   help="share of posts using a brand name as a common word (default 0.01)")
    p.add_argument("--start", default=None,
                   help="time of the first event: ISO-8601 or 'now' (default 2026-03-20T09:30Z)")
    p.add_argument("--config", default=None,
                   help="take the brands from this reale.toml instead of the built-in ones")
    p.add_argument("--no-identities", action="store_true",
                   help="do not announce each author's handle with an identity event")
    p.set_defaults(func=run)


def _langs(text: str) -> dict[str, float]:
    out: dict[str, float] = {}
    for part in filter(None, (p.strip() for p in text.split(","))):
        name, _, weight = part.partition("=")
        try:
            out[name.strip()] = float(weight)
        except ValueError:
            raise ConfigError(f"--langs: expected NAME=WEIGHT, got {part!r}") from None
    return out


def _bursts(items: list[str]) -> list[tuple[str, float, float, float]]:
    out = []
    for item in items:
        parts = item.rsplit(",", 3)
        try:
            term, start, mult, dur = parts[0], float(parts[1]), float(parts[2]), float(parts[3])
        except (IndexError, ValueError):
            raise ConfigError(f"--burst: expected TERM,START,MULT,DURATION, got {item!r}") from None
        out.append((term, start, mult, dur))
    return out


def _start(text: str | None) -> dict[str, float]:
    if text is None:
        return {}
    if text == "now":
        return {"start": time.time()}
    from reale.simulate.ids import parse_iso

    try:
        return {"start": parse_iso(text)}
    except ValueError:
        raise ConfigError(f"--start: expected ISO-8601 or 'now', got {text!r}") from None


def build(args: argparse.Namespace) -> Any:
    """The configured :class:`reale.simulate.Simulator` for these arguments."""
    from reale.simulate import BrandSpec, Simulator, parse_selection

    pace = args.rate if args.rate is not None else (0.0 if args.count is not None else 2000.0)
    options: dict[str, Any] = {
        "seed": args.seed, "rate": pace or args.timeline_rate, "authors": args.authors,
        "langs": _langs(args.langs), "brand_rate": args.brand_rate,
        "decoy_rate": args.decoy_rate, "scenario_speed": args.scenario_speed,
        "identities": not args.no_identities, **_start(args.start),
    }
    if args.config:
        brands = load_config(args.config).brands
        if not brands:
            raise ConfigError(f"{args.config}: no [[brands]] to simulate")
        options["brands"] = tuple(BrandSpec.from_config(b) for b in brands)
    sim = Simulator(**options)
    for sel in parse_selection(args.scenario):
        sim.add_scenario(sel.name, at=sel.at, lang=sel.lang)
    for term, start, mult, dur in _bursts(args.burst):
        if args.duration is not None and start >= args.duration:
            raise ConfigError(f"--burst {term!r} starts at {start:g} s, but the stream ends at "
                              f"{args.duration:g} s (--duration): nothing of it would be written")
        sim.inject_burst(term, start, mult, dur)
    return sim, pace


def _open(path: str) -> IO[str]:
    if path == "-":
        return sys.stdout
    try:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        return open(path, "w", encoding="utf-8", buffering=1 << 20)
    except OSError as exc:
        raise ConfigError(f"--out {path}: {exc.strerror or exc}") from exc


def _write(lines: Iterator[str], out: IO[str]) -> int:
    n, chunk = 0, []
    for line in lines:
        chunk.append(line)
        if len(chunk) >= _CHUNK:
            out.write("\n".join(chunk) + "\n")
            n += len(chunk)
            chunk = []
    if chunk:
        out.write("\n".join(chunk) + "\n")
        n += len(chunk)
    return n


def _check_numbers(args: argparse.Namespace) -> None:
    """Counts, durations and rates are finite and never negative (a negative count would never
    stop; an infinite rate never moved the simulated clock on)."""
    for flag in ("count", "duration", "rate", "timeline_rate", "authors"):
        value = getattr(args, flag, None)
        if value is not None and not 0 <= value < math.inf:
            raise ConfigError(f"--{flag.replace('_', '-')} must be 0 or more (and finite), "
                              f"got {value}")


def run(args: argparse.Namespace) -> int:
    _check_numbers(args)
    sim, pace = build(args)
    if args.profiles:
        Path(args.profiles).parent.mkdir(parents=True, exist_ok=True)
        with open(args.profiles, "wb") as f:
            for profile in sim.profiles():
                f.write(msgspec.json.encode(profile) + b"\n")
    if args.count == 0:
        _write_truth(sim, args.truth)
        return 0
    out = _open(args.out)
    try:
        if pace:
            def sleep(seconds: float) -> None:
                out.flush()
                time.sleep(seconds)

            for line in sim.play(pace, count=args.count, duration=args.duration, sleep=sleep):
                out.write(line + "\n")
        else:
            _write(sim.take(count=args.count, duration=args.duration), out)
        out.flush()
    except BrokenPipeError:  # the reader went away (| head): not an error
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    except KeyboardInterrupt:
        pass
    finally:
        if out is not sys.stdout:
            out.close()
        _write_truth(sim, args.truth)
    return 0


def _write_truth(sim: Any, path: str | None) -> None:
    if path:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        Path(path).write_bytes(sim.truth_json() + b"\n")
