"""A deterministic workload for the matcher benchmark: 10,000 watch terms and Jetstream-like
JSON lines of real post texts (../shared/data sentiment sets when present, else generated),
about 2% of which contain a watched term.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass

from reale.bench._shared import shared_data
from reale.config import BrandConfig

_SYLLABLES = ("ka", "lo", "ri", "ven", "dor", "mi", "tas", "quo", "zel", "bri", "nu", "far",
              "tek", "vi", "sol", "mar", "gio", "pel", "ux", "ran", "cor", "ly", "zo", "fen")
_COMMON = ("service", "pro", "store", "app", "news", "italia", "official", "shop", "club",
           "servizio", "clienti", "nuova", "card", "live", "team", "market", "caffè", "auto")
_PEOPLE = ("giulia", "marco", "sara", "luca", "anna", "paolo", "emma", "john", "kate", "mike",
           "laura", "tom", "chiara", "ale", "fede", "rossi", "smith", "bianchi", "lee", "news")
_TEMPLATES_EN = ("just tried the new {x} and honestly it's great", "why is {x} down again??",
                 "anyone else waiting for {x} to reply 🙄", "can't believe what {x} did today",
                 "my morning: coffee, rain, and a long queue at the station ☔")
_TEMPLATES_IT = ("qualcuno sa perché {x} non risponde?", "stamattina caffè e pioggia, che giornata",
                 "l'assistenza di {x} è stata gentilissima 👏", "ma davvero {x} ha fatto così?",
                 "finalmente weekend! si va al mare 🌊")


@dataclass(frozen=True)
class Workload:
    brands: tuple[BrandConfig, ...]
    terms: tuple[str, ...]  # every term as a user would type it (for the naive baselines)
    lines: tuple[bytes, ...]  # Jetstream v1 commit events, one JSON object each
    injected: int  # posts into which a watched term was written




def _names(rng: random.Random, count: int, banned: set[str]) -> list[str]:
    names: set[str] = set()
    while len(names) < count:
        name = "".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 4)))
        if name not in banned:
            names.add(name)
    return sorted(names)


def _texts(rng: random.Random, count: int) -> list[tuple[str, str]]:
    data = shared_data()
    texts: list[tuple[str, str]] = []
    if data is not None:
        for lang in ("en", "it"):
            path = data / "sentiment" / lang / "train.jsonl"
            if path.is_file():
                with path.open(encoding="utf-8") as fh:
                    texts += [(json.loads(line)["text"], lang) for line in fh]
    if not texts:
        for i in range(2000):
            lang = "it" if i % 3 == 0 else "en"
            template = rng.choice(_TEMPLATES_IT if lang == "it" else _TEMPLATES_EN)
            texts.append((template.format(x=rng.choice(_COMMON)), lang))
    rng.shuffle(texts)
    return [texts[i % len(texts)] for i in range(count)]


def _humanise(text: str, rng: random.Random, names: list[str]) -> str:
    """Real tweets with their placeholders filled by links and handles of unwatched accounts."""
    text = text.strip('"').replace("<URL>", "https://t.co/" + rng.choice(names))
    for marker in ("@user", "<MENTION_1>", "<MENTION_2>", "<MENTION_3>"):
        while marker in text:
            text = text.replace(marker, f"@{rng.choice(names)}{rng.randint(1, 99)}.bsky.social", 1)
    return text


def build(posts: int, seed: int = 7, n_terms: int = 10_000, rate: float = 0.02) -> Workload:
    """10,000 terms (handles, hashtags, words, 2-3 word phrases) over four brands' configs."""
    rng = random.Random(seed)
    corpus = _texts(rng, posts)
    vocabulary = {w.lower() for text, _ in corpus[:5000] for w in text.split()}
    names = _names(rng, n_terms, vocabulary)
    strangers = [f"{rng.choice(_PEOPLE)}{rng.choice(('', '_', '.'))}{rng.choice(_PEOPLE)}"
                 f"{rng.randint(1, 99)}" for _ in range(500)]
    quarter = n_terms // 4
    handles = [f"{n}.bsky.social" if i % 2 else n for i, n in enumerate(names[:quarter])]
    hashtags = names[quarter:2 * quarter]
    words = names[2 * quarter:3 * quarter + quarter // 5]
    phrases = [f"{n} {rng.choice(_COMMON)}" + (f" {rng.choice(_COMMON)}" if i % 3 == 0 else "")
               for i, n in enumerate(names[3 * quarter + quarter // 5:])]
    typed = ([f"@{h}" for h in handles] + [f"#{t}" for t in hashtags] + words + phrases)
    dids = [f"did:plc:{rng.getrandbits(100):025x}" for _ in range(4)]  # for replies to brands
    brands = tuple(
        BrandConfig(name=f"brand{b}", handles=(dids[b], *handles[b::4]),
                    hashtags=tuple(hashtags[b::4]),
                    keywords=tuple(words[b::4]) + tuple(phrases[b::4]))
        for b in range(4))
    lines, injected = [], 0
    for i, (raw, lang) in enumerate(corpus):
        text = _humanise(raw, rng, strangers)
        if rng.random() < rate:
            cut = text.find(" ", rng.randrange(max(len(text), 1)))
            term = rng.choice(typed)
            text = text + " " + term if cut < 0 else f"{text[:cut]} {term.title()}{text[cut:]}"
            injected += 1
        lines.append(_jetstream_line(i, text, lang, rng))
    return Workload(brands, tuple(typed), tuple(lines), injected)


def _jetstream_line(i: int, text: str, lang: str, rng: random.Random) -> bytes:
    did = f"did:plc:{rng.getrandbits(100):025x}"
    record: dict[str, object] = {
        "$type": "app.bsky.feed.post", "createdAt": "2026-07-04T14:38:06.240Z",
        "langs": [lang], "text": text,
    }
    if i % 3 == 0:
        parent = {"cid": "bafyrei" + "a" * 52,
                  "uri": f"at://did:plc:{rng.getrandbits(100):025x}/app.bsky.feed.post/3mpt{i}"}
        record["reply"] = {"parent": parent, "root": parent}
    event = {"did": did, "time_us": 1783175888085434 + i * 1000, "kind": "commit",
             "commit": {"rev": f"3mptbyp{i:06d}", "operation": "create",
                        "collection": "app.bsky.feed.post", "rkey": f"3mptby{i:07d}",
                        "record": record, "cid": "bafyrei" + "b" * 52}}
    return json.dumps(event, ensure_ascii=False).encode()
