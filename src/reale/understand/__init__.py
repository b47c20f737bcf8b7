"""Reale's understand stage: what a post means (language, sentiment, emotion, intent, complaint,
irony, offensiveness) and whether a mention is about the brand at all, learned from the team.

    u = Understander.load()                       # all shipped models, once
    u.annotate_batch(texts, langs)                # -> list[Understanding]
    u.annotate_batch(texts, fast=True)            # overload: language + n-gram sentiment
    m = u.relevance_model("Apple", ["apple"])     # per brand, learns from decisions
"""

from reale.understand.relevance import Neighbour, RelevanceModel, Verdict
from reale.understand.understander import INTENTS, TASKS, Understander, Understanding

__all__ = ["INTENTS", "TASKS", "Neighbour", "RelevanceModel", "Understander", "Understanding", "Verdict"]
