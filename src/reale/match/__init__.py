"""Watch-queries: parse them, compile every brand's queries into one matcher, match posts.

    >>> from reale.match import Matcher, parse_query
    >>> from reale.config import BrandConfig
    >>> m = Matcher.from_brands([BrandConfig(name="alfa", queries=('"alfa romeo" NOT usata',))])

The language is described in ``docs/match.md``.
"""

from reale.match.ast import (
    And,
    From,
    Handle,
    Lang,
    Near,
    Node,
    Not,
    Or,
    Phrase,
    Tag,
    Word,
    to_text,
)
from reale.match.compile import QuerySource
from reale.match.matcher import Matcher
from reale.match.parser import parse_query
from reale.match.reload import QueryReloader

__all__ = [
    "And",
    "From",
    "Handle",
    "Lang",
    "Matcher",
    "Near",
    "Node",
    "Not",
    "Or",
    "Phrase",
    "QueryReloader",
    "QuerySource",
    "Tag",
    "Word",
    "parse_query",
    "to_text",
]
