"""Reale: a self-hosted real-time marketing desk that listens, understands, weighs and answers.

The public surface is what ``__all__`` lists; everything else is private and may change.
"""

from reale.clock import Clock, ManualClock, SystemClock
from reale.errors import (
    ConfigError,
    DecodeError,
    QueryError,
    RealeError,
    SourceError,
    StoreError,
)
from reale.events import Author, Interaction, Mention, Post, Span

__version__ = "0.1.0"

__all__ = [
    "Author",
    "Clock",
    "ConfigError",
    "DecodeError",
    "Interaction",
    "ManualClock",
    "Mention",
    "Post",
    "QueryError",
    "RealeError",
    "SourceError",
    "Span",
    "StoreError",
    "SystemClock",
    "__version__",
]
