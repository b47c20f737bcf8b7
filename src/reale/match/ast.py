"""The parsed form of a watch-query: small frozen nodes, and their canonical text.

Every string in a node is already folded (see :mod:`reale.match.normalize`), so two queries that
mean the same thing produce equal trees, and ``to_text`` prints the form ``reale query check`` shows.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Word:
    """One word; with ``prefix`` it is a trailing wildcard (``auto*``)."""

    text: str
    prefix: bool = False


@dataclass(frozen=True, slots=True)
class Phrase:
    """Two or more words in this order, separated only by non-word characters."""

    words: tuple[Word, ...]


@dataclass(frozen=True, slots=True)
class Tag:
    """A hashtag, without its ``#``."""

    name: str


@dataclass(frozen=True, slots=True)
class Handle:
    """An account the post mentions or replies to, without its ``@``."""

    name: str


@dataclass(frozen=True, slots=True)
class Lang:
    """``lang:xx``: the post declares this language (or a regional variant of it)."""

    code: str


@dataclass(frozen=True, slots=True)
class From:
    """``from:handle``: the post's author has this handle or account id."""

    handle: str


@dataclass(frozen=True, slots=True)
class And:
    children: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Or:
    children: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Not:
    child: Node


@dataclass(frozen=True, slots=True)
class Near:
    """``left NEAR/distance right``: at most ``distance`` words between them, either order."""

    left: Node
    right: Node
    distance: int


Term = Word | Phrase | Tag | Handle | Lang | From
Node = Word | Phrase | Tag | Handle | Lang | From | And | Or | Not | Near


def to_text(node: Node) -> str:
    """The canonical query text of ``node``; parsing it gives ``node`` back."""
    if isinstance(node, Word):
        return node.text + ("*" if node.prefix else "")
    if isinstance(node, Phrase):
        return '"' + " ".join(to_text(w) for w in node.words) + '"'
    if isinstance(node, Tag):
        return "#" + node.name
    if isinstance(node, Handle):
        return "@" + node.name
    if isinstance(node, Lang):
        return "lang:" + node.code
    if isinstance(node, From):
        return "from:" + node.handle
    if isinstance(node, Not):
        return "NOT " + _wrap(node.child, (And, Or, Near))
    if isinstance(node, And):
        return " AND ".join(_wrap(c, (Or, And)) for c in node.children)
    if isinstance(node, Or):
        return " OR ".join(_wrap(c, (And, Or)) for c in node.children)
    return f"{_wrap(node.left, (And, Or, Not, Near))} NEAR/{node.distance} " + _wrap(
        node.right, (And, Or, Not, Near)
    )


def _wrap(node: Node, kinds: tuple[type, ...]) -> str:
    text = to_text(node)
    return f"({text})" if isinstance(node, kinds) else text


def iter_nodes(node: Node) -> list[Node]:
    """``node`` and all its descendants, parents first (iterative: no recursion limit)."""
    out: list[Node] = []
    stack: list[Node] = [node]
    while stack:
        current = stack.pop()
        out.append(current)
        if isinstance(current, And | Or):
            stack.extend(reversed(current.children))
        elif isinstance(current, Not):
            stack.append(current.child)
        elif isinstance(current, Near):
            stack.extend((current.right, current.left))
    return out
