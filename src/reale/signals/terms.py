"""Terms of a post for moment detection: hashtags, content words and adjacent-word pairs
("stadio olimpico", "power outage"); links, @handles, numbers, emoji and stop words are dropped.
The English and Italian stop words are derived from data by scripts/train_stopwords.py."""

from __future__ import annotations

import json
import re
from functools import cache
from importlib import resources

_URL = re.compile(r"https?://\S+|www\.\S+|@[\w.-]+|<[a-z_0-9]+>", re.IGNORECASE)  # and <URL>
_ELISION = re.compile(r"^(?:[a-z]{1,4})['’](?=\w)")  # l'unica, dell'auto, c'è: keep the word
_TOKEN = re.compile(r"#?[^\W_][\w'’-]*", re.UNICODE)
MAX_TEXT = 4_000
MIN_LEN = 3
# Not words of a language but of the medium: retweet and via markers, HTML entity remnants.
MEDIUM = frozenset({"rt", "via", "amp", "quot", "gt", "lt", "nbsp", "http", "https", "www", "com"})


@cache
def stopwords() -> frozenset[str]:
    """English and Italian stop words (stopwords.json, shipped with the package), plus
    :data:`MEDIUM`. Loaded on first use."""
    raw = resources.files("reale.signals").joinpath("stopwords.json").read_text("utf-8")
    doc = json.loads(raw)
    return frozenset(w for lang in ("en", "it") for w in doc["languages"][lang]["words"]) | MEDIUM


def word_of(token: str) -> str:
    """A raw token as a word: lower case, an Italian elided article dropped, edge quotes and
    hyphens stripped; "" for numbers and number-like tokens ("2026", "3rd", "10k", "5pm").

    >>> word_of("Dell'Auto"), word_of("3rd"), word_of("covid19"), word_of("'ciao'")
    ('auto', '', 'covid19', 'ciao')
    """
    tok = token.lower()
    if "'" in tok or "’" in tok or tok[-1] == "-":  # most words need none of this
        tok = _ELISION.sub("", tok).strip("'’-")
    if tok[:1].isdigit() and sum(ch.isalpha() for ch in tok) <= 3:
        return ""
    return tok


def cased_words(text: str, hashtags: bool = False) -> list[tuple[str, bool]]:
    """Every word of ``text`` (see :func:`word_of`), stop words included, with whether it was
    written capitalised; hashtags (as ``#tag``) only when asked for.

    >>> cased_words("Forza Roma! #ASRoma via @asroma.bsky.social https://x.co/1", hashtags=True)
    [('forza', True), ('roma', True), ('#asroma', False), ('via', False)]
    """
    body = _URL.sub(" ", text[:MAX_TEXT])
    out = []
    for m in _TOKEN.finditer(body):
        raw = m.group(0)
        if raw[0] == "#":
            if hashtags and len(raw) > 2:
                out.append((raw.lower(), False))
            continue
        w = word_of(raw)
        if len(w) >= MIN_LEN:
            i = raw.lower().find(w)
            out.append((w, i >= 0 and raw[i].isupper()))
    return out


def words(text: str, hashtags: bool = False) -> list[str]:
    """The words of :func:`cased_words`, without their case: what the stop-word training counts
    and what the safety read's cue words are looked for in."""
    return [w for w, _ in cased_words(text, hashtags)]


def terms(text: str, hashtags: tuple[str, ...] = (), limit: int = 32) -> list[str]:
    """Unique terms: hashtags (with their ``#``) first, then bigrams, then words.

    A bigram is two content words next to each other with only spaces between them (no
    punctuation, no dropped word), at most ``limit // 2`` of them.

    >>> terms("RT The lights went OUT at the Stadio Olimpico!! https://x.co/a #SuperBowl 2026",
    ...       ("SuperBowl",))
    ['#superbowl', 'lights went', 'stadio olimpico', 'lights', 'went', 'stadio', 'olimpico']
    """
    stop = stopwords()
    tags: dict[str, None] = {}
    for tag in hashtags:
        t = "#" + tag.lower().lstrip("#")
        if len(t) > 2:
            tags[t] = None
    pairs: dict[str, None] = {}
    singles: dict[str, None] = {}
    body = _URL.sub(" ", text[:MAX_TEXT])
    prev, prev_end = "", -1
    for m in _TOKEN.finditer(body):
        if len(tags) + len(pairs) + len(singles) >= 2 * limit:
            break
        raw = m.group(0)
        if raw[0] == "#":
            if len(raw) > 2:
                tags[raw.lower()] = None
            prev = ""
            continue
        w = word_of(raw)
        if len(w) < MIN_LEN or w in stop:
            prev = ""
            continue
        if prev and body[prev_end:m.start()].isspace() and len(pairs) < limit // 2:
            pairs[f"{prev} {w}"] = None
        singles[w] = None
        prev, prev_end = w, m.end()
    return [*tags, *pairs, *singles][:limit]
