"""Posts made of emoji alone ("😡😡😡", "@brand 😍😍", "🔥🔥🔥"): read by a small emoji lexicon.

The heads read words; a post with none gives them nothing to read, and they answered at random
("😡😡😡" neutral, "🔥🔥🔥" negative). Where a post is only emoji (besides handles, links and
punctuation, or a word or two beside more emoji: "Mela 😍😍") its sentiment and
emotion come from ``LEXICON``: each emoji's polarity and emotion.

>>> emoji_read("😡😡😡")
EmojiRead(polarity='negative', emotion='anger', emoji=['😡'])
>>> emoji_read("@brand 😍😍 !!")
EmojiRead(polarity='positive', emotion='joy', emoji=['😍'])
>>> emoji_read("Mela 12 😍😍😍")  # nearly only emoji: a name beside them
EmojiRead(polarity='positive', emotion='joy', emoji=['😍'])
>>> emoji_read("love it 😍") is None  # words: the heads read it
True

How ``LEXICON`` was made (``tests/test_understand_emoji.py`` checks it against the data): the
emotion training sets (TweetEval emotion train + val, FEEL-IT; every post has one of anger, fear,
joy, optimism, sadness) were counted per emoji. An emoji on at least 5 posts, at least 75 % of them
joy or optimism, is *positive*; at most 20 %, *negative*, with its most frequent emotion; in
between it is *neutral* (laughter, 🙏: thanks as often as a plea). The sentiment sets hold too few
emoji to count (❤ 19 posts, 89 % positive; 😡 1, negative). The emotion sets have no neutral class,
so a few emoji the counts call negative are read neutral by hand (🤔: doubt is no grievance), and a
few rarer ones are set by hand where their meaning is plain (🤮, 👎, 💯, 😀, 🔥 — 67 % joy in the
counts, "fire" is praise in a brand's mentions); those are marked ``hand`` below.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache
from typing import NamedTuple

# emoji → (polarity, emotion). Counts (posts, joy + optimism share) from the emotion sets.
LEXICON: dict[str, tuple[str, str]] = {
    # positive: ≥ 75 % joy or optimism
    "❤": ("positive", "joy"),  # 127, 0.93
    "😍": ("positive", "joy"),  # 49, 0.98
    "💜": ("positive", "joy"),  # 38, 0.97
    "🥺": ("positive", "joy"),  # 34, 0.82
    "😊": ("positive", "joy"),  # 29, 0.90
    "👏": ("positive", "joy"),  # 26, 0.85
    "✨": ("positive", "joy"),  # 24, 0.92
    "💙": ("positive", "joy"),  # 24, 0.88
    "😘": ("positive", "joy"),  # 20, 0.80
    "♥": ("positive", "joy"),  # 19, 0.95
    "🤗": ("positive", "joy"),  # 16, 0.81
    "🥰": ("positive", "joy"),  # 16, 1.00
    "🖤": ("positive", "joy"),  # 14, 0.86
    "💖": ("positive", "joy"),  # 13, 0.85
    "💕": ("positive", "joy"),  # 13, 1.00
    "🤍": ("positive", "joy"),  # 10, 0.80
    "💘": ("positive", "joy"),  # 9, 0.78
    "😆": ("positive", "joy"),  # 9, 0.78
    "🎉": ("positive", "joy"),  # 9, 0.89
    "👍": ("positive", "joy"),  # 9, 0.78
    "💛": ("positive", "joy"),  # 9, 0.89
    "💪": ("positive", "joy"),  # 8, 0.88
    "💗": ("positive", "joy"),  # 8, 1.00
    "❣": ("positive", "joy"),  # 7, 1.00
    "🤩": ("positive", "joy"),  # 6, 1.00
    "😎": ("positive", "joy"),  # 6, 0.83
    "💞": ("positive", "joy"),  # 6, 0.83
    "💚": ("positive", "joy"),  # 6, 1.00
    "🎶": ("positive", "joy"),  # 5, 1.00
    "😋": ("positive", "joy"),  # 5, 1.00
    "☺": ("positive", "joy"),  # 5, 1.00
    "🥂": ("positive", "joy"),  # 5, 1.00
    "🎂": ("positive", "joy"),  # 5, 1.00
    "🔥": ("positive", "joy"),  # 15, 0.67: hand
    "😀": ("positive", "joy"),  # 4, 1.00: hand
    "😄": ("positive", "joy"),  # 4, 0.75: hand
    "💯": ("positive", "joy"),  # hand
    # negative: ≤ 20 % joy or optimism
    "😡": ("negative", "anger"),  # 35, 0.03
    "💔": ("negative", "sadness"),  # 27, 0.15
    "😢": ("negative", "sadness"),  # 18, 0.00
    "😩": ("negative", "sadness"),  # 16, 0.06
    "😤": ("negative", "anger"),  # 16, 0.00
    "😳": ("negative", "anger"),  # 12, 0.17
    "😠": ("negative", "anger"),  # 10, 0.00
    "😔": ("negative", "sadness"),  # 10, 0.10
    "😱": ("negative", "fear"),  # 9, 0.00 (sadness 5, fear 3: hand, fear)
    "🤦": ("negative", "anger"),  # 9, 0.11
    "😞": ("negative", "sadness"),  # 8, 0.00
    "🤬": ("negative", "anger"),  # 8, 0.00
    "☹": ("negative", "sadness"),  # 7, 0.00
    "😕": ("negative", "sadness"),  # 7, 0.00
    "😓": ("negative", "sadness"),  # 7, 0.00
    "😥": ("negative", "sadness"),  # 6, 0.00
    "🤡": ("negative", "anger"),  # 6, 0.17
    "💩": ("negative", "anger"),  # 5, 0.00
    "😒": ("negative", "anger"),  # 5, 0.00
    "😪": ("negative", "sadness"),  # 5, 0.00
    "🙄": ("negative", "anger"),  # 24, 0.25: hand (eyes rolled at a brand)
    "👎": ("negative", "anger"),  # 4, 0.25: hand
    "😖": ("negative", "anger"),  # 4, 0.00: hand
    "😫": ("negative", "sadness"),  # 4, 0.00: hand
    "🤮": ("negative", "anger"),  # hand
    "🤢": ("negative", "anger"),  # hand
    # neutral: in between, or no feeling of their own
    "😂": ("neutral", "joy"),  # 99, 0.66
    "🤣": ("neutral", "joy"),  # 18, 0.50
    "😭": ("neutral", "sadness"),  # 58, 0.29 (tears of laughter as often as of grief)
    "🙏": ("neutral", "optimism"),  # 17, 0.41
    "🙃": ("neutral", "joy"),  # 16, 0.38
    "😅": ("neutral", "joy"),  # 13, 0.62
    "🙈": ("neutral", "joy"),  # 12, 0.33
    "🤔": ("neutral", "anger"),  # 11, 0.18: hand (doubt)
    "😑": ("neutral", "anger"),  # 8, 0.38
    "👌": ("neutral", "joy"),  # 6, 0.50
    "😏": ("neutral", "joy"),  # 6, 0.50
    "🤷": ("neutral", "joy"),  # 5, 0.60
}

_SKIP = {"\ufe0f", "\ufe0e", "\u200d", "\u20e3"}  # variation selectors, joiner, keycap
MAX_WORDS = 2  # "Mela 😍😍", "Mela 12 😍😍😍": a name or a word or two beside more emoji


class EmojiRead(NamedTuple):
    polarity: str  # "positive", "negative" or "neutral"
    emotion: str  # the most frequent emotion of the post's emoji of that polarity
    emoji: list[str]  # the lexicon's emoji in the post, in order, each once


def _emoji_char(ch: str) -> bool:
    return unicodedata.category(ch) in ("So", "Sk") and ord(ch) >= 0x2190


# Any character an emoji may be (``_emoji_char``): a post with none is not read further (most
# posts: the check costs a fraction of a µs where the scan costs several).
_MAYBE_EMOJI = re.compile("[^\u0000-\u218f]")


def _scan(text: str) -> tuple[list[str], int]:
    """The emoji of ``text`` and its number of words (numbers and hashtags count as words;
    handles, links and punctuation do not). It stops at the word past ``MAX_WORDS``: such a
    post is not emoji-only whatever follows (most posts, read in a few tokens)."""
    found: list[str] = []
    words = 0
    for token in text.split():
        if words > MAX_WORDS:
            break
        if token.startswith("@") or token.lower().startswith("http"):
            continue
        word = False
        for ch in token:
            if _emoji_char(ch):
                found.append(ch)
            elif ch not in _SKIP and not unicodedata.category(ch).startswith("P"):
                word = True
        words += word
    return found, words


def emoji_only(text: str) -> list[str] | None:
    """The emoji of ``text`` when it is (nearly) made of emoji alone: besides handles
    (``@user``), links (``http``) and punctuation, at most ``MAX_WORDS`` words beside at least
    one and a half times as many emoji ("Mela 😍😍", "Mela 12 😍😍😍", "ancora 😡😡"; a run of
    one emoji counts up to three, as ``text.normalize`` cuts it); None otherwise ("love it 😍")."""
    if _MAYBE_EMOJI.search(text) is None:
        return None
    found, words = _scan(text)
    if not found or words > MAX_WORDS or 2 * len(found) < 3 * words:
        return None
    return found


def emoji_read(text: str) -> EmojiRead | None:
    """The lexicon's read of an emoji-only post: positive or negative by its polar emoji (a
    majority of occurrences; a tie reads neutral), neutral when it has only neutral ones; None
    when the post has words (beyond the few :func:`emoji_only` allows), or none of its emoji is
    in the lexicon, or it has a word or two and its emoji are neutral (the words say more)."""
    found = emoji_only(text)
    known = [e for e in found or () if e in LEXICON]
    if not known:
        return None
    pos = sum(LEXICON[e][0] == "positive" for e in known)
    neg = sum(LEXICON[e][0] == "negative" for e in known)
    polarity = "positive" if pos > neg else "negative" if neg > pos else "neutral"
    if polarity == "neutral" and _scan(text)[1]:
        return None
    pool = [e for e in known if LEXICON[e][0] == polarity] or known
    emotions = [LEXICON[e][1] for e in pool]
    emotion = max(dict.fromkeys(emotions), key=emotions.count)
    return EmojiRead(polarity, emotion, list(dict.fromkeys(known)))


# The scores an emoji read gives: the read class this sure, the rest shared by the other classes.
READ_SHARE = 0.8

# Anger aimed at someone: the negative emoji whose emotion is anger, less 😳 (flushed: as often
# embarrassment or surprise as anger at whoever is tagged).
ANGRY = frozenset(e for e, (p, emotion) in LEXICON.items()
                  if p == "negative" and emotion == "anger") - {"😳"}
_TAG = re.compile(r"(?<![\w@])@[\w.\-]+")


def angry_only(read: EmojiRead | None) -> bool:
    """Whether an emoji read (``emoji_read``) is anger: negative, angry above all, with an emoji
    of ``ANGRY`` in it ("😡😡😡", "👎👎👎", "🤬🤬"; not "😢😢", not "😳")."""
    return (read is not None and read.polarity == "negative" and read.emotion == "anger"
            and any(e in ANGRY for e in read.emoji))


def aimed_anger(text: str, read: EmojiRead | None, brands: re.Pattern[str] | None = None) -> bool:
    """Whether ``text``, read as emoji alone (``read``), is anger aimed at someone it tags:
    "@volta 😡😡😡" complains to @volta; "😡😡😡" alone is aimed at nothing. With ``brands``
    (:func:`brand_marks`: the brands' handles and names) it must be aimed at one of them:
    "@mario 😡😡" is anger at Mario, no complaint to the brand.

    >>> aimed_anger("@volta 😡😡😡", emoji_read("@volta 😡😡😡"))
    True
    >>> aimed_anger("😡😡😡", emoji_read("😡😡😡")), aimed_anger("@volta 😍🔥", emoji_read("@volta 😍🔥"))
    (False, False)
    >>> volta = brand_marks(["volta.bsky.social"], ["Volta"])
    >>> [aimed_anger(t, emoji_read(t), volta) for t in ("@volta.bsky.social 😡😡", "Volta 🤬🤬",
    ...                                                  "@mario 😡😡", "@volta.bsky.social.fan 😡")]
    [True, True, False, False]
    """
    if not angry_only(read):
        return False
    return (brands or _TAG).search(text) is not None


@lru_cache(maxsize=64)
def _marks(handles: tuple[str, ...], names: tuple[str, ...]) -> re.Pattern[str] | None:
    tagged = "|".join(re.escape(h) for h in handles)
    named = "|".join(r"\s+".join(map(re.escape, n.split())) for n in names)
    parts = ([rf"(?<![\w@])@(?:{tagged})(?![\w-]|\.\w)"] if tagged else []) + (
        [rf"(?<![\w@#.])(?:{named})(?!\w)"] if named else [])
    return re.compile("|".join(parts), re.IGNORECASE) if parts else None


def brand_marks(handles: Iterable[str], names: Iterable[str] = ()) -> re.Pattern[str] | None:
    """What marks a post as aimed at one of the brands: one of their ``handles`` tagged
    (``@volta.bsky.social``; given with or without the ``@``) or one of their ``names`` written
    in full (any case; a hashtag is a name: ``#volta``). None when there is neither (anger aimed
    at any tag then counts)."""
    tags = sorted({h.strip().lstrip("@").lower() for h in handles} - {""}, key=len, reverse=True)
    said = sorted({" ".join(n.split()).lower() for n in names} - {""}, key=len, reverse=True)
    return _marks(tuple(tags), tuple(said))
