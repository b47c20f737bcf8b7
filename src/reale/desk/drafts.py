"""Drafts in the brand's voice: two or three replies for an opportunity, in the author's language.

Candidates come from the brand's own past replies (retrieved by character n-gram TF-IDF, reranked
by how much the neighbours agree, and readdressed to the new author), from templates per kind,
and optionally from an OpenAI-compatible model, whose drafts pass the draft guard first
(``reale.desk.guard``). Every candidate must fit the network's length, must not repeat a sentence
the brand recently sent to someone else, and must pass the realness check; what fails is trimmed,
replaced by another variant, or dropped.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import httpx
import msgspec
import numpy as np

from reale.desk import llm as llm_mod
from reale.desk.guard import DraftGuard, Finding, GuardBrand, Guarded, contacts_in
from reale.desk.similarity import NgramIndex, char_ngrams, normalize, sentences
from reale.desk.templates import template_language, variants
from reale.desk.voice import PastReply, adapt, guess_language, mention_of
from reale.errors import ConfigError, DeskError
from reale.publish.limits import fits, limit_for, text_length

Check = Callable[[str], bool]


class DraftRequest(msgspec.Struct, frozen=True, kw_only=True):
    """What the drafter needs to know about an opportunity."""

    kind: str  # appeal, praise, complaint, question, moment
    text: str  # the author's post
    lang: str = ""  # the author's language ("" = guess from the text)
    author_handle: str = ""
    author_name: str = ""
    network: str = "bluesky"
    brand: str = ""
    opportunity_id: str = ""


class Draft(msgspec.Struct, frozen=True, kw_only=True):
    """A proposed reply, with where it came from."""

    text: str
    source: str  # "history", "template" or "llm"
    lang: str
    score: float = 0.0  # retrieval similarity for history drafts
    length: int = 0  # as the network counts it
    limit: int = 0
    basis: str = ""  # the past customer message a history draft was adapted from
    # what the draft guard found: in a model draft, what it stripped or flags; in a history or
    # template draft, why the model draft it stands in for was blocked
    guard: tuple[Finding, ...] = ()


class DraftSettings(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """``[desk.drafts]``: how many drafts, how picky retrieval is, when a sentence is a repeat."""

    n: int = 3
    neighbours: int = 8
    min_similarity: float = 0.08
    consensus: float = 0.5  # weight of the neighbours' agreement in the history ranking
    repeat_threshold: float = 0.6  # char-3-gram Jaccard at which a sentence counts as repeated
    min_sentence: int = 20  # shorter sentences ("Thanks!") may repeat
    recent_limit: int = 200


def draft_settings(extra: Mapping[str, Any]) -> DraftSettings:
    """``[desk.drafts]`` from ``Config.extra`` (defaults for what is missing)."""
    raw = (extra.get("desk") or {}).get("drafts") or {}
    try:
        return msgspec.convert(raw, DraftSettings)
    except msgspec.ValidationError as exc:
        raise ConfigError(f"desk.drafts: {exc}") from exc


class _Seen:
    """Sentences already sent (or already proposed): n-gram sets to compare new ones with."""

    def __init__(self, texts: Sequence[str], settings: DraftSettings) -> None:
        self._settings = settings
        self._grams: list[set[str]] = []
        for t in texts:
            self.add(t)

    def add(self, text: str) -> None:
        for s in sentences(text):
            if len(normalize(s)) >= self._settings.min_sentence:
                self._grams.append(set(char_ngrams(s)))

    def repeats(self, sentence: str) -> bool:
        if len(normalize(sentence)) < self._settings.min_sentence:
            return False
        g = set(char_ngrams(sentence))
        limit = self._settings.repeat_threshold
        return any(len(g & h) / len(g | h) >= limit for h in self._grams if g and h)


def _opening(text: str) -> str:
    """A template without an @handle in front starts its sentence with a capital letter."""
    text = text.strip()
    return text if text.startswith("@") else text[:1].upper() + text[1:]


class Drafter:
    """Drafts for one brand from its history. Not thread-safe; cheap to rebuild."""

    def __init__(self, history: Sequence[PastReply] = (), *, brand: str = "",
                 settings: DraftSettings | None = None, check: Check | None = None,
                 llm: llm_mod.LlmConfig | None = None,
                 transport: httpx.AsyncBaseTransport | None = None,
                 guard: DraftGuard | None = None) -> None:
        self.brand = brand
        self.settings = settings or DraftSettings()
        self._check = check
        self._llm = llm
        self._transport = transport
        self._history = list(history)
        self._index: NgramIndex | None = None
        self._replies: NgramIndex | None = None
        self._contacts: frozenset[str] | None = None
        self.guard = guard or DraftGuard(GuardBrand(name=brand))
        self.llm_failures = 0
        self.llm_blocked = 0  # model drafts the guard blocked

    def add(self, past: PastReply) -> None:
        """Learn a new exchange (a reply published through Reale)."""
        self._history.append(past)
        self._index = self._replies = None
        self._contacts = None

    def _own_contacts(self) -> frozenset[str]:
        """Phone numbers and e-mail addresses the brand wrote in its own past replies."""
        if self._contacts is None:
            self._contacts = frozenset(c for p in self._history for c in contacts_in(p.reply))
        return self._contacts

    def _indexes(self) -> tuple[NgramIndex, NgramIndex]:
        if self._index is None or self._replies is None:
            self._index = NgramIndex(p.incoming for p in self._history)
            self._replies = NgramIndex(p.reply for p in self._history)
        return self._index, self._replies

    # -- retrieval ------------------------------------------------------------------------------
    def retrieve(self, text: str, lang: str, *, exclude: int | None = None) -> list[tuple[int, float]]:
        """Past exchanges answering posts like ``text`` in ``lang``: ``(row, score)``, best first.

        ``exclude`` leaves one row out (leave-one-out evaluation).
        """
        index, replies = self._indexes()
        s = self.settings
        hits = [(i, sim) for i, sim in index.search(text, k=s.neighbours * 4, exclude=exclude)
                if sim >= s.min_similarity and self._history[i].lang in (lang, "")][: s.neighbours]
        if len(hits) < 2 or s.consensus <= 0:
            return hits
        vecs = np.stack([replies.embed(self._history[i].reply) for i, _ in hits])
        agree = vecs @ vecs.T
        np.fill_diagonal(agree, 0.0)
        weights = np.array([sim for _, sim in hits], dtype=np.float32)
        support = (agree @ weights) / np.maximum(float(weights.sum()) - weights, 1e-6)
        ranked = sorted(((hits[j][0], float(weights[j] + s.consensus * support[j]))
                         for j in range(len(hits))), key=lambda x: -x[1])
        return ranked

    # -- proposing ------------------------------------------------------------------------------
    def _language(self, req: DraftRequest) -> str:
        return (req.lang or guess_language(req.text) or "en").lower()[:2]

    def _candidates(self, req: DraftRequest, lang: str,
                    exclude: int | None) -> list[tuple[str, str, float, str]]:
        history = []
        for row, score in self.retrieve(req.text, lang, exclude=exclude):
            past = self._history[row]
            text = adapt(past.reply, handle=req.author_handle, lang=lang, name=req.author_name)
            history.append((text, "history", score, past.incoming))
        mention = mention_of(req.author_handle)
        tl = template_language(lang)
        options = variants(req.kind, tl) if tl == lang else ()
        start = zlib.crc32(f"{req.author_handle}|{req.text}".encode()) % max(1, len(options))
        templates = [(_opening(options[(start + i) % len(options)].format(handle=mention)),
                      "template", 0.0, "") for i in range(len(options))]
        merged: list[tuple[str, str, float, str]] = []
        for i in range(max(len(history), len(templates))):
            merged.extend(x[i] for x in (history, templates) if i < len(x))
        return merged

    def _fit(self, text: str, network: str) -> str | None:
        """The text, or its leading sentences, within the network's limit (None if nothing fits)."""
        parts = sentences(text)
        while parts:
            candidate = " ".join(parts)
            if fits(network, candidate):
                return candidate
            parts = parts[:-1]
        return None

    def _unrepeat(self, text: str, seen: _Seen) -> str | None:
        """Drop sentences already sent to someone else; None when too little is left."""
        parts = sentences(text)
        kept = [p for p in parts if not seen.repeats(p)]
        if not kept or sum(map(len, kept)) < 0.5 * sum(map(len, parts)):
            return None
        return " ".join(kept)

    def finish(self, req: DraftRequest, candidates: Sequence[tuple[str, str, float, str]],
               recent: Sequence[str], lang: str,
               guard: Sequence[tuple[Finding, ...]] = ()) -> list[Draft]:
        """Apply length, repetition and realness to candidates, keeping the first ``n``.

        ``guard[i]`` is what the draft guard found for candidate ``i``; the reasons a model draft
        was blocked stay with the draft standing in for it, or move to the next one kept."""
        seen = _Seen(recent[: self.settings.recent_limit], self.settings)
        out: list[Draft] = []
        carried: tuple[Finding, ...] = ()
        for i, (text, source, score, basis) in enumerate(candidates):
            notes = guard[i] if i < len(guard) else ()
            if source != "llm":
                notes, carried = (*carried, *notes), ()
            fitted = self._fit(text, req.network)
            final = self._unrepeat(fitted, seen) if fitted else None
            if not final or (self._check is not None and not self._check(final)):
                carried = notes if source != "llm" else carried
                continue
            seen.add(final)
            out.append(Draft(text=final, source=source, lang=lang, score=round(score, 4),
                             length=text_length(req.network, final), limit=limit_for(req.network),
                             basis=basis, guard=notes))
            if len(out) >= self.settings.n:
                break
        return out

    def propose(self, req: DraftRequest, recent: Sequence[str] = (), *,
                exclude: int | None = None) -> list[Draft]:
        """Two or three drafts without a model: retrieved history first, then templates."""
        lang = self._language(req)
        return self.finish(req, self._candidates(req, lang, exclude), recent, lang)

    @property
    def uses_model(self) -> bool:
        """Whether a model (``[desk.llm]``) drafts first: then call :meth:`propose_async`."""
        return self._llm is not None

    async def propose_async(self, req: DraftRequest, recent: Sequence[str] = ()) -> list[Draft]:
        """Drafts from the model when one is configured, else (or on any failure) :meth:`propose`."""
        if self._llm is None:
            return self.propose(req, recent)
        lang = self._language(req)
        local = self._candidates(req, lang, None)
        examples = [c[0] for c in local if c[1] == "history"]
        messages = llm_mod.build_messages(
            brand=self.brand or req.brand, lang=lang, post=req.text, kind=req.kind,
            examples=examples, n=self.settings.n, limit=limit_for(req.network))
        try:
            content = await llm_mod.complete(self._llm, messages, transport=self._transport)
        except DeskError:
            self.llm_failures += 1
            return self.finish(req, local, recent, lang)
        cands, notes = self._guarded(req, lang, llm_mod.parse_replies(content), local)
        return self.finish(req, cands, recent, lang, notes)

    def _guarded(self, req: DraftRequest, lang: str, replies: Sequence[str],
                 local: Sequence[tuple[str, str, float, str]],
                 ) -> tuple[list[tuple[str, str, float, str]], list[tuple[Finding, ...]]]:
        """The model's replies through the guard; where the first is blocked, the next history or
        template draft stands in and carries the reasons of every blocked one; then the rest of
        ``local``."""
        cands: list[tuple[str, str, float, str]] = []
        notes: list[tuple[Finding, ...]] = []
        slot: int | None = None
        spare = list(local)
        guard = self.guard.allowing(sorted(self._own_contacts()))  # the brand's own are its own
        for reply in replies:
            link = llm_mod.smuggled(reply, req.author_handle)
            g = Guarded(reply, "block", (Finding("link", "block", link),)) if link else \
                guard.check(reply, post=req.text, author=req.author_handle, lang=lang,
                            network=req.network)
            if g.action != "block":
                cands.append((g.text, "llm", 0.0, ""))
                notes.append(g.findings)
                continue
            self.llm_blocked += 1
            why = tuple(f for f in g.findings if f.action == "block")
            if slot is not None:  # one stand-in says why for all: the model's others stay in
                notes[slot] = (*notes[slot], *why)
            elif spare:
                slot = len(cands)
                cands.append(spare.pop(0))
                notes.append(why)
        return [*cands, *spare], notes


__all__ = ["Check", "Draft", "DraftRequest", "DraftSettings", "Drafter", "draft_settings"]
