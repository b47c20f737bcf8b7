"""Recursive-descent parser for watch-queries, with explicit limits against hostile input.

Precedence, loosest first: ``OR``; ``AND`` (also implicit between adjacent terms, and binary
``a NOT b`` meaning ``a AND NOT b``); unary ``NOT``; ``NEAR/n``; terms and parentheses.
"""

from __future__ import annotations

from collections.abc import Callable

from reale.match.ast import And, Near, Node, Not, Or, Phrase, Word, iter_nodes
from reale.match.lexer import Token, fail, tokenize
from reale.match.terms import term_node, words_node

MAX_DEPTH = 50  # nested parentheses and NOTs
MAX_TERMS = 500  # terms in one query

_STARTS_OPERAND = {"(", "NOT", "PHRASE", "TERM"}


class _Parser:
    def __init__(self, query: str) -> None:
        self.query = query
        self.tokens = tokenize(query)
        self.i = 0
        self.depth = 0
        self.terms = 0

    @property
    def tok(self) -> Token:
        return self.tokens[self.i]

    def take(self) -> Token:
        token = self.tokens[self.i]
        self.i += 1
        return token

    def parse(self) -> Node:
        if self.tok.kind == "END":
            raise fail(self.query, 0, "the query is empty", "a term", "q.empty")
        node = self.or_expr()
        if self.tokens[self.i].kind != "END":  # (or_expr moved on: re-read the token)
            raise fail(self.query, self.tok.pos, f"expected AND, OR, NOT or the end of the query, "
                       f"found {self.tok.text!r}", "an operator", "q.operator",
                       found=repr(self.tok.text))
        return node

    def or_expr(self) -> Node:
        children = [self.and_expr()]
        while self.tok.kind == "OR":
            self.take()
            children.append(self.and_expr())
        return _flat(Or, children)

    def and_expr(self) -> Node:
        children = [self.unary()]
        while True:
            kind = self.tok.kind
            if kind == "AND":
                self.take()
                children.append(self.unary())
            elif kind == "NOT":  # binary: a NOT b
                self.take()
                children.append(Not(self.nested(self.unary)))
            elif kind in _STARTS_OPERAND:  # implicit AND
                children.append(self.unary())
            else:
                return _flat(And, children)

    def unary(self) -> Node:
        if self.tok.kind == "NOT":
            self.take()
            return Not(self.nested(self.unary))
        return self.near_expr()

    def near_expr(self) -> Node:
        start = self.tok.pos
        left = self.primary()
        if self.tok.kind != "NEAR":
            return left
        near = self.take()
        right_pos = self.tok.pos
        right = self.primary()
        _check_near_operand(self.query, left, start)
        _check_near_operand(self.query, right, right_pos)
        if self.tok.kind == "NEAR":
            raise fail(self.query, self.tok.pos, "NEAR cannot be chained (group one side with "
                       "OR in parentheses, or join two NEARs with AND): found a second NEAR",
                       "AND", "q.near_chain")
        return Near(left, right, near.number)

    def nested(self, parse: Callable[[], Node]) -> Node:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise fail(self.query, self.tok.pos, f"the query nests too deeply (more than "
                       f"{MAX_DEPTH} levels of parentheses and NOT)", "a flatter query",
                       "q.deep", most=MAX_DEPTH)
        node = parse()
        self.depth -= 1
        return node

    def primary(self) -> Node:
        token = self.tok
        if token.kind == "(":
            self.take()
            node = self.nested(self.or_expr)
            if self.tok.kind != ")":
                raise fail(self.query, self.tok.pos, "expected ')'", "')'", "q.paren")
            self.take()
            return node
        if token.kind in ("PHRASE", "TERM"):
            self.take()
            self.terms += 1
            if self.terms > MAX_TERMS:
                raise fail(self.query, token.pos, f"too many terms (at most {MAX_TERMS})",
                           "a shorter query", "q.terms", most=MAX_TERMS)
            if token.kind == "PHRASE":
                return words_node(token.text, query=self.query, pos=token.pos + 1)
            return term_node(token.text, query=self.query, pos=token.pos)
        if token.kind == "END":
            raise fail(self.query, token.pos, "expected a term, a phrase or '(', found the end "
                       "of the query", "a term", "q.term_at_end")
        raise fail(self.query, token.pos, f"expected a term, a phrase or '(', found "
                   f"{token.text!r}", "a term", "q.term", found=repr(token.text))


def _flat(kind: type[And] | type[Or], children: list[Node]) -> Node:
    if len(children) == 1:
        return children[0]
    flat: list[Node] = []
    for child in children:
        flat.extend(child.children if isinstance(child, kind) else (child,))
    return kind(tuple(flat))


def _check_near_operand(query: str, node: Node, pos: int) -> None:
    for part in iter_nodes(node):
        if not isinstance(part, Word | Phrase | Or):
            raise fail(query, pos, "NEAR works on words, phrases, wildcards and OR-groups of "
                       "them", "a word or phrase", "q.near_operand")


def parse_query(text: str) -> Node:
    """Parse a watch-query; raises ``reale.errors.QueryError`` naming the position and the
    expected token.

    >>> from reale.match.ast import to_text
    >>> to_text(parse_query('Fiat "Alfa Romeo" OR perché NOT spam'))
    '(fiat AND "alfa romeo") OR (perche AND NOT spam)'
    """
    return _Parser(text).parse()
