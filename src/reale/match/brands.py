"""Turns brands' configs into the list of watch-queries the matcher compiles.

Per brand, in priority order: each handle (posts that mention or reply to it), each hashtag, each
keyword (a word or phrase, ``*`` allowed) and each boolean query.
"""

from __future__ import annotations

from collections.abc import Sequence

from reale.config import BrandConfig
from reale.errors import QueryError
from reale.match.compile import QuerySource
from reale.match.parser import parse_query
from reale.match.terms import brand_term


def brand_queries(brands: Sequence[BrandConfig]) -> list[QuerySource]:
    """Every watch-query of every brand; a bad one raises ``QueryError`` naming brand and entry."""
    out: list[QuerySource] = []
    for brand in brands:
        for kind, values in (("handles", brand.handles), ("hashtags", brand.hashtags),
                             ("keywords", brand.keywords)):
            out.extend(QuerySource(brand.name, v, brand_term(kind, v, brand.name)) for v in values)
        for number, text in enumerate(brand.queries, start=1):
            try:
                node = parse_query(text)
            except QueryError as exc:
                raise QueryError(f"brand {brand.name!r}, query {number}: {exc.args[0]}",
                                 query=exc.query, position=exc.position,
                                 expected=exc.expected) from exc
            out.append(QuerySource(brand.name, text, node))
    return out
