"""The background of the stream: everyday posts, likes, reposts, replies, follows, deletes and
identity events, plus the reactions (cascades) that simulated posts draw.

Each method makes one event at simulated time ``t`` and returns its Jetstream line.
"""

from __future__ import annotations

import bisect
import random
import re
from collections.abc import Callable

from reale.simulate import wire
from reale.simulate.authors import Directory
from reale.simulate.brands import KIND_WEIGHTS, KINDS, BrandSpec
from reale.simulate.cascade import LIKE, QUOTE, REPLY, REPOST, CascadeModel
from reale.simulate.emit import Emitter, Ref
from reale.simulate.options import SimConfig
from reale.simulate.records import StrongRef
from reale.simulate.text import TextMaker
from reale.simulate.truth import LabelledPost, TruthLog

Push = Callable[[float, Ref, int, "tuple[str, str] | None"], None]
_KIND_CUM = tuple(sum(KIND_WEIGHTS[: k + 1]) for k in range(len(KIND_WEIGHTS)))
_OTHER = {"it": "en", "en": "it"}


def keyword_pattern(brands: tuple[BrandSpec, ...]) -> tuple[re.Pattern[str], dict[str, str]]:
    """One case-insensitive, whole-word pattern over every brand keyword, and keyword → brand."""
    owner: dict[str, str] = {}
    for b in brands:
        for kw in (*b.keywords, b.name):
            owner.setdefault(kw.lower(), b.name)
    words = sorted(owner, key=len, reverse=True)
    alternation = "|".join(re.escape(w) for w in words)
    return re.compile(rf"(?<!\w)(?:{alternation})(?!\w)", re.IGNORECASE), owner


class Background:
    """Makes background events and reactions for one timeline."""

    def __init__(self, cfg: SimConfig, rng: random.Random, directory: Directory,
                 emitter: Emitter, text: TextMaker, model: CascadeModel, push: Push,
                 truth: TruthLog) -> None:
        self.cfg, self.rng, self.dir, self.emit, self.text = cfg, rng, directory, emitter, text
        self.model, self.push, self.truth = model, push, truth
        total = sum(cfg.mix.values())
        names = list(cfg.mix)
        self._cum = [sum(cfg.mix[n] for n in names[: k + 1]) / total for k in range(len(names))]
        self._handlers: list[Callable[[float], str]] = [getattr(self, "_" + n) for n in names]
        self._decoy_brands = tuple(b for b in cfg.brands if b.decoys)
        self._kw, self._kw_owner = keyword_pattern(cfg.brands)
        self._background = [i for i, a in enumerate(directory.activity) if a > 0]

    def arrival(self, t: float) -> str:
        """One background event of a kind drawn from the configured mix."""
        k = bisect.bisect_right(self._cum, self.rng.random())
        return self._handlers[min(k, len(self._handlers) - 1)](t)

    # -- posts --------------------------------------------------------------------------------
    def lang_of(self, i: int) -> str:
        lang = self.dir.langs[i]
        if lang in _OTHER and self.rng.random() < 0.08:
            return _OTHER[lang]  # bilingual people switch now and then
        return lang

    def _langs_tag(self, lang: str) -> list[str] | None:
        r = self.rng.random()
        if r < 0.03:
            return None  # some clients send no language
        if r < 0.05:
            return [_OTHER.get(lang, "en")]  # and some tag it wrong
        return [lang]

    def _post(self, t: float) -> str:
        rng, i = self.rng, self.dir.pick(self.rng)
        lang = self.lang_of(i)
        brand, kind, r = None, "", rng.random()
        text = ""
        if r < self.cfg.brand_rate:
            brand = rng.choice(self.cfg.brands)
            kind = KINDS[bisect.bisect_right(_KIND_CUM, rng.random() * _KIND_CUM[-1])]
            text = self.text.brand_post(lang, brand, kind)
        elif r < self.cfg.brand_rate + self.cfg.decoy_rate and self._decoy_brands:
            text = self.text.decoy(rng.choice(self._decoy_brands), lang) or ""
        if not text:
            text, _ = self.text.topic_post(lang)
        if rng.random() < 0.04:
            other = rng.choice(self._background)
            text = f"@{self.dir.handles[other]} {text}"
        link = self.text.link(text) if rng.random() < 0.06 else None
        line, uri, cid = self.emit.post(i, t, text, self._langs_tag(lang), link=link,
                                        image=rng.random() < 0.1)
        self._label(uri, text, lang, t, brand, kind)
        self.seed(Ref(uri, cid, i, lang), t)
        return line

    def _label(self, uri: str, text: str, lang: str, t: float, brand: BrandSpec | None,
               kind: str) -> None:
        if brand is not None:
            self.truth.brand_posts.append(
                LabelledPost(uri=uri, brand=brand.name, lang=lang, time=t, kind=kind))
        found = {self._kw_owner[m.lower()] for m in self._kw.findall(text)}
        for name in sorted(found):
            if brand is None or name != brand.name:
                self.truth.decoys.append(LabelledPost(uri=uri, brand=name, lang=lang, time=t))

    def post_with(self, t: float, text: str, lang: str, i: int | None = None) -> tuple[str, Ref]:
        """A background post with a given text (burst carriers); it draws reactions as usual."""
        i = self.dir.pick(self.rng) if i is None else i
        line, uri, cid = self.emit.post(i, t, text, [lang])
        ref = Ref(uri, cid, i, lang)
        self.seed(ref, t)
        return line, ref

    def _reply(self, t: float) -> str:
        """A reply to a post from before the stream began."""
        rng, i = self.rng, self.dir.pick(self.rng)
        lang = self.lang_of(i)
        uri, cid = self.emit.old_post(t)
        parent = StrongRef(cid=cid, uri=uri)
        root = parent if rng.random() < 0.7 else StrongRef(*reversed(self.emit.old_post(t, 9e5)))
        line, _, _ = self.emit.post(i, t, self.text.reply(lang), self._langs_tag(lang),
                                    reply=(parent, root))
        return line

    # -- reactions to posts from before the stream ---------------------------------------------
    def _like(self, t: float) -> str:
        uri, cid = self.emit.old_post(t)
        return self.emit.subject(self.dir.pick(self.rng), t, wire.LIKE, uri, cid)[0]

    def _repost(self, t: float) -> str:
        uri, cid = self.emit.old_post(t)
        return self.emit.subject(self.dir.pick(self.rng), t, wire.REPOST, uri, cid)[0]

    def _follow(self, t: float) -> str:
        return self.emit.graph(self.dir.pick(self.rng), t, wire.FOLLOW,
                               self.dir.dids[self.dir.pick(self.rng)])

    def _block(self, t: float) -> str:
        return self.emit.graph(self.dir.pick(self.rng), t, wire.BLOCK,
                               self.dir.dids[self.dir.pick(self.rng)])

    def _delete(self, t: float) -> str:
        collection = self.rng.choice((wire.LIKE, wire.LIKE, wire.POST, wire.REPOST, wire.FOLLOW))
        return self.emit.delete(self.dir.pick(self.rng), t, collection,
                                60.0 + self.rng.random() * 86_400.0)

    def _identity(self, t: float) -> str:
        return self.emit.identity(self.dir.pick(self.rng), t)

    def _account(self, t: float) -> str:
        return self.emit.account(self.dir.pick(self.rng), t)

    def old_reaction(self, t: float) -> str:
        """A reaction to a post from before the stream (warm-up of the cascades)."""
        r = self.rng.random()
        if r < 0.75:
            return self._like(t)
        return self._repost(t) if r < 0.89 else self._reply(t)

    # -- cascades -----------------------------------------------------------------------------
    def seed(self, root: Ref, t: float) -> None:
        """Schedule the direct reactions a new post draws."""
        rng, model, push = self.rng, self.model, self.push
        for _ in range(model.direct(rng, self.dir.followers[root.author])):
            push(t + model.delay(rng), root, model.kind(rng), None)

    def react(self, t: float, root: Ref, kind: int, via: tuple[str, str] | None) -> str:
        """One reaction to a simulated post; reshares trigger further reactions."""
        rng, d = self.rng, self.dir
        i = d.pick(rng)
        if i == root.author:
            i = d.pick(rng)
        if kind == LIKE:
            return self.emit.subject(i, t, wire.LIKE, root.uri, root.cid, via)[0]
        if kind == REPOST:
            line, uri, cid = self.emit.subject(i, t, wire.REPOST, root.uri, root.cid, via)
            self._spawn(t, root, i, (cid, uri))
            return line
        lang = root.lang if rng.random() < 0.85 else self.lang_of(i)
        if kind == REPLY:
            parent = (StrongRef(cid=root.last_cid, uri=root.last_uri) if rng.random() < 0.3
                      else root.strong())
            line, uri, cid = self.emit.post(i, t, self.text.reply(lang), [lang],
                                            reply=(parent, root.strong()))
            root.last_uri, root.last_cid = uri, cid
            return line
        assert kind == QUOTE
        line, _, _ = self.emit.post(i, t, self.text.quote(lang), [lang], quote=root)
        self._spawn(t, root, i, None)
        return line

    def _spawn(self, t: float, root: Ref, resharer: int, via: tuple[str, str] | None) -> None:
        rng, model, push = self.rng, self.model, self.push
        for _ in range(model.offspring(rng, self.dir.followers[resharer])):
            push(t + model.delay(rng), root, model.kind(rng), via)
