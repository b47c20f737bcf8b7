"""Moments on real volume curves: the CrisisLexT26 collections (every collected tweet's time),
replayed through the burst detector as one term per event. Onsets are the events' published
start times (UTC, from the events' Wikipedia articles), since the data give only a start day."""

from __future__ import annotations

import csv
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from reale.clock import ManualClock
from reale.events import Author, Post
from reale.signals.moment_scope import MomentConfig
from reale.signals.moments import MomentDetector

# instantaneous events whose collection starts at least a few hours before the event
ONSETS = {
    "2012_Italy_earthquakes": "2012-05-20T02:03:52",
    "2012_Costa_Rica_earthquake": "2012-09-05T14:42:07",
    "2012_Venezuela_refinery": "2012-08-25T05:41:00",
    "2013_West_Texas_explosion": "2013-04-18T00:50:38",
    "2013_Savar_building_collapse": "2013-04-24T02:57:00",
    "2013_Spain_train_crash": "2013-07-24T18:41:00",
    "2013_Bohol_earthquake": "2013-10-15T00:12:31",
    "2013_Glasgow_helicopter_crash": "2013-11-29T22:22:00",
}


def onset(name: str) -> float:
    return datetime.fromisoformat(ONSETS[name]).replace(tzinfo=UTC).timestamp()


def load_times(folder: Path) -> list[float]:
    path = next(folder.glob("*tweetids_entire_period.csv"))
    out = []
    with path.open(encoding="utf-8") as f:
        rows = csv.reader(f)
        next(rows, None)
        for row in rows:
            if row:
                t = datetime.strptime(row[0].strip(), "%a %b %d %H:%M:%S %z %Y")
                out.append(t.timestamp())
    return sorted(out)


def replay(name: str, times: list[float], config: MomentConfig) -> dict[str, Any]:
    """Feed the collection's tweets as posts of one term; first alert after onset, and false
    alerts before it (the quiet stretch)."""
    start = onset(name)
    clock = ManualClock(times[0])
    det = MomentDetector(config, clock)
    term = "crisis" + name.split("_", 1)[1].lower().replace("_", "")
    alerts = []
    for i, t in enumerate(times):
        post = Post(network="sim", uri=f"sim://{name}/{i}", author=Author(id=str(i)), text=term,
                    created_at=t)
        clock.set(t)
        alerts += [a.at for a in det.update(post, scopes=("collection",)) if a.term == term]
    after = [a for a in alerts if a >= start]
    first_tweet = next((t for t in times if t >= start), None)
    quiet_hours = max(0.0, (start - times[0] - config.warmup) / 3600.0)
    return {"event": name, "delay_s": after[0] - start if after else None,
            "first_tweet_s": None if first_tweet is None else first_tweet - start,
            "false_alerts": sum(1 for a in alerts if a < start), "quiet_hours": quiet_hours}


def evaluate(data: Path, config: MomentConfig) -> list[dict[str, Any]]:
    root = data / "bursts" / "crisislex-t26"
    return [replay(name, load_times(root / name), config) for name in ONSETS
            if (root / name).is_dir()]
