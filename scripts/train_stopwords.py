"""Derive the English and Italian stop words of the moment detector from ../shared/data
(``make train``): writes src/reale/signals/stopwords.json.

A word is a stop word of a language when it is common in *most* of that language's corpora: its
document frequency (share of posts containing it) reaches ``--min-df`` in at least ``k`` of them.
Words common in one corpus only are its topic (SENTIPOLC's "monti", CrisisLex's "terremoto") and
stay terms. Names stay terms too: a word written capitalised in at least ``--name-share`` of its
uses after a text's first word ("Italia", "Roma"). So do the tragic, violent and divisive cue
words of the safety read. A short seed of closed-class words (articles, prepositions, pronouns,
auxiliaries, number words), too rare in small corpora to be found, is added as is. The same data
gives the same file, byte for byte.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from reale.signals.lexicons import lexicon  # noqa: E402
from reale.signals.terms import cased_words  # noqa: E402
from reale.understand.data import shared_data  # noqa: E402

OUT = ROOT / "src" / "reale" / "signals" / "stopwords.json"
CORPORA = {
    "en": ("sentiment/en/train.jsonl", "emotion/en/train.jsonl", "irony/en/train.jsonl",
           "offensive/en/train.jsonl", "complaints/en/train.jsonl", "speech-acts/en/train.jsonl"),
    "it": ("sentiment/it/train.jsonl", "emotion/it/feel-it.jsonl",
           "bursts/crisislex-t26/2012_Italy_earthquakes/2012_Italy_earthquakes-tweets_labeled.csv"),
}
# Closed-class words: they carry no topic whatever their frequency in our small corpora.
SEED = {
    "en": """about after again also because been before being both could did does doing done down
    during each few from further had has have having her here hers herself him himself his how
    into its itself just more most myself nor once only other ours ourselves over own same she
    should some such than that the their theirs them themselves then there these they this those
    through too under until very was were what when where which while who whom why will with
    would you your yours yourself yourselves don't can't won't isn't it's i'm dont cant im
    upon within without among onto whose whether although though unless whereas shall
    couldn't wouldn't shouldn't didn't wasn't weren't haven't hasn't hadn't aren't doesn't
    i've i'll i'd you're you've you'll they're we're that's what's let's there's
    three four five six seven eight nine ten""",
    "it": """allo alla agli alle dallo dalla dagli dalle dello della degli delle nello nella
    negli nelle sullo sulla sugli sulle col coi questo questa questi queste
    quello quella quelli quelle suoi sue tuo tua tuoi tue nostro nostra nostri nostre vostro
    vostra vostri vostre loro lui lei noi voi erano essere abbiamo avete hanno sono stato stata
    molto poco tutto tutti tutte ancora dopo prima quando dove perché perche cosa così cosi fare
    oggi ieri domani solo sempre mai poi qui qua già gia più piu anche come mentre però quindi
    oppure anzi cioè ossia poiché sebbene affinché tuttavia nemmeno neanche neppure
    quattro cinque sette otto nove dieci""",
}


def texts(path: Path) -> Iterator[str]:
    if path.suffix == ".csv":
        with path.open(encoding="utf-8", newline="") as f:
            rows = csv.reader(f)
            next(rows)
            for row in rows:
                if len(row) > 1:
                    yield row[1]
        return
    with path.open(encoding="utf-8") as f:
        for line in f:
            yield str(json.loads(line)["text"])


def doc_freq(path: Path) -> tuple[Counter[str], int, Counter[str], Counter[str]]:
    """Posts containing each word, posts read, and uses after the first word (all, capitalised)."""
    df: Counter[str] = Counter()
    uses: Counter[str] = Counter()
    capitalised: Counter[str] = Counter()
    n = 0
    for text in texts(path):
        n += 1
        found = cased_words(text)
        df.update({w for w, _ in found})
        for w, cap in found[1:]:
            uses[w] += 1
            capitalised[w] += cap
    return df, n, uses, capitalised


def derive(data: Path, lang: str, min_df: float, k: int, name_share: float) -> dict[str, object]:
    freqs = [(rel, *doc_freq(data / rel)) for rel in CORPORA[lang]]
    cues = [lexicon(name) for name in ("tragic", "violent", "divisive")]
    uses: Counter[str] = sum((u for *_, u, _ in freqs), Counter())
    caps: Counter[str] = sum((c for *_, c in freqs), Counter())
    chosen, names = [], []
    for w in set().union(*(df for _, df, *_ in freqs)):
        shares = sorted((df[w] / n for _, df, n, *_ in freqs), reverse=True)
        if shares[k - 1] < min_df or any(w in cue for cue in cues):
            continue
        if uses[w] and caps[w] / uses[w] >= name_share:
            names.append(w)
        else:
            chosen.append((-shares[k - 1], w))
    found = {w for _, w in chosen}
    seed = sorted(set(SEED[lang].split()) - found)
    return {"seed": seed,"corpora": [{"path": rel, "posts": n} for rel, _, n, *_ in freqs],
            "kept_as_names": sorted(names), "words": [w for _, w in sorted(chosen)] + seed}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--out", type=Path, default=OUT)
    p.add_argument("--min-df", type=float, default=0.003)
    p.add_argument("--k", type=int, default=None, help="corpora a word must be common in (default: all)")
    p.add_argument("--name-share", type=float, default=0.6)
    args = p.parse_args(argv)
    data = shared_data(Path(__file__))
    langs = {}
    for lang, corpora in CORPORA.items():
        k = len(corpora) if args.k is None else args.k
        langs[lang] = {"min_df": args.min_df, "in_corpora": k, "name_share": args.name_share,
                       **derive(data, lang, args.min_df, k, args.name_share)}
        print(f"{lang}: {len(langs[lang]['words'])} stop words "  # type: ignore[arg-type]
              f"(document frequency >= {args.min_df:.2%} in >= {k} of {len(corpora)} corpora)")
    doc = {"about": "Stop words for moment terms, derived by scripts/train_stopwords.py from the "
                    "labelled sets in ../shared/data (most common first).",
           "languages": langs}
    args.out.write_text(json.dumps(doc, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
