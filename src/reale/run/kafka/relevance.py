"""The brands' relevance models kept beside their partition's snapshot: a worker that takes the
partition over recalls each model as it was (its decisions and their sentence vectors) in
milliseconds, instead of embedding up to ``relevance_memory`` stored decisions again.

A model is saved, in the transaction of its partition's snapshot, only when it changed since it
was last saved (its mark in the state moved): the team's decisions are rare, the snapshots
frequent. What changes a model is mostly a decision or two appended: those are saved as its
*tail* (``relevance-tail:<brand>``: every decision appended since the whole model was last saved,
a few KB) instead of the whole model again (about 1 MB with a full memory); the whole model is
saved again when it was replaced (rebuilt, taught) or its tail would pass ``TAIL_MAX``. A saved
model is recalled only when its mark (or its tail's, on top of the whole model's mark the tail
names) is the one the snapshot names, and it was made by the same sentence encoder and memory
size; otherwise the brand's model is marked stale and rebuilt from the stored decisions (off the
batch path, see ``rebuilds``). The saved models of brands no longer in the config are deleted
when a stages worker starts (:func:`prune_models`).
"""

from __future__ import annotations

import weakref
from collections.abc import Collection
from typing import TYPE_CHECKING

import msgspec

from reale.errors import DecodeError
from reale.run.kafka.brands import BrandState
from reale.run.kafka.snapshots import NamedBlob, load_decoded, stories_name
from reale.store import Store
from reale.understand.relevance import Remembered

if TYPE_CHECKING:
    from reale.run.wiring import Understanding
    from reale.understand.relevance import RelevanceModel


class SavedModel(msgspec.Struct, frozen=True):
    """One brand's relevance model as saved: what it remembers, at which mark, by which encoder
    and memory size."""

    brand: str
    mark: int
    encoder: str
    remember: int
    memory: Remembered


class SavedTail(msgspec.Struct, frozen=True):
    """The decisions a brand's model appended since its whole model was saved at ``base``
    (cumulative: each save of the tail replaces the last), making it the model at ``mark``."""

    brand: str
    base: int
    mark: int
    encoder: str
    remember: int
    memory: Remembered


class Base:
    """(Not saved) the whole model this worker saved or recalled last for a brand: its mark, the
    model object in use then, and the model's ``learned`` counter less the tail's decisions."""

    def __init__(self, mark: int, model: RelevanceModel, learned: int) -> None:
        self.mark = mark
        self.model = weakref.ref(model)
        self.learned = learned

    def tail(self, model: RelevanceModel) -> int | None:
        """How many of ``model``'s most recent decisions are its tail since this base; None
        when the whole model must be saved (another model, or too long a tail)."""
        n = model.learned - self.learned
        if self.model() is not model or not 0 <= n <= min(TAIL_MAX, len(model)):
            return None
        return n


TAIL_MAX = 64  # decisions in a tail: past them, the whole model is saved again
_enc = msgspec.msgpack.Encoder()
_dec = msgspec.msgpack.Decoder(SavedModel)
_tail_dec = msgspec.msgpack.Decoder(SavedTail)


def model_name(group: str, brand: str) -> str:
    return f"kafka:{group}:relevance:{brand}"


def tail_name(group: str, brand: str) -> str:
    return f"kafka:{group}:relevance-tail:{brand}"


def changed(understanding: Understanding, state: BrandState, brand: str) -> None:
    """The brand's model changed (learned, rebuilt): move its mark, so it is saved again."""
    if brand in understanding.models:
        state.relevance_marks[brand] = state.relevance_marks.get(brand, 0) + 1
    else:
        state.relevance_marks.pop(brand, None)
        state.saved_marks.pop(brand, None)
        state.bases.pop(brand, None)


def saved_models(understanding: Understanding, group: str, state: BrandState,
                 now: float) -> list[NamedBlob]:
    """Store items for the models of the state's brands whose mark moved since last saved: the
    decisions appended since the whole model was saved (its tail), or the whole model."""
    out: list[NamedBlob] = []
    for brand, mark in sorted(state.relevance_marks.items()):
        if state.saved_marks.get(brand) == mark:
            continue
        model = understanding.models.get(brand)
        if model is None:
            continue
        base = state.bases.get(brand)
        n = base.tail(model) if base is not None else None
        if base is not None and n is not None:
            tail = SavedTail(brand, base.mark, mark, understanding.encoder_name,
                             understanding.remember, model.remembered_last(n))
            out.append(NamedBlob(tail_name(group, brand), _enc.encode(tail), now))
        else:
            saved = SavedModel(brand, mark, understanding.encoder_name, understanding.remember,
                               model.remembered())
            out.append(NamedBlob(model_name(group, brand), _enc.encode(saved), now))
            state.bases[brand] = Base(mark, model, model.learned)
        state.saved_marks[brand] = mark
    return out


def prune_models(store: Store, group: str, brands: Collection[str]) -> list[str]:
    """The group's saved relevance models (and published stories) of brands not in ``brands``
    (removed from the config) deleted from the store; returns those brands, sorted."""
    names = [str(name) for (name,) in store.query(
        "SELECT name FROM snapshots WHERE name LIKE ?", ("kafka:%",))]
    kinds = (model_name, tail_name, stories_name)
    gone = sorted({n[len(prefix):] for prefix in (kind(group, "") for kind in kinds)
                   for n in names if n.startswith(prefix) and n[len(prefix):] not in brands})
    if gone:
        with store.transaction() as tx:
            for brand in gone:
                for name in (kind(group, brand) for kind in kinds):
                    tx.execute("DELETE FROM snapshots WHERE name = ?", (name,))
    return gone


def load_model(store: Store, group: str, brand: str) -> SavedModel | None:
    # None when unreadable too: the model is then rebuilt from the stored decisions
    return load_decoded(store, model_name(group, brand), _dec)


def read_model(store: Store, understanding: Understanding, group: str, brand: str,
               mark: int) -> tuple[RelevanceModel, Base] | None:
    """The brand's model at ``mark`` restored from the saved whole model (and its tail, when
    the tail makes it the one at ``mark``), not put in use, with its :class:`Base` (it reads the
    store and builds a new model only, so it may run on another thread); None when it cannot be
    recalled (none saved, another mark, encoder or memory size, or unreadable): the model is
    then rebuilt."""
    saved = load_model(store, group, brand)
    if saved is None or (saved.brand, saved.encoder, saved.remember) != (
            brand, understanding.encoder_name, understanding.remember):
        return None
    tail = None
    if saved.mark != mark:
        tail = load_decoded(store, tail_name(group, brand), _tail_dec)
        if tail is None or (tail.brand, tail.base, tail.mark, tail.encoder, tail.remember) != (
                brand, saved.mark, mark, understanding.encoder_name, understanding.remember):
            return None
    try:
        memory = saved.memory if tail is None else joined(saved.memory, tail.memory)
        model = understanding.recalled(brand, memory)
    except DecodeError:
        return None
    appended = 0 if tail is None else len(tail.memory.texts)
    return model, Base(saved.mark, model, -appended)


def joined(first: Remembered, then: Remembered) -> Remembered:
    """``first``'s decisions and vectors, then ``then``'s (a model keeps the most recent)."""
    if not then.texts:
        return first
    if first.texts and first.dim != then.dim:
        raise DecodeError(f"a relevance tail of {then.dim} dimensions on a model of {first.dim}")
    return Remembered(first.texts + then.texts, first.relevant + then.relevant,
                      first.vectors + then.vectors, then.dim)
