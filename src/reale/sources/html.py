"""Mastodon status HTML → plain text, safely (stdlib ``html.parser``: nothing is executed, no
markup survives). ``<p>`` and ``<br>`` become line breaks, entities are unescaped, mention links
become ``@acct``, hashtag links ``#tag``, other links their full ``href``.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

_DROP = frozenset(("script", "style", "template", "iframe", "object", "svg", "math", "head"))
_BLOCK = frozenset(("p", "div", "blockquote", "li", "ul", "ol", "pre", "h1", "h2", "h3",
                    "h4", "h5", "h6"))
_SPACES = re.compile(r"[ \t\r\f\v]+")
_BLANKS = re.compile(r"\n{3,}")


class _Extractor(HTMLParser):
    def __init__(self, mention_accts: dict[str, str]) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.links: list[str] = []
        self._accts = mention_accts
        self._drop_depth = 0
        self._in_link = 0  # >0 while inside an <a> whose text we replaced

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _DROP:
            self._drop_depth += 1
        elif tag == "br":
            self.parts.append("\n")
        elif tag in _BLOCK:
            self.parts.append("\n\n")
        elif tag == "a":
            self._start_link(dict(attrs))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "br":
            self.parts.append("\n")

    def _start_link(self, attrs: dict[str, str | None]) -> None:
        if self._in_link:
            self._in_link += 1
            return
        href = attrs.get("href") or ""
        classes = (attrs.get("class") or "").split()
        if "hashtag" in classes or ("mention" not in classes and attrs.get("rel") == "tag"):
            return  # keep the visible "#tag" text
        if "mention" in classes:
            acct = self._accts.get(href)
            if acct:
                self.parts.append("@" + acct)
                self._in_link = 1
            return
        if href.startswith(("http://", "https://")):
            self.parts.append(href)
            self.links.append(href)
            self._in_link = 1

    def handle_endtag(self, tag: str) -> None:
        if tag in _DROP:
            self._drop_depth = max(0, self._drop_depth - 1)
        elif tag in _BLOCK:
            self.parts.append("\n\n")
        elif tag == "a" and self._in_link:
            self._in_link -= 1

    def handle_data(self, data: str) -> None:
        if not self._drop_depth and not self._in_link:
            self.parts.append(data)


def html_to_text(html: str, mention_accts: dict[str, str] | None = None) -> tuple[str, list[str]]:
    """Plain text of a status's HTML ``content`` and the links it carried.

    ``mention_accts`` maps a mention link's ``href`` to the account's ``acct`` (from the
    status's ``mentions``), so remote mentions read ``@user@server`` as Mastodon shows them.

    >>> html_to_text('<p>Hi <a href="https://x.y/@a" class="u-url mention">@<span>a</span></a>'
    ...              '&amp; bye<br>next</p><p>para</p>', {"https://x.y/@a": "a@x.y"})[0]
    'Hi @a@x.y& bye\\nnext\\n\\npara'
    """
    if "<" not in html and "&" not in html:
        return html.strip(), []
    ex = _Extractor(mention_accts or {})
    ex.feed(html)
    ex.close()
    text = "".join(ex.parts)
    text = "\n".join(_SPACES.sub(" ", line).strip() for line in text.split("\n"))
    return _BLANKS.sub("\n\n", text).strip(), ex.links
