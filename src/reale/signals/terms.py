"""Terms of a post for moment detection: lower-cased words and hashtags, stop words dropped,
bounded per post (a hostile 100 kB post yields at most ``limit`` terms)."""

from __future__ import annotations

import re

_URL = re.compile(r"https?://\S+|www\.\S+|@[\w.-]+", re.IGNORECASE)  # links and @handles
_ELISION = re.compile(r"^(?:[a-z]{1,4})['’](?=\w)")  # l'unica, dell'auto, c'è: keep the word
_TOKEN = re.compile(r"[#@]?[^\W_][\w'’-]*", re.UNICODE)
MAX_TEXT = 4_000

_STOP_TEXT = """
a about after again all also am an and any are as at be because been before being but by can
could did do does doing don done down for from get got had has have having he her here hers him
his how i if in into is it its it's just like me more most my no not now of off on once only or
other our out over own rt same she should so some such than that the their them then there these
they this those through to too under until up very via was we were what when where which while
who whom why will with would you your yours yes im i'm dont can't cant amp one two new see still
il lo la i gli le un uno una di da in con su per tra fra e ed o ma se che chi cui non si ci ne
mi ti vi del dello della dei degli delle al allo alla ai agli alle dal dallo dalla dai dagli
dalle nel nello nella nei negli nelle sul sullo sulla sui sugli sulle come anche più piu già gia
sono sei è e' era erano essere ho hai ha abbiamo avete hanno questo questa questi queste quello
quella quelli quelle suo sua suoi sue mio mia tuo tua nostro nostra loro lui lei noi voi io tu
molto poco tutto tutti tutte ancora dopo prima quando dove perché perche cosa così cosi fa fare
oggi ieri domani solo sempre mai poi qui qua lì là c'è ce via
due tre quattro cinque sei sette otto nove dieci three four five six seven eight nine ten
"""
STOPWORDS = frozenset(_STOP_TEXT.split())


def terms(text: str, hashtags: tuple[str, ...] = (), limit: int = 32) -> list[str]:
    """Unique terms in order of appearance; hashtags keep their ``#``.

    >>> terms("RT The lights went OUT at the #SuperBowl!! https://x.co/a lol", ("SuperBowl",))
    ['#superbowl', 'lights', 'went', 'lol']
    """
    out: dict[str, None] = {}
    for tag in hashtags:
        t = "#" + tag.lower().lstrip("#")
        if len(t) > 2:
            out[t] = None
    body = _URL.sub(" ", text[:MAX_TEXT])
    for m in _TOKEN.finditer(body):
        if len(out) >= limit:
            break
        tok = _ELISION.sub("", m.group(0).lower()).strip("'’-")
        if tok.startswith("@") or tok in STOPWORDS or tok.isdigit():
            continue
        if len(tok) >= 3:
            out[tok] = None
    return list(out)[:limit]
