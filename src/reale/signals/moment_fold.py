"""One tragedy, one alert: a whole-stream moment that reads avoid as it is first raised is folded
into the avoid moment whose story it is part of, as one of that moment's names ("also").

An earthquake bursts under many names at once, in posts that share no word: its hashtags in two
languages, a town, "case crollate", "donate". The "same story" link (``moment_links``) already
reads each of them avoid; raised one by one they were five alerts of one story (``reale demo``,
5.00 whole-stream alerts per seed). A moment folds only when its own first read is avoid, so no
read is made milder: the avoid moment it joins lists it and reads avoid. A moment first read
safe or caution is raised as before, and a later link's avoid re-read of it too. Pure functions.
"""

from __future__ import annotations

from collections.abc import Sequence

from reale.signals.moment_links import source_of
from reale.signals.moment_stories import Stories
from reale.signals.moment_types import MomentAlert
from reale.signals.safety import SafetyConfig, SafetyRead


def fold_target(alert: MomentAlert, stories: Stories, config: SafetyConfig) -> str | None:
    """The open story ``alert`` (new, read avoid) is part of: the head of the avoid moment it
    is linked to; else, when both read avoid for a tragedy (:func:`tragic`), the story whose
    moment reads avoid on its own and alerted nearest in time, within ``link_window``; None when
    there is none, or ``alert`` is a brand's own wave."""
    read = alert.safety
    if not config.fold_avoid or read is None or read.verdict != "avoid" or alert.owner:
        return None
    if read.linked_to:
        head = stories.head_of(read.linked_to)
        if head is not None and head != alert.term and source_of(stories.open[head].alert):
            return head
    if not tragic(read, config):
        return None
    best: tuple[float, str] | None = None
    for head, story in stories.open.items():
        a = story.alert
        gap = abs(alert.at - a.at)  # posts' times: a moment may be raised before an earlier one
        if (head != alert.term and source_of(a) and a.safety is not None and tragic(a.safety, config)
                and gap <= config.link_window and (best is None or gap < best[0])):
            best = (gap, head)
    return None if best is None else best[1]


def tragic(read: SafetyRead, config: SafetyConfig) -> bool:
    """Does ``read`` say avoid for a tragedy: its posts use tragic or violent words, or read as
    crisis talk? (Not a fearful or angry crowd alone: a brand's complaint wave can read avoid.)"""
    return bool(read.tragic_terms or read.violent_terms) or (read.crisis or 0.0) >= config.avoid_crisis


def fold_avoid(alerts: Sequence[MomentAlert], fresh: set[tuple[str, float]], stories: Stories,
               config: SafetyConfig, t: float) -> tuple[list[MomentAlert], list[str]]:
    """``alerts`` with each new one (its (term, time) in ``fresh``) that reads avoid folded into
    its story's avoid moment (that moment, updated, comes out in its place, once); and the
    terms folded (no longer moments of their own)."""
    out: list[MomentAlert] = []
    folded: list[str] = []
    for a in alerts:
        head = fold_target(a, stories, config) if (a.term, a.at) in fresh else None
        if head is None:
            stories.keep(a)  # its read, for the next alert of the batch to fold into
            out.append(a)
            continue
        updated = stories.fold(a.term, head, t)
        folded.append(a.term)
        out = [x for x in out if not (x.term == updated.term and x.at == updated.at)]
        out.append(updated)
    return out, folded
