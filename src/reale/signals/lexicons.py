"""Word lists (English and Italian) for the moment safety read and the default labeller.

An entry ending in ``*`` matches any word with that prefix. Written for this project: short,
high-precision cue words, not a full sentiment lexicon.
"""

from __future__ import annotations

from functools import cache

TRAGIC = """
dead death deaths died dies dying killed victim victims tragedy tragic mourning mourn condolences
rip r.i.p funeral earthquake quake tsunami flood flooding floods landslide collapse collapsed
crash crashed derail* disaster missing injured wounded casualties bodies rescue rescuers evacuat*
wildfire bushfire typhoon hurricane cyclone famine epidemic pandemic overdose suicide drowned
shipwreck explosion blast fatal fatalities grief heartbroken
morto morti morta morte muore deceduto decedut* vittima vittime tragedia tragico tragica lutto
cordoglio condoglianze funerale funerali terremoto sisma scossa alluvione esondazione frana crollo
crollat* incidente deragliat* disastro dispersi ferito feriti soccors* sfollat* evacuat* incendio
naufragio annegat* schianto esplosione strage epidemia suicidio lutti addio
"""

VIOLENT = """
shooting shootings shooter gunman gunfire stabbing stabbed attack attacks attacked bomb bombing
bomber terror terrorist terrorism massacre murder murdered homicide hostage hostages war warfare
missile missiles airstrike assault assaulted riot riots violence violent abuse abused rape raped
kidnap* beating lynch* genocide execution executed torture domestic-violence femicide
sparatoria spari sparato accoltellat* attentato attentati bomba bombe terrorismo terrorista
terroristi massacro omicidio omicidi femminicidio ostaggio ostaggi guerra missili bombardament*
aggressione aggredit* violenza violenze stupro stuprat* rissa uccis* uccide rapit* rapimento
pestaggio tortura genocidio
"""

DIVISIVE = """
election elections vote voting ballot referendum government president senate congress parliament
immigration immigrants migrants refugees border abortion prolife prochoice guns gun-control nra
religion religious islam muslim christian jewish racism racist protest protests protesters strike
politics political party partisan left-wing right-wing conservative liberal democrat republican
trump biden brexit vaccine vaccines lockdown
elezioni elettorale voto votare referendum governo premier ministro parlamento senato migranti
immigrati immigrazione profughi sbarchi confini aborto religione islam musulmani razzismo razzista
manifestazione corteo sciopero politica politico partito sinistra destra fascismo fascista
comunista lega pd vaccino vaccini green-pass
"""

POSITIVE = """
love loved lovely great awesome amazing happy haha hahaha lol lmao funny fun win won best
congrats congratulations beautiful excited yay wow brilliant genius perfect enjoy enjoyed cool
good nice thanks thank glad proud epic legend
bello bella belli bellissimo bellissima grande grandi grazie felice felici amore divertente
fantastico fantastica vittoria evviva auguri ahah ahahah ahahah* bravo bravi brava geniale perfetto
spettacolo stupendo meraviglioso top mitico
"""

NEGATIVE = """
hate hated terrible awful sad angry worst bad fail failed scared afraid horrible disgusting shame
shameful outrage outraged furious broken ugly sucks disappointed disappointing pathetic useless
tragic heartbroken sorry worried
brutto brutta schifo schifoso triste rabbia peggio peggiore paura vergogna vergognoso odio orribile
terribile delusione deluso delusa inutile pessimo pessima arrabbiato arrabbiata furioso
"""

FEAR = """
scared afraid fear fears terrified terrifying panic worried worry anxious anxiety help pray
praying frightening frightened scary nightmare alarm
paura terrore terrorizzat* panico preoccupato preoccupata preoccupati ansia aiuto pregate
preghiamo spavento spaventat* incubo allarme
"""

ANGER = """
angry anger furious outrage outraged disgusting disgrace shame rage hate wtf unacceptable
scandal scandalous fuming livid
rabbia arrabbiato arrabbiata arrabbiati vergogna schifo indignato indignata indignazione furioso
furiosa basta odio inaccettabile scandalo scandaloso vergognatevi
"""

SADNESS = """
sad sadness heartbroken heartbreaking cry crying tears mourn mourning rip grief sorrow miss
triste tristezza piangere piango lacrime lutto addio dolore cordoglio condoglianze
"""

JOY = """
happy joy lol haha hahaha lmao love fun yay excited celebrate celebrating congrats
felice gioia ahah ahahah evviva divertente festa festeggiare auguri amore
"""


class Lexicon:
    """Exact words plus ``prefix*`` entries.

    >>> lex = Lexicon("crash evacuat*")
    >>> lex.hits(["crash", "evacuation", "cash"])
    ['crash', 'evacuation']
    """

    __slots__ = ("prefixes", "words")

    def __init__(self, text: str) -> None:
        entries = text.split()
        self.words = frozenset(e for e in entries if not e.endswith("*"))
        self.prefixes = tuple(sorted({e[:-1] for e in entries if e.endswith("*")}))

    def __contains__(self, word: object) -> bool:
        if not isinstance(word, str):
            return False
        w = word.lstrip("#")
        return w in self.words or w.startswith(self.prefixes) if self.prefixes else w in self.words

    def hits(self, words: list[str]) -> list[str]:
        return [w for w in words if w in self]


_TEXTS = {"tragic": TRAGIC, "violent": VIOLENT, "divisive": DIVISIVE, "positive": POSITIVE,
          "negative": NEGATIVE, "fear": FEAR, "anger": ANGER, "sadness": SADNESS, "joy": JOY}


@cache
def lexicon(name: str) -> Lexicon:
    """One of: tragic, violent, divisive, positive, negative, fear, anger, sadness, joy."""
    return Lexicon(_TEXTS[name])
