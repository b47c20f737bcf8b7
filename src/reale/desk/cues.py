"""Hand-written cue families, Italian and English, that the realness check reads from a text.

Each family is a list of regular expressions, compiled once on first use into one alternation.
They are lexicons, not models: each hit is quoted back in the reasons so a person can check it.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache, lru_cache
from typing import Literal

Family = Literal[
    "ask", "need", "demand", "complaint", "praise", "disclosure", "remedy", "repair",
    "promise", "discount_promise", "loan", "exchange",
]

_GIVE_EN = r"(?:send|give|lend|gift|loan|get|buy|ship)"
_GIVE_IT_VOI = (r"(?:regalate|regalereste|prestate|prestereste|mandate|mandereste|inviate|spedite|"
                r"date|dareste|offrite|offrireste|sponsorizzate|fate avere)")
_GIVE_IT_TU = r"(?:regala|regaleresti|presta|presteresti|manda|manderesti|dai|daresti|offri|offriresti)"
_A_IT = r"(?:una|un|uno|un')"

# What an exchange pays with: "in cambio di una recensione" is a deal, "in cambio di quello rotto"
# a swap.
_PROMO = (r"(?:(?:a|an|my|some|una|un|uno|qualche|la|il|delle|dei)\s+)?(?:\w+\s+)?(?:review|recension|"
          r"post|publicity|pubblicit|promo|video|shout|mention|menzion|tag|stories|stori[ae]|exposure|"
          r"unboxing|visibilit|advert|follow)")

FAMILIES: dict[Family, tuple[str, ...]] = {
    # Asking the brand for goods or favours: soliciting, the opposite of spontaneous.
    "ask": (
        rf"\b(?:can|could|would|will|won'?t) (?:you|u|y'all|you guys) (?:please |pls |plz )?{_GIVE_EN} me\b",
        rf"\b{_GIVE_EN} me (?:a|an|one|some|your|a free|free|the|that|this)\b",
        r"\b(?:gimme|hook me up|sponsor me|hit me up with)\b",
        rf"\b(?:who|anyone|anybody|somebody|someone)(?: wants to| can| could| will| willing to)? {_GIVE_EN}s? me\b",
        r"\b(?:can|could|may) i (?:have|get|borrow) (?:a |an |some |one of your )?(?:free|\w+ for free)\b",
        r"\bfree \w+ (?:please|pls|plz)\b",
        r"\b(?:where(?:'s| is) my free|i(?:'d| would) love (?:a|an|some) free)\b",
        rf"\bmi {_GIVE_IT_VOI}\b",
        rf"\bme (?:la|lo|li|le) {_GIVE_IT_VOI}\b",
        rf"\bmi {_GIVE_IT_TU} {_A_IT}",
        r"\b(?:regalatemi|prestatemi|mandatemi|inviatemi|speditemi|datemi|offritemi|sponsorizzatemi|"
        r"regalatemela|prestatemela|prestatemelo|mandatemela|mandatemelo|datemela|datemelo|"
        r"regalami|prestami|mandami|dammi|dammela|dammelo|prestamela|prestamelo|regalamela)\b",
        r"\b(?:chi|qualcuno|nessuno) mi (?:presta|regala|manda|dà|da|offre|sponsorizza|presterebbe)\b",
        rf"\bvorrei (?:tanto )?{_A_IT}.{{0,40}}\b(?:gratis|in regalo|in omaggio|in prestito)\b",
        r"\bcerco (?:uno |degli )?sponsor\b",
    ),
    # A need stated at the brand: an ask only when the post addresses the brand.
    "need": (
        r"\bi (?:really |desperately |urgently )?(?:need|want|would love|'d love|wish i had) (?:a|an|some|one of your|a new)\b",
        r"\bi'm in need of\b",
        rf"\b(?:mi )?(?:serve|servirebbe|occorre|occorrerebbe) {_A_IT}",
        rf"\b(?:ho|avrei) (?:proprio |davvero |urgente )?bisogno di {_A_IT}",
        rf"\bvorrei (?:tanto )?{_A_IT}",
    ),
    # Demanding compensation (not a remedy of the fault: something in exchange for it).
    "demand": (
        r"\b(?:compensate me|you owe me|make it up to me|what (?:are|will) you (?:going to )?give me)\b",
        r"\bi (?:want|demand|expect|deserve|need) (?:some |a |an )?(?:compensation|discount|voucher|"
        r"free \w+|gift card|credit|something for my trouble)\b",
        r"\b(?:risarcitemi|indennizzatemi|mi dovete|mi spetta|cosa mi date in cambio|che mi date in cambio)\b",
        r"\b(?:voglio|pretendo|esigo|merito) (?:un |il |uno |una )?(?:risarcimento|indennizzo|buono|"
        r"sconto|compensazione|regalo|omaggio)\b",
    ),
    "complaint": (
        r"\b(?:broken|doesn'?t work|does not work|not working|stopped working|still waiting|never arrived|"
        r"never received|hasn'?t arrived|didn'?t arrive|delayed|refund|terrible|worst|disappointed|"
        r"disappointing|cancell?ed my|charged twice|overcharged|wrong (?:order|item|size)|damaged|"
        r"missing|useless|awful|rude|no ?one answers|nobody answers|unacceptable|scam|fix (?:this|it)|"
        r"down again|outage|crash(?:ed|es)?|lost my|on hold|sucks|fed up|complaint|ruined|faulty)\b",
        r"\b(?:rott[oaie]|non funziona|non va più|ancora in attesa|mai arrivat[oaie]|non (?:è|e') arrivat[oaie]|"
        r"in ritardo|rimborso|pessim[oaie]|vergogna|delus[oaie]|deludente|sbagliat[oaie]|danneggiat[oaie]|"
        r"mancante|inutile|schifo|disservizio|guast[oaie]|bloccat[oaie]|nessuno risponde|inaccettabile|"
        r"truffa|addebitat[oaie] due volte|vergognatevi|reclamo|rovinat[oaie]|difettos[oaie])\b",
        r"\b(?:can'?t|cannot|won'?t|will not|unable to|not able to|couldn'?t|still can'?t) "
        r"(?:get|log ?in|login|sign ?in|access|connect|print|load|claim|change|find|download|use|"
        r"make|open|pay|cancel|reach|contact|see|watch|stream|send|receive|charge|update|install)\b",
        r"\b(?:(?<!no )problems?|issues? with|error|errors|stuck|stranded|charged me|bill shock|"
        r"rip-?off|scammed|never replied|no reply|no response|what gives|so mad|fault|pls help|"
        r"please help|not resolved?|did not resolve|didn'?t resolve|keeps? (?:crashing|logging|"
        r"freezing|dropping|failing)|crashing|died|dead again|gone off|went off|no service|"
        r"no signal|no coverage|no internet|been waiting|waiting for (?:my|a|the)|not happy|"
        r"poor service|bad service|customer service is|never again|cancel my)\b",
        r"\b(?:non (?:riesco|posso|si riesce|mi fa|mi permette|mi rispondete|risponde|"
        r"funzionano|arriva|carica|parte)|problem[ai]|errore|di nuovo (?:rott|guast|bloccat)\w*|"
        r"nessuna risposta|assistenza inesistente|addebit\w+|bolletta|aspetto da|sto aspettando|"
        r"si è rott[oa]|non sono soddisfatt[oa]|servizio pessimo|mai più)\b",
    ),
    # Spontaneous praise, thanks, greetings, #FollowFriday.
    "praise": (
        r"\b(?:love|loving|loved|thank you|thanks|thx|great|amazing|awesome|welcome|congrats|"
        r"congratulations|brilliant|beautiful|wonderful|kudos|shout ?out|recommend|fan of|well done|"
        r"delicious|perfect|proud|best \w+ ever|happy first day)\b",
        r"#(?:ff|followfriday|ffs?)\b|\bfollow ?friday\b",
        r"\b(?:grazie|bravi|bravissim[oaie]|brav[oa]|adoro|fantastic[oaie]|complimenti|auguri|"
        r"benvenut[oaie]|buon primo giorno|consiglio|bellissim[oaie]|ottim[oaie]|stupend[oaie]|"
        r"meraviglios[oaie]|il migliore|i migliori|che bello|evviva|innamorat[oaie]|buonissim[oaie]|"
        r"felice|orgoglios[oaie]|top)\b",
    ),
    # Labels that declare a relationship (IAP Digital Chart, AGCOM 2024, FTC); "#adv?" is a doubt.
    "disclosure": (
        r"#(?:adv|ad|ads|advertising|sponsored|sponsorizzat[oa]|pubblicità|pubblicita|suppliedby|"
        r"supplied_by|gifted|paidpartnership|prodottofornitoda)\b(?!\?)",
        r"\b(?:in collaborazione con|paid partnership|partnership retribuita|prodotto fornito da|"
        r"supplied by|sponsored by|sponsorizzat[oa] da|gifted by|regalato da|in partnership con)\b",
    ),
    # A brand's action that remedies its own fault.
    "remedy": (
        r"\b(?:refund(?:ed)?|replace(?:ment|d)?|replacing|repair(?:ed)?|fix(?:ed)?|sorry|apologi[sz]e|"
        r"looking into|look into|help you|dm us|send us a (?:dm|message)|reach out|sort (?:this|it) out|"
        r"new one|exchange)\b",
        r"\b(?:rimbors\w*|sostitu\w*|ripar\w*|ci dispiace|scusaci|scusa|scusate|ci scusiamo|aiutart\w*|"
        r"aiutarv\w*|scrivici|in dm|in privato|verifichiamo|risolv\w*|te ne mandiamo (?:un|una) nuov[oa])\b",
    ),
    # Remedies that only make sense after a fault: they imply a complaint the lexicon missed.
    "repair": (
        r"\b(?:refund\w*|replace\w*|repair\w*|rimbors\w*|sostitu\w*|ripar\w*)\b",
    ),
    # A reply that promises goods turns a reply into a gift.
    "promise": (
        r"\b(?:we(?:'ll| will| are going to|'re going to|'re| are) (?:send|sending|give|giving|lend|"
        r"lending|gift|gifting|ship|shipping)|(?:send|give|lend|gift|offer)(?:ing)? you (?:a|an|one|some|"
        r"our|the|this|a free)|it'?s on us|on the house|a (?:little )?(?:gift|present) for you|"
        r"here'?s a free)\b",
        r"\b(?:ti|te la|te lo|ve la|ve lo|vi) (?:mandiamo|inviamo|spediamo|regaliamo|prestiamo|offriamo|"
        r"portiamo|facciamo avere)\b",
        r"\b(?:in regalo|in omaggio|offriamo noi|offre la casa|un pensiero per te|un regalo per te)\b",
    ),
    "discount_promise": (
        r"\b(?:coupon|voucher|discount code|promo code|\d{1,2} ?% off|codice sconto|buono sconto|"
        r"\d{1,2} ?% di sconto|sconto del)\b",
    ),
    # Something offered in return (a review, a post, publicity): the price of a deal.
    "exchange": (
        rf"\bin (?:exchange|return)\b(?! (?:for|of) (?!{_PROMO}))",
        r"(?<!you )(?<!u )\b(?:to|for (?:a|an|my)) (?:review|unboxing)\b|\bda recensire\b|"
        r"\bper (?:una|la mia) recensione\b",
        r"\bi(?:'ll| will| can| could| would|'d| promise(?: to| i'?ll)?) (?:\w+ )?(?:"
        r"post (?:about|a review|a video|a pic|a photo|pics|photos|it on|on my|everywhere|it everywhere|"
        r"a story|stories)|(?:tweet|blog|rave|talk) about|talk (?:you|it) up|"
        r"write (?:a |an )?(?:review|post|blog|article|about)|"
        r"(?:review|rate|promote|advertise|recommend|feature|mention|tag) (?:you|it|your|them|the)|"
        r"sing your praises|shout you out|give you (?:a )?shout-?out|"
        r"(?:make|do) (?:a|an) (?:video|reel|post|review|unboxing))\b",
        r"\b(?:shout-?out|review|post|promo) (?:if|when) you\b",
        r"\b(?:honest|glowing|fair|full|5-?star|five-?star) (?:review|opinion) (?:guaranteed|promised)\b",
        r"\bpromise (?:you )?(?:an? )?(?:honest |glowing |fair |good |great )?"
        r"(?:review|post|shout-?out|video|mention)\b",
        rf"\bin cambio\b(?! (?:di|del|della|dello|dei|degli|delle|per) (?!{_PROMO}))",
        r"\bprometto (?:una |un |di fare (?:una |un )?|di scrivere (?:una |un )?)?(?:\w+ )?"
        r"(?:recension[ei]|post|video|review|pubblicità|storie|stories|menzione|unboxing)\b",
        r"\b(?:vi|ti) (?:faccio|farò|faro|farei|fo) (?:una |un |tanta |della |la )?(?:\w+ )?"
        r"(?:pubblicità|recensione|post|video|storia|stories|promozione|menzione|unboxing)\b",
        r"\b(?:vi|ti) (?:recensisco|recensirò|recensiro|pubblicizzo|pubblicizzerò|promuovo|promuoverò|"
        r"tagg(?:o|herò|hero)|citerò|citero|nomino|nominerò)\b",
        r"\b(?:parlerò|parlero|parlo) bene di voi\b",
        r"\b(?:farò|faro|scriverò|scrivero|pubblicherò|pubblichero|posterò|postero|girerò|girero) "
        r"(?:una |un )?(?:\w+ )?(?:recensione|post|video|review|unboxing|storia|stories)\b",
        r"\b(?:recensione|opinione) (?:onesta )?(?:garantita|assicurata|promessa)\b",
        # the price named some other way: paid back with a post, a place in one's stories, the
        # brand told what it will get ("ti ripago con un video", "you'd be in my next video"); one
        # alternation under one \b, so a position inside a word is refused once, not ten times
        r"\b(?:"
        rf"(?:(?:ti|vi) )?(?:ripago|ripagherò|ripaghero|ricambio|ricambierò|ricambiero|ricompenso|"
        rf"ricompenserò|mi sdebito|mi sdebiterò|mi sdebitero)(?: il favore)? con {_PROMO}\w*|"
        r"(?:vi|ti) (?:(?:metto|metterò|mettero|inserisco|inserirò|porto|porterò|portero) (?:nelle|"
        r"nella|nel|in una|in un|in) (?:mie |mia |mio )?(?:prossim[oae] )?(?:storie|storia|stories|"
        r"video|post|reel|feed)\b|(?:faccio|farò|faro) conoscere\b)|"
        r"(?:sarete|sarai) (?:nel|nella|nelle|in) (?:mio |mia |mie )?(?:prossim[oae] )?(?:video|"
        r"post|storie|storia|stories|reel)\b|"
        r"(?:avrete|avrai|riceverete|riceverai) (?:una |un |uno )?(?:\w+ )?(?:recensione|video|"
        r"post|menzione|storia|shout-?out)\b|"
        rf"i(?:'ll| will| can| could| would|'d) (?:repay you|pay you back|return the fav(?:ou)?r|"
        rf"make it up to you) (?:with|in) {_PROMO}\w*|"
        r"you(?:'ll| will|'d| would) (?:get (?:a |an |my |some )?(?:\w+ )?(?:review|shout-?out|"
        r"post|video|mention|feature|exposure|promo)\b|be (?:in|on|featured in|featured on) "
        r"(?:my|all my) (?:\w+ )?(?:video|post|stories|story|reel|feed|channel|blog|podcast)\b)|"
        r"give you (?:some |lots of |a lot of |free )?(?:exposure|visibility|publicity|promo)\b|"
        r"my (?:followers|audience|fans|subscribers) (?:will|would|'ll) (?:hear|know|learn) "
        r"(?:all )?about (?:you|it)\b)",
    ),
    "loan": (
        r"\b(?:lend|lending|loan|borrow|for the weekend|prest\w*|in prestito|noleggi\w*|per il weekend)\b",
    ),
}


# Invisible format characters (soft hyphen, zero-width space and joiners, word joiner, BOM):
# "manda\u200btemi" reads as "mandatemi", as a person reads it.
_INVISIBLE = re.compile("[\u00ad\u180e\u200b-\u200d\u2060-\u2064\ufeff]")


def normalise(text: str) -> str:
    """Lower-case NFKC text with typographic quotes made plain and invisible characters dropped."""
    t = unicodedata.normalize("NFKC", text).lower()
    t = t.replace("’", "'").replace("‘", "'").replace("`", "'")
    return _INVISIBLE.sub("", t) if _INVISIBLE.search(t) else t


@cache
def _compiled(family: Family) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in FAMILIES[family]))


def find(family: Family, text: str) -> list[str]:
    """The distinct hits of a family in already-normalised ``text``, in order of appearance."""
    hits: list[str] = []
    for m in _compiled(family).finditer(text):
        h = m.group(0).strip()
        if h and h not in hits:
            hits.append(h)
    return hits


def has(family: Family, text: str) -> bool:
    """Whether a family occurs in already-normalised ``text``."""
    return _compiled(family).search(text) is not None


def _wordset(words: str) -> frozenset[str]:
    return frozenset(words.split())


_IT_WORDS = _wordset(
    "il lo la gli le di da con su per tra fra che non è sono un una uno del della dei delle mi ti ci vi "
    "ma anche come perché grazie ciao questo questa oggi sempre molto tutto tutti siete avete ho ha "
    "nel nella alla al ai sul sulla voi noi io tu mio mia vostro vostra"
)
_EN_WORDS = _wordset(
    "the an of to on for with and is are it this that you your my me we not but be have has was "
    "will can just thanks so what why how when from at they our us all very its it's i'm don't"
)
_WORD = re.compile(r"[a-zàèéìíòóùú']+")
_NOT_WORDS = re.compile(r"[@#]\S+|https?://\S+")  # handles, tags and links say nothing of language


def guess_language(text: str) -> str:
    """``it`` or ``en`` from function words (Reale speaks both; anything else reads as English)."""
    words = _WORD.findall(_NOT_WORDS.sub(" ", normalise(text)))
    it = sum(w in _IT_WORDS for w in words)
    en = sum(w in _EN_WORDS for w in words)
    return "it" if it > en else "en"


_NOT_GOODS = re.compile(
    r"^[\s,.!:;-]*(?:(?:a|an|the|some|your|una|un|uno|un'|qualche|il|la|le|i|gli|delle|dei)\s+)?"
    r"(?:hand|call|dm|link|message|update|minute|sec|second|break|chance|clue|reply|answer|refund|"
    r"info|information|email|details|tip|tips|mano|consiglio|consigli|informazion\w*|risposta|"
    r"rimborso|notizi\w*|aggiornament\w*|chiamata|messaggio|dettagli|spiegazion\w*)\b"
)


def find_asks(text: str) -> list[str]:
    """Asks for goods or favours in normalised ``text`` ("give me a hand" is not one)."""
    hits: list[str] = []
    for m in _compiled("ask").finditer(text):
        tail = text[m.end():m.end() + 40]
        head = m.group(0).split()[-1]
        if _NOT_GOODS.match(tail) or _NOT_GOODS.match(" " + head):
            continue
        h = m.group(0).strip()
        if h not in hits:
            hits.append(h)
    return hits


_NEGATED = re.compile(
    r"\b(?:non|senza|nulla|niente|né|mai|nessun[oa]?|nothing|not|no|never|without|don'?t|won'?t|wouldn'?t|"
    r"doesn'?t|didn'?t|isn'?t|aren'?t|can'?t)\b|n't\b"
)
_CLAUSE = re.compile(r"[.!?;,:\n]|\b(?:but|ma|però|and|e)\b")


# An offer taken back right after it: answered no ("una recensione? no, niente recensioni",
# "a review in exchange? nope") or called a joke ("I'll post about it... just kidding").
_RETRACTED = re.compile(
    r"[^.!?\n]{0,15}?(?:\?+\s*(?:no|nah|nope|non|nessun\w*|niente|macché|never|not)\b|"
    r"\s*[:,;–-]\s*(?:no|nah|nope|niente|nulla)(?:[,.!:;]|$)|"
    r"[\s,.!…-]*(?:just kidding|kidding|jk|scherzo|scherzavo|sto scherzando|lol no)\b)")
# An offer made with a rolled eye or a sarcasm tag before the clause ends ("e vi faccio pure
# pubblicità 🙄", "and I'll even post about it /s"), or after "yeah right", "sì, come no": irony.
_IRONIC_AFTER = re.compile(r"[^.!?\n]{0,30}?(?:🙄|🙃|😒|😏|/s\b|#sarcas\w*|#ironi\w*)")
_IRONIC_BEFORE = re.compile(r"\b(?:yeah right|as if|sì,? come no|come no|seh|sure,? sure)\b")


def find_exchanges(text: str) -> list[str]:
    """Something offered in return in normalised ``text`` ("prometto recensione", "I'll post
    about it", "in cambio vi faccio pubblicità", "ti ripago con un video"); a denied one ("non vi
    chiedo nulla in cambio", "nothing in return", "I won't post about it"), one taken back ("una
    recensione? no", "just kidding") or an ironic one ("e vi faccio pure pubblicità 🙄") is not."""
    hits: list[str] = []
    for m in _compiled("exchange").finditer(text):
        head = text[max(0, m.start() - 40):m.start()]
        clause = _CLAUSE.split(head)[-1]
        if _NEGATED.search(clause) or _NEGATED.search(m.group(0)):
            continue
        if (_RETRACTED.match(text, m.end()) or _IRONIC_AFTER.match(text, m.end())
                or _IRONIC_BEFORE.search(head, max(0, len(head) - 25))):
            continue
        h = m.group(0).strip()
        if h not in hits:
            hits.append(h)
    return hits


def addresses(text: str, handle: str, name: str) -> bool:
    """Whether normalised ``text`` names the brand by @handle or by name."""
    h = handle.lower().lstrip("@")
    if h and _handle_pattern(h).search(text):
        return True
    n = name.lower().strip()
    return bool(n) and _name_pattern(n).search(text) is not None


@lru_cache(maxsize=1024)  # a desk has a few brands: compiled once each, not per opportunity
def _handle_pattern(handle: str) -> re.Pattern[str]:
    return re.compile(r"@" + re.escape(handle) + r"(?![\w-]|\.\w)")


@lru_cache(maxsize=1024)
def _name_pattern(name: str) -> re.Pattern[str]:
    return re.compile(r"(?<![\w@])" + re.escape(name) + r"(?!\w)")


__all__ = ["FAMILIES", "Family", "addresses", "find", "find_asks", "find_exchanges", "guess_language",
           "has", "normalise"]
