"""Reale's understand stage: what a post means (language, sentiment, emotion, intent, complaint,
irony, offensiveness) and whether a mention is about the brand at all, learned from the team.

    u = Understander.load()                       # all shipped models, once
    u.annotate_batch(texts, langs)                # -> list[Understanding]
    u.annotate_batch(texts, fast=True)            # overload: language + n-gram sentiment
    m = u.relevance_model("Apple", ["apple"])     # per brand, learns from decisions

The names below are imported on first use, so that a pure submodule (``reale.understand.emoji``,
read by the desk) does not bring the models' dependencies with it.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from reale.understand.relevance import Neighbour, RelevanceModel, Verdict
    from reale.understand.understander import INTENTS, TASKS, Understander, Understanding

_WHERE = {"Neighbour": "relevance", "RelevanceModel": "relevance", "Verdict": "relevance",
          "INTENTS": "understander", "TASKS": "understander", "Understander": "understander",
          "Understanding": "understander"}


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"reale.understand.{_WHERE[name]}"), name)


__all__ = ["INTENTS", "TASKS", "Neighbour", "RelevanceModel", "Understander", "Understanding", "Verdict"]
