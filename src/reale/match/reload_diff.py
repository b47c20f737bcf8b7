"""What a config reload changed in the watch: brands added or removed, and each kept brand's
handles, hashtags, keywords and queries added or removed, as one line for the log."""

from __future__ import annotations

from reale.config import BrandConfig, Config

_FIELDS = (("handle", "handles"), ("hashtag", "hashtags"), ("keyword", "keywords"),
           ("query", "queries"))


def _brand_changes(old: BrandConfig, new: BrandConfig) -> list[str]:
    out: list[str] = []
    for label, field in _FIELDS:
        before, after = getattr(old, field), getattr(new, field)
        out += [f"{label} added {t!r}" for t in after if t not in before]
        out += [f"{label} removed {t!r}" for t in before if t not in after]
    return out


def describe_changes(old: Config, new: Config) -> str:
    """``brand added: X; brand removed: Y; Z: query added 'a', keyword removed 'b'``, or that no
    brand or query changed (another setting did)."""
    before = {b.name: b for b in old.brands}
    after = {b.name: b for b in new.brands}
    parts = [f"brand added: {n}" for n in after if n not in before]
    parts += [f"brand removed: {n}" for n in before if n not in after]
    for name, brand in after.items():
        if name in before:
            changes = _brand_changes(before[name], brand)
            if changes:
                parts.append(f"{name}: {', '.join(changes)}")
    return "; ".join(parts) if parts else "no brand or query changed (other settings may have)"


__all__ = ["describe_changes"]
