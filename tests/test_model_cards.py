"""Every model or array file shipped in the package comes with a model card beside it: what it is,
the data it was built from and that data's licence, the command that rebuilds it, and its limits."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import reale

PACKAGE = Path(reale.__file__).resolve().parent
# Shipped artifacts built from data by `make train`: every array file, plus the derived word lists.
DERIVED_JSON = (PACKAGE / "signals" / "stopwords.json",)


def shipped_artifacts() -> list[Path]:
    return sorted(PACKAGE.rglob("*.npz")) + list(DERIVED_JSON)


def card_of(artifact: Path) -> Path:
    return artifact.with_suffix(".md")


def test_the_package_ships_the_known_models() -> None:
    names = {p.name for p in shipped_artifacts()}
    assert {"understand-v1.npz", "crisis-v1.npz", "background-v1.npz", "stopwords.json"} <= names


@pytest.mark.parametrize("artifact", shipped_artifacts(), ids=lambda p: p.name)
def test_every_shipped_artifact_has_a_model_card(artifact: Path) -> None:
    card = card_of(artifact)
    assert card.is_file(), f"{artifact.name} ships without a model card {card.name}"
    text = card.read_text(encoding="utf-8")
    assert text.startswith(f"# Model card: {artifact.stem}") or text.startswith(
        f"# Model card: {artifact.name}")
    assert "make train" in text, "the card says which command rebuilds the file"
    assert "licence" in text.lower(), "the card gives the licence of the training data"
    assert "## Limits" in text


@pytest.mark.parametrize("artifact", sorted(PACKAGE.rglob("*.npz")), ids=lambda p: p.name)
def test_a_card_quotes_the_digest_of_the_arrays_it_describes(artifact: Path) -> None:
    """A retrained file whose arrays changed makes its card stale until the card is updated."""
    manifest = json.loads(artifact.with_suffix(".json").read_text(encoding="utf-8"))
    card = card_of(artifact).read_text(encoding="utf-8")
    digests = [manifest["sha256"]] if "sha256" in manifest else []
    assert digests or "SHA-256" in card
    for digest in digests:
        assert digest in card, f"{card_of(artifact).name} does not quote the manifest's {digest}"
