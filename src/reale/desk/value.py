"""What a brand's action is worth in euros, when the caller did not say.

Order of evidence: an amount written in the action's text, one of the brand's own products named
there (its price list, from the config), a generic item named there, then the product or item the
post asked for, then a default per kind of action. Lending is worth a fraction of giving.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import cache, lru_cache

import msgspec

from reale.desk.cues import normalise
from reale.desk.quantity import quantity_of

# (pattern, value when given, value when lent) — typical Italian retail prices, rounded.
ITEMS: tuple[tuple[str, float, float], ...] = (
    (r"cars?|auto|automobile|macchina|macchine|vettura|suv|utilitaria|fiat ?500|panda", 15000, 500),
    (r"scooter|motorino|moto|motorbike|e-?bike|bici(?:cletta)?|bicycle|bike", 1500, 100),
    (r"trip|holiday|vacation|flights?|hotel|cruise|viaggio|vacanza|volo|voli|albergo|crociera|"
     r"soggiorno|weekend a", 1000, 1000),
    (r"phone|smartphone|iphone|laptop|computer|tablet|ipad|console|playstation|tv|telefono|cellulare|"
     r"portatile|televisore", 800, 80),
    (r"shoes|sneakers|jacket|bag|handbag|watch|dress|scarpe|giacca|borsa|orologio|vestito|cappotto", 150, 150),
    (r"tickets?|biglietti|biglietto|pass|abbonamento|concert|concerto|event|evento|conference|"
     r"conferenza|launch|lancio", 120, 120),
    (r"dinner|lunch|brunch|cena|pranzo|menu|degustazione|tasting", 60, 60),
    (r"flowers|fiori|bouquet|mazzo|roses|rose|plant|piant[ae]|orchide[ae]", 40, 40),
    (r"cake|torta|gift box|box|kit|samples?|campion[ei]|bottle|bottiglia|wine|vino|t-?shirt|"
     r"maglietta|mug|tazza|hamper|cesto|panettone|colomba", 25, 25),
    (r"coffee|caff[èe]|cookies?|biscott[io]|croissant|cornett[oi]|gelato|ice cream|pizza|beer|birra|"
     r"chocolate|cioccolat\w*|snack|donuts?|ciambell[ae]|cappuccino|brioche|merendin[ae]", 6, 6),
    (r"stickers?|adesiv[io]|spill[ae]|pins?|badge|postcards?|cartolin[ae]|bigliettino|"
     r"thank-?you card", 2, 2),
)

KIND_DEFAULT_EUR: dict[str, float] = {
    "gift": 50.0, "discount": 15.0, "invite": 100.0,
    "reply": 0.0, "like": 0.0, "repost": 0.0, "dm": 0.0,
}
BASKET_EUR = 100.0  # what a percentage discount is taken to apply to, unless a product is named
LOAN_SHARE = 0.05  # lending one of the brand's products for a few days: a twentieth of its price

_MONEY = re.compile(
    r"(?:€|eur|euro|\$|usd|£)\s?(\d{1,7}(?:[.,]\d{1,2})?)(?!\d)|"
    r"(?<![\d.,])(\d{1,7}(?:[.,]\d{1,2})?)\s?(?:€|eur\b|euros?\b|\$|dollars?\b|dollari\b|£)"
)
_NOT_WORDS = re.compile(r"@[\w.-]+|https?://\S+|www\.\S+", re.IGNORECASE)
_PERCENT = re.compile(r"(?<!\d)(\d{1,2})\s?%")


class Valuation(msgspec.Struct, frozen=True):
    """A value in euros and where it came from (``given``, ``amount``, ``item``, ``asked``,
    ``product``, ``default``) with the words that gave it (a product: its name as configured)."""

    eur: float
    source: str
    evidence: str = ""
    article: str = ""  # the article the text put before a product ("un", "una", "a")
    lent: bool = False  # a product lent, valued at a share of its price
    units: int = 1  # how many the text asks for or gives (eur is the price of them all)
    quantity: str = ""  # the words that said how many ("siamo in dieci", "una scorta")
    asked: bool = False  # read from the post (what was asked), not from the action


# items that are already many of something: a box of pods is one box, not ten pods
_CONTAINERS = frozenset({"box", "gift box", "kit", "hamper", "cesto", "trip", "holiday",
                         "vacation", "viaggio", "vacanza", "crociera", "cruise", "soggiorno"})


def _times(v: Valuation, text: str, *, asked: bool) -> Valuation:
    """``v`` multiplied by the quantity ``text`` names for it (capped), marked as read from the
    post when ``asked``."""
    if v.evidence.lower() in _CONTAINERS:
        return msgspec.structs.replace(v, asked=asked)
    name = v.evidence.lower()
    words = [w for w in name.split() if not any(c.isdigit() for c in w)]
    if v.source == "product":  # its name is one noun: the 12 of "Mela 12 Pro" counts nothing
        text = re.sub(r"\s+".join(map(re.escape, name.split())), " xproductx ", text)
        name = "xproductx"
    q = quantity_of(text, [name, *words])
    if q is None:
        return msgspec.structs.replace(v, asked=asked)
    said = " ".join(q.evidence.replace("xproductx", v.evidence).split())
    return msgspec.structs.replace(v, eur=round(v.eur * q.units, 2), units=q.units,
                                   quantity=said, asked=asked)


@cache
def _items() -> tuple[tuple[re.Pattern[str], float, float], ...]:
    return tuple((re.compile(rf"\b(?:{p})\b"), g, lent) for p, g, lent in ITEMS)


def _amount(text: str) -> float | None:
    found = [float((a or b).replace(",", ".")) for a, b in _MONEY.findall(text)]
    return max(found) if found else None


def item_value(text: str, lent: bool) -> tuple[float, str] | None:
    """The most valuable item named in normalised ``text``, as (euros, the word). Handles and
    links name no item (``@fiori.bsky.social`` is a florist, not flowers asked for)."""
    text = _NOT_WORDS.sub(" ", text)
    best: tuple[float, str] | None = None
    for pattern, given, loan in _items():
        m = pattern.search(text)
        if m:
            v = loan if lent else given
            if best is None or v > best[0]:
                best = (v, m.group(0))
    return best


_ARTICLE = r"(?:(?P<art>un|una|uno|il|la|lo|a|an|the|one)\s+|(?P<apo>un'|l')\s*)?"


@lru_cache(maxsize=256)
def _product_pattern(names: tuple[str, ...]) -> re.Pattern[str]:
    """One alternation of the (normalised) names, longest first: at a position the longest wins."""
    alts = sorted(names, key=len, reverse=True)
    body = "|".join(r"\s+".join(map(re.escape, n.split())) for n in alts)
    return re.compile(rf"(?<![\w@#/.-]){_ARTICLE}(?P<name>{body})(?![\w-]|\.\w)")


@lru_cache(maxsize=256)
def _catalogue(items: tuple[tuple[str, float], ...]) -> dict[str, tuple[str, float]]:
    """Normalised name (single spaces) → (name as configured, price)."""
    out: dict[str, tuple[str, float]] = {}
    for name, price in items:
        key = " ".join(normalise(name).split())
        if key:
            out[key] = (name.strip(), price)
    return out


def product_value(text: str, products: Mapping[str, float], lent: bool) -> Valuation | None:
    """The brand's product named in normalised ``text`` (whole words, any case; the longest name
    when several are), valued at its configured price, or a loan share of it."""
    if not products or not text:
        return None
    catalogue = _catalogue(tuple(sorted(products.items())))
    if not catalogue:
        return None
    best: re.Match[str] | None = None
    for m in _product_pattern(tuple(catalogue)).finditer(text):
        if best is None or len(m.group("name")) > len(best.group("name")):
            best = m
    if best is None:
        return None
    name, price = catalogue[" ".join(best.group("name").split())]
    article = (best.group("art") or best.group("apo") or "").strip()
    eur = round(price * LOAN_SHARE, 2) if lent else price
    return Valuation(eur, "product", name, article, lent)


def infer_value(kind: str, action_text: str, post_text: str, *, lent: bool,
                products: Mapping[str, float] | None = None) -> Valuation:
    """Estimate what ``kind`` gives, from normalised texts (the post says what was asked for) and
    the brand's price list (``products``: name → euros)."""
    if kind in ("reply", "like", "repost", "dm"):
        return Valuation(0.0, "default")
    amount = _amount(action_text)
    if amount is not None:
        return Valuation(amount, "amount", f"{amount:g} €")
    catalogue = products or {}
    if kind == "discount":
        pct = _PERCENT.search(action_text)
        if pct:
            named = (product_value(action_text, catalogue, False)
                     or product_value(post_text, catalogue, False))
            basket = named.eur if named else BASKET_EUR
            return Valuation(basket * int(pct.group(1)) / 100, "amount", pct.group(0))
    product = product_value(action_text, catalogue, lent)
    if product:
        return _times(product, action_text, asked=False)
    found = item_value(action_text, lent)
    if found:
        return _times(Valuation(found[0], "item", found[1]), action_text, asked=False)
    if kind in ("gift", "invite"):
        product = product_value(post_text, catalogue, lent)
        if product:
            return _times(product, post_text, asked=True)
        asked = item_value(post_text, lent)
        if asked:
            return _times(Valuation(asked[0], "asked", asked[1]), post_text, asked=True)
    return Valuation(KIND_DEFAULT_EUR.get(kind, 0.0), "default")


__all__ = ["ITEMS", "KIND_DEFAULT_EUR", "LOAN_SHARE", "Valuation", "infer_value", "item_value",
           "product_value"]
