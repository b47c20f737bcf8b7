"""``reale query check EXPR`` and ``reale query test EXPR FILE``: try a watch-query before
putting it in the config (the language is described in docs/match.md)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from reale.errors import RealeError, SourceError
from reale.events import Mention, Post
from reale.run.printer import terminal_safe

_EPILOG = """examples:
  reale query check '"alfa romeo" NOT (usata OR noleggio)'
  reale query test '#fiat OR @fiat.bsky.social' recordings/jetstream.jsonl --ids
"""


class _ExprParser(argparse.ArgumentParser):
    """A parser whose positionals may start with ``-``: only its own option strings (``-h``,
    ``--ids``…) are options, so ``reale query check '-spam'`` reaches the query parser, which
    explains that ``-`` is not an operator, instead of argparse's "expected one argument"."""

    def _parse_optional(self, arg_string: str) -> Any:
        if arg_string.split("=", 1)[0] not in self._option_string_actions:
            return None
        return super()._parse_optional(arg_string)


def register(sub: Any) -> None:
    query = sub.add_parser("query", help="check a watch-query or try it on recorded posts",
                           description="Check a watch-query, or try it on a file of posts.",
                           epilog=_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = query.add_subparsers(dest="query_command", metavar="COMMAND", required=True,
                                    parser_class=_ExprParser)
    check = commands.add_parser(
        "check", help="parse EXPR and print it normalised (exit 2 with the error otherwise)",
        description="Parse EXPR and print it in normalised form: folded (lower case, no "
        "accents), with every implicit AND and every grouping made explicit.")
    check.add_argument("expr", metavar="EXPR", help="the query, quoted for the shell")
    check.set_defaults(func=run_check)
    test = commands.add_parser(
        "test", help="print the posts of FILE that EXPR matches",
        description="Print the posts of FILE that EXPR matches, with the matched words in "
        "[brackets]. FILE holds one event a line in any supported wire format (Jetstream, "
        "Mastodon, X API v2, Reale JSONL).")
    test.add_argument("expr", metavar="EXPR", help="the query, quoted for the shell")
    test.add_argument("file", metavar="FILE", help="a recording, one JSON event a line")
    test.add_argument("--ids", action="store_true", help="print only the matching posts' ids "
                      "(URIs), one a line")
    test.set_defaults(func=run_test)


def run_check(args: argparse.Namespace) -> int:
    from reale.match import parse_query, to_text

    print(to_text(parse_query(args.expr)))
    return 0


def run_test(args: argparse.Namespace) -> int:
    from reale.match import Matcher

    matcher = Matcher.from_query(args.expr)
    if not Path(args.file).is_file():
        why = "it is a folder" if Path(args.file).is_dir() else "no such file"
        raise SourceError(f"cannot read {args.file}: {why}")
    try:
        from reale.sources.replay import ReplayStats, check_json_lines, iter_file_posts
    except ImportError as exc:  # pragma: no cover - the sources part provides it
        raise RealeError("reading recordings needs reale.sources.replay, which is missing "
                         "from this installation") from exc
    check_json_lines(args.file)
    seen = matched = 0
    stats = ReplayStats()
    for post in iter_file_posts(args.file, stats):
        seen += 1
        mentions = matcher.match(post)
        if not mentions:
            continue
        matched += 1
        print(terminal_safe(post.uri) if args.ids else _describe(post, mentions[0]))
    skipped = stats.bad + stats.unknown + stats.too_long
    print(f"{matched} of {seen} posts matched" + (f" ({skipped:,} lines skipped)" if skipped else ""),
          file=sys.stderr)
    return 0


def _describe(post: Post, mention: Mention) -> str:
    """``URI @author: text`` on one line, the matched spans in [brackets]."""
    text, cuts = post.text, sorted({(s.start, s.end) for s in mention.spans})
    marked, last = [], 0
    for start, end in cuts:
        if start < last:
            continue
        marked += [text[last:start], "[", text[start:end], "]"]
        last = end
    marked.append(text[last:])
    who = post.author.handle or post.author.id
    return terminal_safe(f"{post.uri} @{who}: {''.join(marked)}")
