"""Natural-looking post texts from templates: everyday topics, replies, quotes, brand posts,
common-word decoys and the carriers of injected burst terms.

All randomness comes from the generator passed in, so the same seed writes the same posts.
"""

from __future__ import annotations

import random
from typing import NamedTuple

from reale.simulate import vocab_en, vocab_it, vocab_other
from reale.simulate.brands import TEMPLATES, BrandSpec


class Pack(NamedTuple):
    """One language's words (see ``vocab_it``/``vocab_en``)."""

    TOPICS: dict[str, tuple[str, ...]]
    SLOTS: dict[str, tuple[str, ...]]
    TAGS: dict[str, tuple[str, ...]]
    REPLIES: tuple[str, ...]
    QUOTES: tuple[str, ...]
    CARRIERS: tuple[str, ...]


_PACKS: dict[str, Pack] = {
    lang: Pack(m.TOPICS, m.SLOTS, m.TAGS, m.REPLIES, m.QUOTES, m.CARRIERS)
    for lang, m in (("it", vocab_it), ("en", vocab_en))
}


class _Pick(dict[str, str]):
    """A mapping for ``str.format_map`` that answers every slot with a random choice."""

    def __init__(self, slots: dict[str, tuple[str, ...]], rng: random.Random) -> None:
        super().__init__()
        self._slots = slots
        self._rng = rng

    def __missing__(self, key: str) -> str:
        return self._rng.choice(self._slots[key])


class Link:
    """A link a post shares: full ``uri``, the shortened ``display`` text and a card title."""

    __slots__ = ("display", "title", "uri")

    def __init__(self, uri: str, display: str, title: str) -> None:
        self.uri, self.display, self.title = uri, display, title


_ID_CHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_"


class TextMaker:
    """Writes posts in Italian, English and a few other languages."""

    def __init__(self, rng: random.Random) -> None:
        self._rng = rng
        self._pick = {lang: _Pick(pack.SLOTS, rng) for lang, pack in _PACKS.items()}
        self._topics = {lang: tuple(pack.TOPICS) for lang, pack in _PACKS.items()}

    def pack_lang(self, lang: str) -> str:
        """The template language used for ``lang`` (Italian or English)."""
        return lang if lang in _PACKS else "en"

    def topic_post(self, lang: str, topic: str = "") -> tuple[str, str]:
        """An everyday post and its topic; other languages get a short native sentence."""
        rng = self._rng
        if lang not in _PACKS:
            pool = vocab_other.POSTS.get(lang)
            if pool:
                return rng.choice(pool), "misc"
            lang = "en"
        pack = _PACKS[lang]
        if not topic or topic not in pack.TOPICS:
            topic = rng.choice(self._topics[lang])
        text = rng.choice(pack.TOPICS[topic]).format_map(self._pick[lang])
        r = rng.random()
        if r < 0.18:
            text += " " + rng.choice(pack.TAGS[topic])
        elif r < 0.22:
            a, b = rng.sample(pack.TAGS[topic], 2)
            text += f"\n\n{a} {b}"
        if rng.random() < 0.12:
            text = text[0].lower() + text[1:]
        return text, topic

    def reply(self, lang: str) -> str:
        rng = self._rng
        if lang not in _PACKS:
            pool = vocab_other.POSTS.get(lang)
            return rng.choice(pool) if pool else rng.choice(vocab_en.REPLIES)
        return rng.choice(_PACKS[lang].REPLIES)

    def quote(self, lang: str) -> str:
        return self._rng.choice(_PACKS[self.pack_lang(lang)].QUOTES)

    def carrier(self, lang: str, term: str) -> str:
        """A post that carries an injected term: hashtags ride on a topic post, words in a
        sentence that names them."""
        lang = self.pack_lang(lang)
        if term.startswith("#"):
            text, _ = self.topic_post(lang)
            return f"{text} {term}"
        return self._rng.choice(_PACKS[lang].CARRIERS).format(term=term)

    def brand_post(self, lang: str, brand: BrandSpec, kind: str) -> str:
        """A post about ``brand`` of the given kind (praise, question, complaint, neutral, appeal)."""
        rng = self._rng
        lang = self.pack_lang(lang)
        by_kind = TEMPLATES.get(brand.category, TEMPLATES["generic"])[lang]
        template = rng.choice(by_kind.get(kind) or by_kind["neutral"])
        tag = rng.choice(brand.hashtags) if brand.hashtags else ""
        product = rng.choice(brand.products) if brand.products else brand.name
        text = template.format(brand=brand.name, at="@" + brand.handle, tag=tag, product=product)
        return " ".join(text.split())

    def decoy(self, brand: BrandSpec, lang: str) -> str | None:
        """A post using the brand's name as an ordinary word, in ``lang`` if it has one."""
        lang = self.pack_lang(lang)
        pool = [text for dl, text in brand.decoys if dl == lang]
        return self._rng.choice(pool) if pool else None

    def link(self, text: str) -> Link:
        """A link card to share, titled after the post."""
        rng = self._rng
        r = rng.random()
        if r < 0.45:
            vid = "".join(rng.choice(_ID_CHARS) for _ in range(11))
            uri = f"https://www.youtube.com/watch?v={vid}"
        elif r < 0.75:
            n = rng.randint(100_000, 999_999)
            uri = f"https://www.cronachequotidiane.it/{rng.choice(_SECTIONS)}/{n}"
        else:
            n = rng.randint(10_000, 99_999)
            uri = f"https://thedailyledger.com/2026/03/{rng.choice(_SECTIONS)}-{n}"
        bare = uri.split("://", 1)[1]
        display = bare if len(bare) <= 30 else bare[:27] + "..."
        return Link(uri, display, text[:70])


_SECTIONS = ("cronaca", "sport", "tecnologia", "cultura", "economia", "spettacoli", "viaggi")
