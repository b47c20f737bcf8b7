"""The safety read's reasons in the reader's language, for the desk's pages: the words live beside
the safety read (:mod:`reale.signals.safety_words`), where alerts find them too."""

from __future__ import annotations

from reale.signals.safety_words import safety_reason

__all__ = ["safety_reason"]
