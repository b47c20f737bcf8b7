"""The draft guard: every model draft is checked before the approver sees it, since the post is in
the model's prompt and its author may have steered it. Each finding strips part of the draft,
blocks it (the brand's own draft stands in, with the reason) or flags it. See docs/drafts.md.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, Literal

import msgspec

from reale.desk import guard_rules as R
from reale.desk.guard_words import REASONS
from reale.desk.similarity import sentences
from reale.desk.value import infer_value
from reale.desk.voice import _EN, _IT, guess_language
from reale.errors import ConfigError
from reale.publish.limits import fits, limit_for, text_length

Action = Literal["pass", "strip", "flag", "block"]
OFFER_KINDS = ("gift", "discount", "refund", "code", "price", "date")
_RANK = {"pass": 0, "flag": 1, "strip": 2, "block": 3}
_WORD = re.compile(r"\w+")
# what "we'll give you …" / "ti diamo …" may be giving that the team can allow: not a gift then
_GIVEN = {"discount": next(p for k, p in R.COMMITMENTS if k == "discount"),
          "refund": R.REFUND_WORDS}
_BEFORE_OFFER = {"a", "an", "the", "your", "un", "una", "uno", "il", "lo", "la", "i", "gli", "le",
                 "full", "extra", "another", "un'altro", "altro", "ulteriore", "pieno"}
_COMMON = _EN | _IT | frozenset().union(*R.LANGUAGE_WORDS.values()) | frozenset(
    ["that", "this", "with", "your", "from", "have", "they", "them", "what", "when", "will",
     "would", "just", "about", "sono", "questo", "questa", "della", "nella", "alla", "anche",
     "ours", "nostro", "nostra", "nostri", "nostre"])
_LEADING_MENTIONS = re.compile(r"^(?:\s*@[\w.@-]+)+\s*")


class GuardSettings(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """``[desk.guard]``: what the team allows a model draft to promise or give out."""

    offers: tuple[str, ...] = ()  # commitments allowed: gift, discount, refund, code, price, date
    small_offer_eur: float = 0.0  # a gift or discount worth at most this passes unlisted
    codes: tuple[str, ...] = ()  # discount codes the team hands out (FIORI10)
    contacts: tuple[str, ...] = ()  # the brand's own phone numbers and e-mail addresses
    max_quote_words: int = 6  # more words than this copied in a row from the post: blocked

    def __post_init__(self) -> None:
        unknown = sorted(set(self.offers) - set(OFFER_KINDS))
        if unknown:
            raise ConfigError(f"[desk.guard] offers: unknown {', '.join(unknown)}; use "
                              f"{', '.join(OFFER_KINDS)}")
        if self.small_offer_eur < 0 or self.max_quote_words < 1:
            raise ConfigError("[desk.guard] small_offer_eur must be ≥ 0 and max_quote_words "
                              "≥ 1")


def guard_settings(extra: Mapping[str, Any]) -> GuardSettings:
    """``[desk.guard]`` from ``Config.extra`` (defaults for what is missing)."""
    raw = (extra.get("desk") or {}).get("guard") or {}
    try:
        return msgspec.convert(raw, GuardSettings)
    except msgspec.ValidationError as exc:
        raise ConfigError(f"desk.guard: {exc}") from exc


class GuardBrand(msgspec.Struct, frozen=True, kw_only=True):
    """What the guard knows of the brand (from its ``[[brands]]`` entry)."""

    name: str = ""
    handles: tuple[str, ...] = ()
    hashtags: tuple[str, ...] = ()
    competitors: tuple[str, ...] = ()
    language: str = ""
    products: dict[str, float] = {}


def guard_brand(brand: Any) -> GuardBrand:
    """A :class:`GuardBrand` from a ``reale.config.BrandConfig`` (or anything with its fields)."""
    return GuardBrand(name=brand.name, handles=tuple(brand.handles), hashtags=tuple(brand.hashtags),
                      competitors=tuple(brand.competitors), language=brand.language,
                      products=dict(brand.products))


class Finding(msgspec.Struct, frozen=True):
    """One thing the guard found: which rule, what it does to the draft, the words that said so."""

    rule: str
    action: Action
    evidence: str = ""


class Guarded(msgspec.Struct, frozen=True):
    """The draft after the guard (stripped when ``action`` is ``strip``) and why."""

    text: str
    action: Action
    findings: tuple[Finding, ...] = ()


class _Ctx(msgspec.Struct, frozen=True):
    text: str  # invisible characters already removed
    sk: str  # its skeleton
    post: str  # the post's skeleton
    author: str
    lang: str
    network: str


class DraftGuard:
    """Checks model drafts for one brand. Stateless after construction; safe to share."""

    def __init__(self, brand: GuardBrand | None = None,
                 settings: GuardSettings | None = None) -> None:
        self.brand = brand or GuardBrand()
        self.settings = settings or GuardSettings()
        self._own = {h.strip().lstrip("@").lower() for h in self.brand.handles}
        self._tags = {t.strip().lstrip("#").lower() for t in self.brand.hashtags}
        self._codes = {c.strip().upper() for c in self.settings.codes}
        self._phones = {_digits(c) for c in self.settings.contacts if len(_digits(c)) >= 6}
        self._mails = {c.strip().lower() for c in self.settings.contacts if "@" in c}
        self._accounts = {_account(c) for c in self.settings.contacts}  # the brand's elsewhere
        names = " ".join([self.brand.name, *self.brand.products]).lower()
        self._words = self._tags | self._own | set(_WORD.findall(names))
        self._rules: tuple[Callable[[_Ctx], list[Finding]], ...] = (
            self._lookalikes, self._commitments, self._prices, self._codes_found, self._deadlines,
            self._contacts, self._tags_found, self._parrot, self._tells, self._others,
            self._voice, self._language, self._length)

    def allowing(self, contacts: Iterable[str]) -> DraftGuard:
        """This guard, also allowing ``contacts`` (say, those in the brand's own past replies)."""
        more = tuple(c for c in contacts if c not in self.settings.contacts)
        if not more:
            return self
        settings = msgspec.structs.replace(self.settings, contacts=(*self.settings.contacts, *more))
        return DraftGuard(self.brand, settings)

    def check(self, draft: str, *, post: str, author: str = "", lang: str = "",
              network: str = "bluesky") -> Guarded:
        """Guard one model ``draft`` written for ``post`` by ``author`` (in ``lang``)."""
        text = R.INVISIBLE.sub("", draft)
        findings = [Finding("invisible", "strip", f"{len(draft) - len(text)} characters")] \
            if text != draft else []
        ctx = _Ctx(text=text, sk=R.skeleton(text), post=R.skeleton(post),
                   author=author.strip().lstrip("@").lower(), lang=lang, network=network)
        for rule in self._rules:
            findings += rule(ctx)
        if any(f.action == "block" for f in findings):
            return Guarded(draft, "block", tuple(findings))
        out = _strip(text, [f for f in findings if f.action == "strip"])
        if not out or len(out) < 0.5 * len(text):
            findings.append(Finding("too_little_left", "block", out))
            return Guarded(draft, "block", tuple(findings))
        action: Action = max((f.action for f in findings), key=_RANK.__getitem__, default="pass")
        return Guarded(out, action, tuple(findings))

    # -- commitments ----------------------------------------------------------------------------
    def _allowed(self, kind: str, sentence: str, post: str) -> bool:
        if kind in self.settings.offers:
            return True
        if kind not in ("gift", "discount") or self.settings.small_offer_eur <= 0:
            return False
        worth = infer_value(kind, sentence, post, lent=False, products=self.brand.products)
        return worth.eur <= self.settings.small_offer_eur

    def _gives_allowed(self, sentence: str, end: int) -> bool:
        """Whether the giving words ending at ``end`` give an offer the team allows, named right
        after them or an article ("we'll give you 20% off", "ti diamo il rimborso", "an extra 10% off"), not
        a thing before it ("we'll send you a bouquet with 20% off" gives a bouquet)."""
        after = sentence[end:end + 80]
        for kind in self.settings.offers:
            m = _GIVEN[kind].search(after) if kind in _GIVEN else None
            if m and set(after[:m.start()].split()) <= _BEFORE_OFFER:
                return True
        return False

    def _commitments(self, c: _Ctx) -> list[Finding]:
        out: list[Finding] = []
        for sentence in sentences(c.sk):
            for kind, pattern in R.COMMITMENTS:
                m = pattern.search(sentence)
                if m and not R.NEGATED.search(sentence[: m.start()]) and \
                        not (kind == "gift" and self._gives_allowed(sentence, m.end())) and \
                        not self._allowed(kind, sentence, c.post) and \
                        not any(f.rule == kind for f in out):
                    out.append(Finding(kind, "block", m.group(0).strip()))
        if not any(f.rule == "refund" for f in out) and "refund" not in self.settings.offers:
            named = R.REFUND_WORDS.search(c.sk)
            out += [Finding("refund_mention", "flag", named.group(0))] if named else []
        return out

    def _prices(self, c: _Ctx) -> list[Finding]:
        if "price" in self.settings.offers:
            return []
        listed = set(self.brand.products.values())
        return [Finding("price", "block", m.group(0).strip()) for m in R.MONEY.finditer(c.sk)
                if float((m.group(1) or m.group(2)).replace(",", ".")) not in listed][:1]

    def _codes_found(self, c: _Ctx) -> list[Finding]:
        if "code" in self.settings.offers:
            return []
        found = [m.group(0).split()[-1].strip(":") for m in R.CODE.finditer(c.text)]
        found += [m.group(1) for m in R.CODE_USED.finditer(c.sk)]
        return [Finding("code", "block", code) for code in found
                if code.upper() not in self._codes | R.NOT_CODES and not self._known(code)][:1]

    def _known(self, token: str) -> bool:
        """A word of the brand's own: a tag, a handle, a word of its name or of a product's."""
        return token.lower() in self._words

    def _deadlines(self, c: _Ctx) -> list[Finding]:
        if "date" in self.settings.offers:
            return []
        m = R.DEADLINE.search(c.sk)
        if m:
            return [Finding("deadline", "block", m.group(0).strip())]
        out = [Finding("soon", "flag", m.group(0)) for m in R.SOON.finditer(c.sk)][:1]
        promised = R.GUARANTEE.search(c.sk)
        return out + ([Finding("guarantee", "flag", promised.group(0))] if promised else [])

    # -- contact data and identifiers -------------------------------------------------------------
    def _contacts(self, c: _Ctx) -> list[Finding]:
        out = [Finding("email", "strip", m.group(0)) for m in R.EMAIL.finditer(c.text)
               if m.group(0).lower() not in self._mails]
        out += [Finding("phone", "strip", m.group(0).strip()) for m in R.PHONE.finditer(c.text)
                if len(_digits(m.group(0))) >= 8 and _digits(m.group(0)) not in self._phones
                and not R.REFERENCE.search(c.text[max(0, m.start() - 24):m.start()])]
        out += [Finding("account", "strip", m.group(0)) for m in R.OTHER_ACCOUNT.finditer(c.text)
                if _account(m.group(0)) not in self._accounts]
        out += [Finding("mention", "strip", m.group(0)) for m in R.MENTION.finditer(c.text)
                if m.group(1).lower() not in (c.author, *self._own)]
        return out

    def _tags_found(self, c: _Ctx) -> list[Finding]:
        return [Finding("hashtag", "strip", m.group(0)) for m in R.HASHTAG.finditer(c.text)
                if m.group(1).lower() not in self._tags]

    # -- what the post put in the model's mouth ---------------------------------------------------
    def _parrot(self, c: _Ctx) -> list[Finding]:
        mine = [w for w in _WORD.findall(c.sk) if w != c.author]
        theirs = _WORD.findall(c.post)
        out = []
        run = copied_run(mine, theirs, self.settings.max_quote_words + 1)
        if run:
            out.append(Finding("parrot", "block", " ".join(run)))
        for q in R.QUOTED.findall(c.sk):
            run = copied_run(_WORD.findall(q), theirs, 3)
            if run:
                out.append(Finding("quote", "block", q.strip()))
                break
        return out + self._echo(c, set(theirs))

    def _echo(self, c: _Ctx, theirs: set[str]) -> list[Finding]:
        """A sentence in the brand's voice (*we*, *our*, *noi*, *nostri*) whose content words
        nearly all come from the post: a claim the post may have put in the brand's mouth."""
        for sentence in sentences(c.sk):
            content = [w for w in _WORD.findall(sentence) if len(w) > 3 and w not in _COMMON]
            if len(content) >= 5 and R.OUR_VOICE.search(sentence) and \
                    sum(w in theirs for w in content) >= 0.7 * len(content):
                return [Finding("echo", "flag", _LEADING_MENTIONS.sub("", sentence))]
        return []

    def _tells(self, c: _Ctx) -> list[Finding]:
        m = next((m for s in sentences(c.sk) if (m := R.TELLS.search(s))), None)
        return [Finding("tell", "block", m.group(0))] if m else []

    def _others(self, c: _Ctx) -> list[Finding]:
        named = [n for n in self.brand.competitors if n.strip() and re.search(
            rf"(?<!\w){re.escape(R.skeleton(n.strip()))}(?!\w)", c.sk)]
        out = [Finding("competitor", "block", named[0])] if named else []
        m = R.DISPARAGING.search(c.sk)
        if m:
            out.append(Finding("disparaging", "block", m.group(0)))
        m = R.COMPARISON.search(c.sk)
        if m:
            out.append(Finding("comparison", "flag", m.group(0)))
        return out

    def _voice(self, c: _Ctx) -> list[Finding]:
        out = [Finding("admission", "flag", m.group(0)) for m in R.ADMISSION.finditer(c.sk)][:1]
        m = R.BRAND_VOICE.search(c.sk)
        if m:
            return [Finding("brand_voice", "block", m.group(0)), *out]
        name = R.skeleton(self.brand.name.strip())
        if name:
            said = re.search(rf"(?<!\w){re.escape(name)}(?:\s+(?:official|ufficiale|says|dice|"
                             rf"states|dichiara))?\s*:", c.sk)
            if said:
                return [Finding("brand_voice", "block", said.group(0)), *out]
        return out

    def _lookalikes(self, c: _Ctx) -> list[Finding]:
        m = R.MIXED_SCRIPT.search(c.text) or R.DRESSED.search(unicodedata.normalize("NFC", c.text))
        return [Finding("lookalike", "block", m.group(0))] if m else []

    def _language(self, c: _Ctx) -> list[Finding]:
        """The draft, or one of its sentences, clearly in a language neither the post's nor the
        brand's (a promise in Spanish tucked into an English reply)."""
        allowed = {x for x in (c.lang[:2].lower(), guess_language(c.post), draft_language(c.post),
                               self.brand.language[:2]) if x}
        if not allowed:
            return []
        for part in (c.sk, *sentences(c.sk)):
            said = draft_language(part)
            if said and said not in allowed:
                return [Finding("language", "block", said)]
        return []

    def _length(self, c: _Ctx) -> list[Finding]:
        if fits(c.network, c.text):
            return []
        return [Finding("length", "block",
                        f"{text_length(c.network, c.text)}/{limit_for(c.network)}")]


def draft_language(sk: str) -> str:
    """The language a (lower-case) draft is written in, when its function words say so clearly:
    ``it``, ``en``, ``es``, ``fr``, ``de``, ``pt``, or ``""``."""
    tokens = _WORD.findall(sk)
    scores = {lang: sum(t in words for t in tokens) for lang, words in R.LANGUAGE_WORDS.items()}
    scores["it"] = sum(t in _IT for t in tokens)
    scores["en"] = sum(t in _EN for t in tokens)
    best = max(scores, key=scores.__getitem__)
    second = max(v for k, v in scores.items() if k != best)
    return best if scores[best] >= 3 and scores[best] >= 2 * second else ""


def copied_run(a: Sequence[str], b: Sequence[str], k: int) -> list[str]:
    """The first run of at least ``k`` consecutive words of ``a`` that also occur in a row in
    ``b`` (extended while each next ``k`` words do too), or ``[]``. Linear in both lengths.

    >>> copied_run("we never pay our staff at all".split(), "they never pay our staff".split(), 3)
    ['never', 'pay', 'our', 'staff']
    """
    if k < 1 or len(a) < k:
        return []
    grams = {tuple(b[j:j + k]) for j in range(len(b) - k + 1)}
    for i in range(len(a) - k + 1):
        if tuple(a[i:i + k]) in grams:
            end = i + k
            while end < len(a) and tuple(a[end - k + 1:end + 1]) in grams:
                end += 1
            return list(a[i:end])
    return []


def contacts_in(text: str) -> set[str]:
    """The e-mail addresses, phone numbers (8 digits or more) and accounts on other networks
    (*Instagram: fiori_official*) written in ``text``."""
    found = {m.group(0) for m in R.EMAIL.finditer(text)}
    found |= {m.group(0) for m in R.OTHER_ACCOUNT.finditer(text)}
    return found | {m.group(0).strip() for m in R.PHONE.finditer(text)
                    if len(_digits(m.group(0))) >= 8}


def _account(text: str) -> str:
    """An account's name as written after its network or alone: ``Instagram: @Fiori`` → ``fiori``."""
    words = re.split(r"[\s:]+", text.strip())
    return words[-1].lstrip("@").lower() if words else ""


def _digits(text: str) -> str:
    return "".join(ch for ch in text if ch.isdigit())


def _strip(text: str, strips: Sequence[Finding]) -> str:
    """``text`` without the hashtags found, and without the sentences holding contact data."""
    for f in strips:
        if f.rule == "hashtag":
            text = re.sub(rf"(?<![\w&#]){re.escape(f.evidence)}(?!\w)", "", text)
    gone = [f.evidence for f in strips if f.rule in ("email", "phone", "mention", "account")]
    if not gone:
        return re.sub(r"[ \t]{2,}", " ", text).strip()
    head = _LEADING_MENTIONS.match(text)
    lead = head.group(0).strip() if head and not any(e in head.group(0) for e in gone) else ""
    body = text[head.end():] if lead and head else text
    kept = [s for s in sentences(body) if not any(e in s for e in gone)]
    return re.sub(r"\s+([,.!?;:])", r"\1", " ".join(p for p in (lead, *kept) if p)).strip()


def describe(finding: Finding, lang: str = "en") -> str:
    """What a finding means to the approver, in English or Italian, with its evidence."""
    en, it = REASONS.get(finding.rule, (finding.rule, finding.rule))
    said = en if lang != "it" else it
    evidence = finding.evidence  # the guard's own words in it (a count) are said in Italian too
    if finding.rule == "invisible" and lang == "it":
        evidence = evidence.replace("characters", "caratteri")
    return f"{said} («{evidence}»)" if evidence else said


__all__ = ["OFFER_KINDS", "DraftGuard", "Finding", "GuardBrand", "GuardSettings", "Guarded",
           "contacts_in", "copied_run", "describe", "draft_language", "guard_brand", "guard_settings"]
