"""Labels for a batch of posts: language, sentiment, emotion, intent, complaint, irony, offensive,
crisis.

One sentence embedding and one sparse n-gram matrix per batch feed every head. Each label comes with
its scores and what drove it (cue words, Italian cue patterns, or "embedding" when no n-gram model
knows the language). ``fast=True`` gives language and word-n-gram sentiment only, for overload.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Collection, Sequence
from pathlib import Path

import msgspec
import numpy as np

from reale.errors import ModelError
from reale.events import Post
from reale.understand import cues
from reale.understand.asks import polite_asks
from reale.understand.crisis import THRESHOLD as CRISIS_THRESHOLD
from reale.understand.crisis import CrisisHead
from reale.understand.crisis import load as load_crisis
from reale.understand.damage import with_damage
from reale.understand.emoji import READ_SHARE, EmojiRead, aimed_anger, emoji_read
from reale.understand.encoder import SentenceEncoder
from reale.understand.evaluative import with_evaluative
from reale.understand.explain import cue_words
from reale.understand.heads import F32, Head
from reale.understand.language import LanguageGuess, detect_batch
from reale.understand.lexicon import lexicon_features
from reale.understand.models import MODELS_DIR, ModelSet, load
from reale.understand.ngrams import WordIndex, featurize, featurize_words
from reale.understand.pushes import PUSH_LOGIT, pushes_for_others, with_pushes
from reale.understand.relevance import REMEMBER, RelevanceModel
from reale.understand.relevance_prior import Background, BrandPrior, anchor_pattern, load_background
from reale.understand.text import normalize

TASKS = ("language", "sentiment", "emotion", "intent", "complaint", "irony", "offensive", "crisis")
INTENTS = ("appeal", "complaint", "other", "praise", "question")
Declared = Sequence[str] | str | None
RECENT_VECTORS = 4_096  # USE vectors of the latest labelled texts kept for the relevance read


class Understanding(msgspec.Struct, frozen=True, kw_only=True, omit_defaults=True):
    """What Reale understood of one post. Unrequested labels stay ``None`` (and are omitted in JSON)."""

    language: str
    language_score: float
    uri: str = ""  # the post's URI when labelled through annotate_posts
    sentiment: str | None = None
    sentiment_scores: dict[str, float] | None = None
    emotion: str | None = None
    emotion_scores: dict[str, float] | None = None
    intent: str | None = None
    intent_scores: dict[str, float] | None = None
    complaint: bool | None = None
    complaint_score: float | None = None
    irony: bool | None = None
    irony_score: float | None = None
    offensive: bool | None = None
    offensive_score: float | None = None
    crisis: bool | None = None  # talks about a disaster, an attack or a deadly accident
    crisis_score: float | None = None
    mode: str = "full"  # "fast" when only the overload labels were computed
    why: dict[str, list[str]] = {}


# Which languages each head's n-grams were trained on; other languages read the embedding only.
_NGRAM_LANGS = {"sentiment-en": ("en",), "sentiment-it": ("it",), "emotion": ("en", "it"),
                "irony": ("en",), "irony-it": ("it",), "offensive": ("en",), "complaint": ("en",),
                "complaint-en": ("en",), "acts": ("en",)}
# Heads trained on one language's data alone serve that language; the default head serves the rest.
# complaint-en reads a standardised embedding, which reads English better and other languages worse
# (docs/understand.md), so it serves English and the complaint head the rest.
_BY_LANG = {"sentiment-en": {"it": "sentiment-it"}, "irony": {"it": "irony-it"},
            "complaint": {"en": "complaint-en"}}


def _scores(classes: Sequence[str], p: F32) -> dict[str, float]:
    return {c: round(float(v), 4) for c, v in zip(classes, p, strict=True)}


def _emoji_rows(classes: Sequence[str], p: F32, texts: Sequence[str]) -> list[tuple[F32, list[str]]]:
    """Per row of the fast path, the n-gram sentiment, or the emoji lexicon's read where the post
    is emoji alone (as the full path reads it: ``polarity.emoji_scores``), and its note."""
    from reale.understand.polarity import emoji_scores

    out: list[tuple[F32, list[str]]] = []
    for row, text in zip(p, texts, strict=True):
        read = emoji_read(text)
        out.append((row, []) if read is None else emoji_scores(classes, row, read.polarity, read))
    return out


class _Batch:
    """Everything computed once per batch and read by every head."""

    def __init__(self, texts: list[str], langs: list[LanguageGuess], xw: dict[str, F32],
                 emb: F32, words: WordIndex) -> None:
        self.texts, self.langs, self.xw, self.emb, self.words = texts, langs, xw, emb, words
        self.done: dict[str, tuple[F32, list[list[str]]]] = {}  # head → its result, computed once
        self.singled: list[list[str]] | None = None  # see Understander._singled
        self._cues: dict[int, dict[str, list[str]]] = {}
        self._emoji: list[EmojiRead | None] | None = None
        self._pushes: list[list[str]] | None = None
        self._asks: list[list[str]] | None = None
        self.sentiment: list[tuple[F32, list[str]]] | None = None  # see Understander._sentiment_rows
        self.raw: Sequence[str] = texts  # as written: the handles the models see as @user
        self.brands: re.Pattern[str] | None = None  # whom anger must be aimed at (emoji.brand_marks)

    def emoji(self, i: int) -> EmojiRead | None:
        """The emoji lexicon's read of row ``i`` when it is emoji alone (``emoji.emoji_read``)."""
        if self._emoji is None:
            self._emoji = [emoji_read(t) for t in self.texts]
        return self._emoji[i]

    def pushes(self, i: int) -> list[str]:
        """Row ``i``'s pushes for someone else ("rispondete a Sara": ``pushes.pushes_for_others``)."""
        if self._pushes is None:
            self._pushes = [pushes_for_others(t) for t in self.texts]
        return self._pushes[i]

    def asks(self, i: int) -> list[str]:
        """Row ``i``'s polite asks (``asks.polite_asks``), computed once."""
        if self._asks is None:
            self._asks = [polite_asks(t) for t in self.texts]
        return self._asks[i]

    def italian(self, i: int) -> dict[str, list[str]]:
        """The Italian cues of row ``i`` (none unless it reads as Italian), computed once; praise
        counts evaluative words and drops negated praise (``evaluative.with_evaluative``); goods
        delivered damaged are a complaint (``damage.with_damage``), and so is a push for someone
        else, no appeal (``pushes.with_pushes``)."""
        if i not in self._cues:
            text = self.texts[i]
            italian = self.langs[i].lang == "it"
            self._cues[i] = (with_pushes(with_damage(with_evaluative(cues.italian_cues(text), text), text), text)
                             if italian else {})
        return self._cues[i]

    def lang_mask(self, langs: Sequence[str]) -> np.ndarray:
        return np.array([g.lang in langs for g in self.langs], dtype=bool)


def relevance_vectors(encoder: SentenceEncoder, texts: Sequence[str]) -> F32:
    """The USE sentence vectors of ``texts``: what the relevance models and the prior compare."""
    out: F32 = encoder.encode([normalize(t) for t in texts])[:, -512:]
    return out


class Understander:
    """All shipped models, loaded once. Use :meth:`load`; thread-compatible, not thread-safe."""

    def __init__(self, models: ModelSet, encoder: SentenceEncoder,
                 crisis_head: CrisisHead | None = None,
                 background: Background | None = None) -> None:
        self.models = models
        self.encoder = encoder
        self.crisis_head = crisis_head  # without it, the crisis label stays None
        self.background = background  # without it, no cold-start relevance prior
        missing = {*_NGRAM_LANGS, "sentiment-fast", "sentiment-fast-it"} - set(models.heads)
        if missing:
            raise ModelError(f"model set lacks heads {sorted(missing)}: run `make train`")
        # The USE vectors of the texts most recently labelled: a mention's relevance is read
        # right after its labels, and the same vector would otherwise be computed twice.
        self._recent: dict[str, F32] = {}
        self._recent_lock = threading.Lock()
        self._names = sorted(_NGRAM_LANGS)
        self._w_all = np.concatenate([models.heads[n].ngram_w for n in self._names], axis=1)
        self._offsets = np.cumsum([0] + [models.heads[n].ngram_w.shape[1] for n in self._names])

    @classmethod
    def load(cls, directory: Path = MODELS_DIR) -> Understander:
        return cls(load(directory), SentenceEncoder(), load_crisis(directory),
                   load_background(directory))

    @property
    def encoder_name(self) -> str:
        """The sentence encoder's name and version (see :attr:`SentenceEncoder.name`)."""
        return self.encoder.name

    def embed_for_relevance(self, texts: Sequence[str]) -> F32:
        """The USE sentence vectors of ``texts`` (what :class:`RelevanceModel` compares); those
        of texts labelled a moment ago come from the labelling, the others are computed."""
        clean = [normalize(t) for t in texts]
        with self._recent_lock:
            found = [self._recent.get(c) for c in clean]
        missing = [t for t, v in zip(texts, found, strict=True) if v is None]
        if len(missing) == len(texts):
            return relevance_vectors(self.encoder, texts)
        fresh = iter(relevance_vectors(self.encoder, missing)) if missing else iter(())
        out: F32 = np.stack([v if v is not None else next(fresh) for v in found])
        return out

    def _remember_vectors(self, clean: Sequence[str], features: F32) -> None:
        use = features[:, -512:]
        with self._recent_lock:
            for text, row in zip(clean, use, strict=True):
                self._recent.pop(text, None)
                self._recent[text] = row.copy()
            while len(self._recent) > RECENT_VECTORS:
                del self._recent[next(iter(self._recent))]

    def relevance_prior(self, brand: str, handles: Sequence[str] = (), hashtags: Sequence[str] = (),
                        keywords: Sequence[str] = ()) -> BrandPrior | None:
        """A new cold-start relevance prior for ``brand`` (None without a background bank or
        anything that marks a post as the brand's: handles, hashtags, keywords of several words)."""
        anchor = anchor_pattern(handles, hashtags, keywords)
        if self.background is None or anchor is None:
            return None
        return BrandPrior(brand, anchor, self.embed_for_relevance, self.background)

    def relevance_model(self, brand: str, terms: Sequence[str] = (),
                        remember: int = REMEMBER) -> RelevanceModel:
        """A new, empty relevance model for ``brand`` that shares this understander's encoder
        (and keeps the ``remember`` most recent decisions)."""
        return RelevanceModel(brand, terms, self.embed_for_relevance, remember)

    def annotate_posts(self, posts: Sequence[Post], tasks: Collection[str] = TASKS,
                       fast: bool = False, brands: re.Pattern[str] | None = None) -> list[Understanding]:
        """Label pipeline posts: their text, their declared ``langs``, and their URI carried along."""
        labels = self.annotate_batch([p.text for p in posts], [p.langs for p in posts], tasks=tasks,
                                     fast=fast, brands=brands)
        return [msgspec.structs.replace(x, uri=p.uri) for x, p in zip(labels, posts, strict=True)]

    def annotate(self, text: str, lang: Declared = None, **kw: object) -> Understanding:
        return self.annotate_batch([text], [lang], **kw)[0]  # type: ignore[arg-type]

    def annotate_batch(self, texts: Sequence[str], langs: Sequence[Declared] | None = None,
                       tasks: Collection[str] = TASKS, fast: bool = False,
                       brands: re.Pattern[str] | None = None) -> list[Understanding]:
        """Label ``texts`` (declared languages in ``langs``, aligned); ``tasks`` picks the labels.
        ``brands`` (``emoji.brand_marks``: the brands' handles and names) says whom a post must
        tag or name for angry emoji alone to be a complaint ("@mario 😡😡" is not one); without
        it, angry emoji that tag anyone are."""
        unknown = set(tasks) - set(TASKS)
        if unknown:
            raise ModelError(f"unknown task(s) {sorted(unknown)}; known: {', '.join(TASKS)}")
        clean = [normalize(t) for t in texts]
        guesses = detect_batch(clean, langs)
        if fast:
            return self._fast(clean, guesses, tasks)
        x, words = featurize_words(clean, self.models.spec, self.models.idf)
        prod = x.dot(self._w_all)
        xw = {n: prod[:, self._offsets[i]:self._offsets[i + 1]] for i, n in enumerate(self._names)}
        encoded = self.encoder.encode(clean)
        self._remember_vectors(clean, encoded)
        emb = np.hstack((encoded, lexicon_features(clean)))
        batch = _Batch(clean, guesses, xw, emb, words)
        batch.raw, batch.brands = texts, brands
        fields: list[dict[str, object]] = [
            {"language": g.lang, "language_score": round(g.score, 4), "why": {"language": [g.why]}}
            for g in guesses]
        for task in tasks:
            if task != "language":
                getattr(self, "_" + task)(batch, fields)
        return [Understanding(**f) for f in fields]  # type: ignore[arg-type]

    # --- heads -------------------------------------------------------------------------------

    def _one(self, head: str, b: _Batch,
             wanted: np.ndarray | None = None) -> tuple[F32, list[list[str]]]:
        """Probabilities of one head for the batch, and per row what drove them (the words only
        for the ``wanted`` rows, when given: the others are served by another head)."""
        h: Head = self.models.heads[head]
        used = b.lang_mask(_NGRAM_LANGS[head])
        p = np.where(used[:, None], h.proba(h.ngram_logits(b.xw[head]), b.emb), h.proba(None, b.emb))
        words = cue_words(b.words, h.ngram_w, self.models.idf, p.argmax(axis=1), len(b.texts),
                          wanted=wanted)
        why = [w if u and w else [f"sentence embedding (no {head} n-grams for {g.lang})"] if not u
               else ["sentence embedding (no word of the post points to it)"]
               for w, u, g in zip(words, used, b.langs, strict=True)]
        return p, why

    def _proba(self, head: str, b: _Batch) -> tuple[F32, list[list[str]]]:
        """Like :meth:`_one`, with each row served by its language's own head where there is one."""
        if head in b.done:
            return b.done[head]
        by_lang = _BY_LANG.get(head, {})
        p, why = self._one(head, b, ~b.lang_mask(tuple(by_lang)) if by_lang else None)
        for lang, other in by_lang.items():
            mask = b.lang_mask((lang,))
            if mask.any():
                p_l, why_l = self._one(other, b, mask)
                p = np.where(mask[:, None], p_l, p)
                why = [wl if m else w for w, wl, m in zip(why, why_l, mask, strict=True)]
        b.done[head] = (p, why)
        return p, why

    def _sentiment(self, b: _Batch, fields: list[dict[str, object]]) -> None:
        _, why = self._proba("sentiment-en", b)
        classes = self.models.heads["sentiment-en"].classes
        for f, (row, notes), w in zip(fields, self._sentiment_rows(b), why, strict=True):
            f["sentiment"], f["sentiment_scores"] = classes[int(row.argmax())], _scores(classes, row)
            f["why"]["sentiment"] = [*notes, *w]  # type: ignore[index]

    def _sentiment_rows(self, b: _Batch) -> list[tuple[F32, list[str]]]:
        """Per row, the sentiment scores after the cue corrections, and their notes (computed once):
        an emoji-only post is read by the emoji lexicon; then the Italian cues, a denied problem, a
        thing singled out (``polarity.corrected``); an ask with no negative word is no grievance."""
        if b.sentiment is not None:
            return b.sentiment
        from reale.understand.polarity import asked_not_aggrieved, corrected, emoji_scores

        p, _ = self._proba("sentiment-en", b)
        classes = self.models.heads["sentiment-en"].classes
        out = []
        for i, row in enumerate(p):
            read = b.emoji(i)
            if read is not None:
                out.append(emoji_scores(classes, row, read.polarity, read))
                continue
            row, notes = corrected(classes, row, b.texts[i], b.italian(i), self._singled(b)[i])
            row, asked = asked_not_aggrieved(classes, row, b.texts[i], b.langs[i].lang, b.asks(i), b.italian(i))
            out.append((row, [*asked, *notes]))
        b.sentiment = out
        return out

    def _emotion(self, b: _Batch, fields: list[dict[str, object]]) -> None:
        from reale.understand.polarity import emoji_scores

        p, why = self._proba("emotion", b)
        classes = self.models.heads["emotion"].classes
        for i, (f, row, w) in enumerate(zip(fields, p, why, strict=True)):
            read = b.emoji(i)
            if read is not None and read.emotion in classes:  # an emoji-only post: the lexicon reads it
                row, notes = emoji_scores(classes, row, read.emotion, read)
                w = [*notes, *w]
            f["emotion"], f["emotion_scores"] = classes[int(row.argmax())], _scores(classes, row)
            f["why"]["emotion"] = w  # type: ignore[index]

    def _binary(self, head: str, positive: str, b: _Batch, fields: list[dict[str, object]]) -> None:
        p, why = self._proba(head, b)
        k = self.models.heads[head].classes.index(positive)
        for f, row, w in zip(fields, p, why, strict=True):
            f[head], f[head + "_score"] = bool(row[k] >= 0.5), round(float(row[k]), 4)
            f["why"][head] = w  # type: ignore[index]

    def _irony(self, b: _Batch, fields: list[dict[str, object]]) -> None:
        self._binary("irony", "ironic", b, fields)

    def _offensive(self, b: _Batch, fields: list[dict[str, object]]) -> None:
        self._binary("offensive", "offensive", b, fields)

    def _crisis(self, b: _Batch, fields: list[dict[str, object]]) -> None:
        if self.crisis_head is None:
            return
        for f, v in zip(fields, self.crisis_head.proba(b.emb), strict=True):
            f["crisis"], f["crisis_score"] = bool(v >= CRISIS_THRESHOLD), round(float(v), 4)
            f["why"]["crisis"] = ["sentence embedding (crisis model)"]  # type: ignore[index]

    def _complaint_p(self, b: _Batch) -> tuple[F32, list[list[str]]]:
        """P(complaint) per row, with Italian complaint cues added as log-odds (computed once)."""
        if "complaint, cued" in b.done:
            return b.done["complaint, cued"]
        p, head_why = self._proba("complaint", b)
        why = list(head_why)  # the head's own notes stay as they are
        k = self.models.heads["complaint"].classes.index("complaint")
        logit = np.log(np.clip(p[:, k], 1e-6, 1 - 1e-6) / np.clip(1 - p[:, k], 1e-6, 1))
        for i in range(len(b.texts)):
            hits = b.italian(i).get("complaint")
            if hits:
                logit[i] += cues.CUE_LOGIT
                why[i] = [*why[i], "Italian cue: " + ", ".join(hits)]
            if b.pushes(i):  # "answer Sarah, she's not the only one": support left someone waiting
                logit[i] += PUSH_LOGIT - (cues.CUE_LOGIT if hits else 0.0)  # an Italian push is a cue too
                why[i] = [*why[i], "pushes the brand to answer someone else: " + ", ".join(b.pushes(i))]
        out: F32 = (1 / (1 + np.exp(-logit))).astype(np.float32)
        for i, text in enumerate(b.texts):
            if aimed_anger(text if b.brands is None else b.raw[i], b.emoji(i), b.brands):
                # "@volta 😡😡😡": no word for the head to read, but anger aimed at whoever is tagged
                # (the brand, when the caller says who it is) is a complaint to them, as sure as the
                # emoji read itself (``READ_SHARE``); "@mario 😡😡" is anger at Mario.
                out[i] = READ_SHARE + (1.0 - READ_SHARE) * out[i]
                whom = "who it tags" if b.brands is None else "the brand"
                why[i] = [*why[i], f"angry emoji aimed at {whom}: " + " ".join(b.emoji(i).emoji)]  # type: ignore[union-attr]
        b.done["complaint, cued"] = (out, why)
        return out, why

    def _singled(self, b: _Batch) -> list[list[str]]:
        """Per row, the phrases that single a thing out by a quality (``distinction.singled_out``),
        left out where the complaint label reads a complaint: then the quality is a fault the
        rule's word lists do not know ("the only dealer that takes three weeks for a service")."""
        if b.singled is None:
            from reale.understand.distinction import singled_out

            found = [singled_out(t) for t in b.texts]
            p = self._complaint_p(b)[0] if any(found) else np.zeros(len(found), dtype=np.float32)
            b.singled = [f if v < 0.5 else [] for f, v in zip(found, p, strict=True)]
        return b.singled

    def _complaint(self, b: _Batch, fields: list[dict[str, object]]) -> None:
        p, why = self._complaint_p(b)
        for f, v, w in zip(fields, p, why, strict=True):
            f["complaint"], f["complaint_score"] = bool(v >= 0.5), round(float(v), 4)
            f["why"]["complaint"] = w  # type: ignore[index]

    def _intent(self, b: _Batch, fields: list[dict[str, object]]) -> None:
        from reale.understand.asks import information_requests
        from reale.understand.intent import combine
        from reale.understand.litotes import denied_problems
        from reale.understand.waiting import wait_and_see

        acts, acts_why = self._proba("acts", b)
        p_complaint, complaint_why = self._complaint_p(b)
        sent, _ = self._proba("sentiment-en", b)
        pos = self.models.heads["sentiment-en"].classes.index("positive")
        neg = self.models.heads["sentiment-en"].classes.index("negative")
        for i, f in enumerate(fields):
            italian = b.langs[i].lang == "it"
            hits = b.italian(i)
            # An emoji-only post is read by the emoji lexicon, not by the heads (they have no word to read).
            feel = self._sentiment_rows(b)[i][0] if b.emoji(i) is not None else sent[i]
            scores, why = combine(self.models.heads["acts"].classes, acts[i], float(p_complaint[i]),
                                  float(feel[pos]), hits, float(feel[neg]),
                                  b.asks(i), italian and "complaint" not in hits, pushes=b.pushes(i),
                                  info=information_requests(b.texts[i]), denied=denied_problems(b.texts[i]),
                                  singled=self._singled(b)[i], waiting=wait_and_see(b.texts[i]),
                                  acts_from_embedding=b.langs[i].lang not in _NGRAM_LANGS["acts"])
            f["intent"] = max(scores, key=lambda k: scores[k])
            f["intent_scores"] = {k: round(v, 4) for k, v in scores.items()}
            driver = complaint_why[i] if f["intent"] == "complaint" else acts_why[i]
            f["why"]["intent"] = [*why, *driver]  # type: ignore[index]

    def _fast(self, clean: list[str], guesses: list[LanguageGuess], tasks: Collection[str]) -> list[Understanding]:
        out = [Understanding(language=g.lang, language_score=round(g.score, 4), mode="fast",
                             why={"language": [g.why]}) for g in guesses]
        if "sentiment" not in tasks:
            return out
        x = featurize(clean, self.models.fast_spec, self.models.fast_idf)
        h, h_it = self.models.heads["sentiment-fast"], self.models.heads["sentiment-fast-it"]
        p = h.proba(h.ngram_logits(x.dot(h.ngram_w)), None)
        p_it = h_it.proba(h_it.ngram_logits(x.dot(h_it.ngram_w)), None)
        is_it = np.array([g.lang == "it" for g in guesses], dtype=bool)
        p = np.where(is_it[:, None], p_it, p)
        note = ["word n-grams only (fast mode, under load)"]
        return [msgspec.structs.replace(u, sentiment=h.classes[int(row.argmax())],
                                        sentiment_scores=_scores(h.classes, row),
                                        why={**u.why, "sentiment": [*notes, *note]})
                for u, (row, notes) in zip(out, _emoji_rows(h.classes, p, clean), strict=True)]
