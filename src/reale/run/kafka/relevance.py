"""The brands' relevance models kept beside their partition's snapshot: a worker that takes the
partition over recalls each model as it was (its decisions and their sentence vectors) in
milliseconds, instead of embedding up to ``relevance_memory`` stored decisions again.

A model is saved, in the transaction of its partition's snapshot, only when it changed since it
was last saved (its mark in the state moved): the team's decisions are rare, the snapshots
frequent. A saved model is recalled only when its mark is the one the snapshot names, and it was
made by the same sentence encoder and memory size; otherwise the brand's model is marked stale and
rebuilt from the stored decisions (off the batch path, see ``rebuilds``). The saved models of
brands no longer in the config are deleted when a stages worker starts (:func:`prune_models`).
"""

from __future__ import annotations

from collections.abc import Collection
from typing import TYPE_CHECKING

import msgspec

from reale.errors import DecodeError
from reale.run.kafka.brands import BrandState
from reale.run.kafka.snapshots import NamedBlob, load_decoded
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


_enc = msgspec.msgpack.Encoder()
_dec = msgspec.msgpack.Decoder(SavedModel)


def model_name(group: str, brand: str) -> str:
    return f"kafka:{group}:relevance:{brand}"


def changed(understanding: Understanding, state: BrandState, brand: str) -> None:
    """The brand's model changed (learned, rebuilt): move its mark, so it is saved again."""
    if brand in understanding.models:
        state.relevance_marks[brand] = state.relevance_marks.get(brand, 0) + 1
    else:
        state.relevance_marks.pop(brand, None)
        state.saved_marks.pop(brand, None)


def saved_models(understanding: Understanding, group: str, state: BrandState,
                 now: float) -> list[NamedBlob]:
    """Store items for the models of the state's brands whose mark moved since last saved."""
    out: list[NamedBlob] = []
    for brand, mark in sorted(state.relevance_marks.items()):
        if state.saved_marks.get(brand) == mark:
            continue
        memory = understanding.remembered(brand)
        if memory is None:
            continue
        saved = SavedModel(brand, mark, understanding.encoder_name, understanding.remember, memory)
        out.append(NamedBlob(model_name(group, brand), _enc.encode(saved), now))
        state.saved_marks[brand] = mark
    return out


def prune_models(store: Store, group: str, brands: Collection[str]) -> list[str]:
    """The group's saved relevance models of brands not in ``brands`` (removed from the
    config) deleted from the store; returns those brands, sorted."""
    prefix = model_name(group, "")
    names = [str(name) for (name,) in store.query(
        "SELECT name FROM snapshots WHERE name LIKE ?", ("kafka:%",))]
    gone = sorted(n[len(prefix):] for n in names
                  if n.startswith(prefix) and n[len(prefix):] not in brands)
    if gone:
        with store.transaction() as tx:
            for brand in gone:
                tx.execute("DELETE FROM snapshots WHERE name = ?", (model_name(group, brand),))
    return gone


def load_model(store: Store, group: str, brand: str) -> SavedModel | None:
    # None when unreadable too: the model is then rebuilt from the stored decisions
    return load_decoded(store, model_name(group, brand), _dec)


def read_model(store: Store, understanding: Understanding, group: str, brand: str,
               mark: int) -> RelevanceModel | None:
    """The brand's saved model restored, not put in use (it reads the store and builds a new
    model only, so it may run on another thread); None when it cannot be recalled (none saved,
    another mark, encoder or memory size, or unreadable): the model is then rebuilt."""
    saved = load_model(store, group, brand)
    if saved is None or (saved.brand, saved.mark, saved.encoder, saved.remember) != (
            brand, mark, understanding.encoder_name, understanding.remember):
        return None
    try:
        return understanding.recalled(brand, saved.memory)
    except DecodeError:
        return None
