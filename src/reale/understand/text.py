"""Text normalisation shared by training and inference: one function so both see the same input.

Links become ``http``, handles become ``@user`` (as in TweetEval), SENTIPOLC's placeholders too,
invisible format characters are dropped, long character runs are shortened, and very long posts
are cut to a bounded length.
"""

from __future__ import annotations

import re

MAX_CHARS = 1000  # a post longer than this is cut: models saw tweets, and cost stays bounded

_URL = re.compile(r"(?:https?://|www\.)\S+|<URL>", re.IGNORECASE)
_HANDLE = re.compile(r"(?<![\w@])@[\w.\-]+|<MENTION_\d+>")
_RUN = re.compile(r"(.)\1{3,}")
_SPACE = re.compile(r"\s+")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")  # NUL separates texts inside a batch
# Invisible format characters (soft hyphen, zero-width space and joiners, word joiner, bidi marks,
# embeddings, overrides and isolates, BOM): inside a word they would split it for every model.
_INVISIBLE = re.compile("[\u00ad\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")
_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?|\d+|[^\w\s]", re.UNICODE)


def normalize(text: str) -> str:
    """The text the models read: links, handles and long runs made uniform, whitespace collapsed."""
    text = text[:MAX_CHARS].encode("utf-8", "replace").decode("utf-8")  # lone surrogates → "?"
    text = _INVISIBLE.sub("", _CONTROL.sub(" ", text))
    text = _URL.sub("http", text)
    text = _HANDLE.sub("@user", text)
    text = _RUN.sub(r"\1\1\1", text)
    return _SPACE.sub(" ", text).strip()


def words(text: str) -> list[str]:
    """Lower-cased word, number and symbol tokens of an already normalised text."""
    return _WORD.findall(text.lower())
