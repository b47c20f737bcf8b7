"""The realness check's input and output: a proposed action in its situation, and the verdict.

These Structs are the ``reale assess`` JSON contract (docs/realness.md). Parsing is pure and turns
any bad input into a :class:`~reale.errors.DeskError` that names what was wrong.
"""

from __future__ import annotations

from typing import Literal

import msgspec

from reale.errors import DeskError

ActionKind = Literal["reply", "like", "repost", "gift", "discount", "invite", "dm"]
VerdictName = Literal["genuine", "care", "transactional"]

MAX_INPUT_BYTES = 1_000_000  # one situation; a post is a few kB at most
MAX_TEXT_CHARS = 20_000  # longer texts are refused: no network allows them
MAX_AMPLIFIERS = 10_000
MAX_PRODUCTS = 1_000
MAX_PRODUCT_NAME = 200
MAX_PRICE_EUR = 1e9
SHAPE = ('expected {"brand": {"name", "handle"}, "post": {"text", "author": {"handle"}, …}, '
         '"action": {"kind": reply|like|repost|gift|discount|invite|dm, …}} (docs/realness.md)')


class BrandRef(msgspec.Struct, frozen=True, kw_only=True):
    """The brand that would act. ``products`` (an extension of the contract) is its price list,
    name → euros: a post or an action that names one is valued at its price."""

    name: str = ""
    handle: str = ""
    products: dict[str, float] = {}


class AuthorRef(msgspec.Struct, frozen=True, kw_only=True):
    """Who wrote the post; ``followers`` is unknown when missing."""

    handle: str = ""
    followers: int | None = None


class PostRef(msgspec.Struct, frozen=True, kw_only=True):
    """The post the brand would answer. ``lang`` is guessed from the text when missing."""

    text: str
    network: str = ""
    lang: str | None = None
    author: AuthorRef = AuthorRef()
    created_at: str | float | None = None


class Action(msgspec.Struct, frozen=True, kw_only=True):
    """What the brand proposes to do. ``public`` and ``value_eur`` are inferred when missing."""

    kind: ActionKind
    text: str = ""
    value_eur: float | None = None
    public: bool | None = None


class Amplifier(msgspec.Struct, frozen=True, kw_only=True):
    """An account that reshared or echoed the post."""

    handle: str = ""
    followers: int | None = None
    close_to_author: bool = False


class Context(msgspec.Struct, frozen=True, kw_only=True):
    """What the desk knows about the relationship. Optional extensions of the contract:
    ``reach_percentile`` (0-1, the author's rank among the brand's mentioners), ``complaint``
    (whether a model judged the post a complaint; the lexicon decides when it is missing) and
    ``ask`` (true when a model judged the post an ask for goods, an appeal, which the lexicon
    may miss: "a box of pods for our office?")."""

    author_posts_about_brand: int | None = None
    partner: bool | None = None
    amplifiers: tuple[Amplifier, ...] = ()
    reach_percentile: float | None = None
    complaint: bool | None = None
    ask: bool | None = None


class Situation(msgspec.Struct, frozen=True, kw_only=True):
    """A proposed action and everything around it."""

    brand: BrandRef
    post: PostRef
    action: Action
    context: Context = Context()


class Verdict(msgspec.Struct, frozen=True, kw_only=True):
    """How the exchange will read to everyone watching."""

    verdict: VerdictName
    risk: float
    reasons: list[str]
    advice: list[str]


def _check(s: Situation) -> Situation:
    if not (s.brand.name.strip() or s.brand.handle.strip()):
        raise DeskError("situation: `brand` needs a `name` or a `handle`")
    if len(s.post.text) > MAX_TEXT_CHARS or len(s.action.text) > MAX_TEXT_CHARS:
        raise DeskError(f"situation: a text is longer than {MAX_TEXT_CHARS:,} characters")
    if s.action.value_eur is not None and not 0 <= s.action.value_eur < 1e12:
        raise DeskError("situation: `action.value_eur` must be a number ≥ 0")
    if s.post.author.followers is not None and s.post.author.followers < 0:
        raise DeskError("situation: `post.author.followers` must be ≥ 0")
    _check_products(s.brand.products, "situation: `brand.products`")
    ctx = s.context
    if ctx.author_posts_about_brand is not None and ctx.author_posts_about_brand < 0:
        raise DeskError("situation: `context.author_posts_about_brand` must be ≥ 0")
    if ctx.reach_percentile is not None and not 0 <= ctx.reach_percentile <= 1:
        raise DeskError("situation: `context.reach_percentile` must be between 0 and 1")
    if len(ctx.amplifiers) > MAX_AMPLIFIERS:
        raise DeskError(f"situation: more than {MAX_AMPLIFIERS:,} amplifiers")
    return s


def _check_products(products: dict[str, float], where: str) -> None:
    if len(products) > MAX_PRODUCTS:
        raise DeskError(f"{where}: more than {MAX_PRODUCTS:,} products")
    for name, price in products.items():
        if not name.strip() or len(name) > MAX_PRODUCT_NAME:
            raise DeskError(f"{where}: a product name must be 1 to {MAX_PRODUCT_NAME} characters, "
                            f"got {name[:40]!r}")
        if not 0 <= price < MAX_PRICE_EUR:
            raise DeskError(f"{where}: the price of {name!r} must be a number of euros ≥ 0")


def parse_situation(raw: bytes | str) -> Situation:
    """Decode one JSON situation; raise :class:`DeskError` saying what is wrong with it."""
    if len(raw) > MAX_INPUT_BYTES:
        raise DeskError(f"situation: input is larger than {MAX_INPUT_BYTES:,} bytes")
    if isinstance(raw, bytes):
        try:
            raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise DeskError(f"situation: input is not valid UTF-8 (byte {exc.start})") from None
    if not raw.strip():
        raise DeskError("situation: input is empty; expected one JSON object")
    try:
        situation = msgspec.json.decode(raw, type=Situation)
    except msgspec.ValidationError as exc:
        raise DeskError(f"situation: {exc}; {SHAPE}") from None
    except msgspec.DecodeError as exc:
        raise DeskError(f"situation: not valid JSON: {exc}") from None
    except RecursionError:
        raise DeskError("situation: not valid JSON: nested too deeply") from None
    except UnicodeEncodeError:
        raise DeskError("situation: input is not valid Unicode (a lone surrogate)") from None
    return _check(situation)


def situation_from_dict(data: dict[str, object]) -> Situation:
    """Build a situation from already-decoded JSON (used by the suite and other tools)."""
    try:
        return _check(msgspec.convert(data, Situation))
    except msgspec.ValidationError as exc:
        raise DeskError(f"situation: {exc}; {SHAPE}") from None


def encode_verdict(verdict: Verdict) -> bytes:
    """The verdict as one line of JSON."""
    return msgspec.json.encode(verdict)


def with_products(situation: Situation, products: dict[str, float]) -> Situation:
    """Give the brand its configured price list when the situation does not carry one."""
    if situation.brand.products or not products:
        return situation
    brand = msgspec.structs.replace(situation.brand, products=dict(products))
    return msgspec.structs.replace(situation, brand=brand)


def with_known_partners(situation: Situation, partners: tuple[str, ...]) -> Situation:
    """Mark the author as a paid partner when the brand's config lists them and the caller did
    not say either way."""
    if situation.context.partner is not None or not partners:
        return situation
    handle = situation.post.author.handle.lower().lstrip("@")
    if not handle or handle not in {p.lower().lstrip("@") for p in partners}:
        return situation
    ctx = msgspec.structs.replace(situation.context, partner=True)
    return msgspec.structs.replace(situation, context=ctx)


__all__ = [
    "Action",
    "ActionKind",
    "Amplifier",
    "AuthorRef",
    "BrandRef",
    "Context",
    "PostRef",
    "Situation",
    "Verdict",
    "VerdictName",
    "encode_verdict",
    "parse_situation",
    "situation_from_dict",
    "with_known_partners",
    "with_products",
]
