"""What the draft guard looks for, as data: the words and shapes (English and Italian) of promises
the brand did not make, contact data, instruction-following tells, claims about others and in the
brand's name. Pure patterns; ``reale.desk.guard`` decides what each finding does to a draft.
"""

from __future__ import annotations

import re
import unicodedata

import regex

# Characters a reader does not see: zero-width spaces and joiners, bidi controls, soft hyphens,
# tag characters. A zero-width joiner inside an emoji sequence (👨‍👩‍👧) is kept.
INVISIBLE = regex.compile(
    r"[\u00ad\u034f\u061c\u115f\u1160\u180e\u200b\u200c\u200e\u200f\u202a-\u202e\u2060-\u2064"
    r"\u2066-\u206f\ufeff\U000e0000-\U000e007f]|(?<!\p{Extended_Pictographic}\ufe0f?)\u200d")
# a word mixing Latin with Cyrillic or Greek letters: "frее" written with a Cyrillic е
MIXED_SCRIPT = regex.compile(r"\b(?=\w*\p{Latin})(?=\w*[\p{Cyrillic}\p{Greek}])\w+\b")
# letters dressed up: fullwidth (ＦＲＥＥ), mathematical (𝐟𝐫𝐞𝐞), or marks stacked on Latin letters
# (f̶r̶e̶e̶; è and ñ are composed, NFC, and do not count)
DRESSED = regex.compile(r"[\uff10-\uff19\uff21-\uff3a\uff41-\uff5a\U0001d400-\U0001d7ff]|\p{Latin}\p{Mn}")
_LOOKALIKE = str.maketrans("аеорсухіјѕԁԛԝАВЕКМНОРСТХІЈЅοαιΑΒΕΗΙΚΜΝΟΡΤΥΧ",
                           "aeopcyxijsdqwABEKMHOPCTXIJSoaiABEHIKMNOPTYX")


def skeleton(text: str) -> str:
    """The text as the rules read it: invisible characters out, compatibility forms folded
    (ｆｒｅｅ → free), Cyrillic and Greek look-alikes read as Latin, lower case."""
    text = unicodedata.normalize("NFKC", INVISIBLE.sub("", text))
    return text.translate(_LOOKALIKE).lower().replace("’", "'")


_NOT_A_GIFT = (r"(?!\s+(?:a |an |the |un |una |il |lo |la |uno )?(?:dm|direct message|private message|"
               r"message|e-?mail|mail|link|note|reply|update|details|instructions|info|hand|call|"
               r"ring|look|messaggio|mano|risposta|aggiornamento|dettagli|istruzioni|occhiata)\b)")
_WE_WILL = (r"(?:we(?:'ll| will| shall|'re going to| are going to| can| could|'d love to| would love "
            r"to|'d be happy to| would be happy to)|let us|happy to)")
# (kind, pattern): a commitment the brand did not authorise, read on the skeleton
COMMITMENTS: tuple[tuple[str, re.Pattern[str]], ...] = tuple((k, re.compile(p)) for k, p in (
    ("gift", r"\b(?:for free|free of charge|at no (?:extra )?(?:cost|charge)|on the house|"
             r"(?<!count )(?<!rely )(?<!depend )(?<!lean )(?<!bet )(?<!trust )(?<!that's )"
             r"(?<!that is )on us\b(?! to\b)|"
             r"complimentary|giveaways?|(?:\b(?:a|an|your|some|one|two|three|\d+)\s+)free\s+"
             r"(?!trial\b|plan\b|account\b|version\b|tier\b|moment|minute|second|time\b|hand\b|"
             r"day\b|evening|afternoon|morning|weekend|spirit)[a-z]{3,}|gifted|as a gift|"
             r"(?:a|our|this|a little|a small)\s+(?:little\s+|small\s+)?(?:gift|present|treat)\s+"
             r"(?:for you|from us|to you)\b|(?:gift|present) (?:for|to) you\b)"),
    ("gift", rf"\b{_WE_WILL}\s+(?:send|give|gift|ship|mail|offer)\s+(?:you|u)\b{_NOT_A_GIFT}"),
    ("gift", r"\b(?:gratis|gratuit[oaie]|in omaggio|omaggi(?! all?[ae]?\b| a\b)|(?<!rendere )"
             r"(?<!rende )(?<!rendiamo )omaggio(?! all?[ae]?\b| a\b)|in regalo|regaliamo|regaleremo|"
             r"regalarti|regalarvi|regalat[oaie] da noi|(?:un|il nostro|un piccolo)\s+(?:piccolo\s+)?"
             r"(?:regalo|pensiero|omaggio)\s+(?:per te|per voi|da parte nostra|da noi)|"
             r"offriamo noi|offert[oa] da noi|a spese nostre|ha[i]? vinto|avete vinto)\b"),
    ("gift", r"\b(?:you(?:'ve| have)? won|you are (?:a|the|our) winner|you're (?:a|the|our) winner|"
             r"sei (?:il|la|l') ?vincit(?:ore|rice))\b|(?<!choice )(?<!decision )(?<!call )"
             r"(?<!scelta )\b(?:is|are) (?:all |now )?yours\b|"
             r"\b(?:is|are|it's|they're|everything's) (?:all |totally |completely |100% )?free\b"
             r"(?! to\b| of\b| trial\b| plan\b| version\b| tier\b| account\b)"),
    ("gift", rf"\b(?:ti|vi)\s+(?:regaliamo|regaleremo|mandiamo|manderemo|spediamo|spediremo|inviamo|"
             rf"invieremo|diamo|daremo|offriamo|offriremo)\b{_NOT_A_GIFT}|"
             r"\b(?:te|ve)\s+l[oaie]\s+(?:regaliamo|regaleremo|mandiamo|manderemo|spediamo|spediremo|"
             r"diamo|daremo|offriamo|offriremo)\b"),
    ("discount", r"\b\d{1,3}\s?(?:%|percent|per ?cento)\s?(?:off|discount|di sconto|in meno)|\bdiscount(?:s|ed)?\b|"
                 r"\bcoupons?\b|\bvouchers?\b|\bpromo(?:tional)? codes?\b|\bhalf[- ]price\b|"
                 r"\bbuy one,? get one\b|\bhalf off\b|\bscont[oi]\b|\bscontat[oaie]\b|\bbuon[oi] (?:sconto|acquisto|"
                 r"regalo)\b|\bcodice (?:sconto|promo(?:zionale)?)\b|\bmet[àa] prezzo\b"),
    ("refund", rf"\b{_WE_WILL}\s+(?:\w+\s+)?(?:refund|reimburse|compensate)|\b(?:you'll|you will|you)\s+"
               r"(?:get|receive|be getting)\s+(?:a |an |your )?(?:full |partial )?(?:refund|money back|"
               r"compensation|reimbursement)|\bfull refund|\byour money back|\brefunded in full|"
               r"\b(?:ti|vi)\s+(?:rimborsiamo|rimborseremo|risarciamo|risarciremo|restituiamo i soldi|"
               r"restituiremo i soldi|ridiamo i soldi|ridaremo i soldi)|\brimborso (?:completo|totale|integrale)|\briceverai (?:un |il )?"
               r"(?:rimborso|risarcimento)|\bsoldi indietro"),
))
# "no giveaways from us", "niente omaggi": a refusal, not a promise (same clause, a few words)
NEGATED = re.compile(r"\b(?:no|not|never|can't|cannot|won't|don't|niente|nessun[oa]?|non|mai|"
                     r"senza|without)\b[^.!?,;:]{0,25}$")
MONEY = re.compile(
    r"(?:€|\beur\b|\beuro\b|\$|\busd\b|£)\s?(\d{1,7}(?:[.,]\d{1,2})?)(?!\d)|"
    r"(?<![\d.,])(\d{1,7}(?:[.,]\d{1,2})?)\s?(?:€|eur\b|euros?\b|\$|dollars?\b|dollari\b|£|bucks\b)")
_DAYS = (r"monday|tuesday|wednesday|thursday|friday|saturday|sunday|luned[iì]|marted[iì]|"
         r"mercoled[iì]|gioved[iì]|venerd[iì]|sabato|domenica")
_MONTHS = (r"january|february|march|april|may|june|july|august|september|october|november|december|"
           r"gennaio|febbraio|marzo|aprile|maggio|giugno|luglio|agosto|settembre|ottobre|novembre|"
           r"dicembre")
_SPAN = (r"(?:\d+|an?|one|two|three|four|five|six|seven|ten|un[oa']?|due|tre|quattro|cinque|sei|"
         r"sette|dieci)\s+(?:business |working |lavorativ[io] )?(?:hours?|days?|weeks?|ore|ora|giorni|"
         r"giorno|settimane|settimana|lavorativ[io])")
DEADLINE = re.compile(
    rf"\b(?:by|before|within|no later than|in the next|entro|prima di|non oltre|nel giro di|"
    rf"in meno di)\s+(?:the end of |end of |la fine d[ie]l(?:la)? |fine )?(?:tomorrow|tonight|today|"
    rf"eod|the week|the month|(?:next|this) (?:week|weekend|month|morning|afternoon|evening|"
    rf"{_DAYS})\b|{_DAYS}|{_SPAN}|domani|stasera|oggi|"
    rf"giornata|settimana|mese|(?:the |il )\d{{1,2}}(?:st|nd|rd|th)?\b|\d{{1,2}}(?:st|nd|rd|th)\b)|"
    rf"\b\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?(?:{_MONTHS})\b|\b(?:{_MONTHS})\s+\d{{1,2}}(?:st|nd|rd|th)?\b|"
    rf"(?<![\d/.])(?:[012]?\d|3[01])[/.](?:0?\d|1[0-2])[/.](?:\d{{4}}|\d{{2}})(?![\d/])|"
    rf"\b(?:in|tra|fra)\s+{_SPAN}\b")
REFUND_WORDS = re.compile(r"\b(?:refund\w*|reimburs\w*|compensat\w*|rimbors\w*|risarc\w*|indennizz\w*)")
# a promise without a date: guaranteed, promised
GUARANTEE = re.compile(r"\b(?:guarantee[ds]?|we promise|promised|garantit[oaie]|garantiamo|"
                       r"promesso|te lo promettiamo|ve lo promettiamo)\b")
# an account on another network handed out: "seguici su Instagram: fiori_promo_2024"
OTHER_ACCOUNT = re.compile(r"\b(?:instagram|insta|ig|whatsapp|telegram|tiktok|facebook|fb|snapchat|"
                           r"snap|signal|discord|kik|wechat)\b[\s:]+(?=[\w.@-]*[\d_@])[\w.@-]{3,}",
                           re.IGNORECASE)
SOON = re.compile(rf"\b(?:tomorrow|tonight|domani|stasera|next week|la settimana prossima|"
                  rf"la prossima settimana|{_DAYS})\b")
# a code: letters and digits in capitals (FREE100, SAVE-20), or what follows "code:" / "codice"
NOT_CODES = frozenset({"COVID-19", "COVID19", "SARS-COV-2", "H1N1", "MP3", "MP4", "1080P", "4K",
                       "UTF-8", "ISO-8601", "A4", "G20", "G7", "B2B", "B2C"})
# "use free100 at checkout": a word of letters and digits handed over to be typed in
CODE_USED = re.compile(r"\b(?:use|enter|apply|type|usa|inserisci|applica|digita)\s+(?:the |il )?"
                       r"(?:code |codice )?((?=[a-z-]*\d)(?=[a-z0-9-]*[a-z])[a-z0-9-]{4,20})\b")
CODE = re.compile(r"(?<![\w@#/.:-])(?=[A-Z0-9-]*\d)(?=[A-Z0-9-]*[A-Z][A-Z0-9-]*[A-Z])[A-Z][A-Z0-9-]{3,19}"
                  r"(?![\w/@-])|(?i:\b(?:code|codice|coupon|voucher|promo)\s*:?\s+)"
                  r"(?-i:(?=[A-Za-z-]*\d|[A-Z0-9-]{4})[A-Za-z0-9-]{4,20})\b")
EMAIL = re.compile(r"(?<![@\w.+-])[\w.+-]+@[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,}\b|"
                   r"\b[\w.+-]+(?:\s+|\s*[\[(])(?:at|chiocciola)(?:\s+|[\])]\s*)[a-z0-9-]+"
                   r"(?:\s+|\s*[\[(])(?:dot|punto)(?:\s+|[\])]\s*)[a-z]{2,}\b", re.IGNORECASE)
PHONE = re.compile(r"(?<![\w+/.#])(?:\+|00)?\d[\d ().-]{6,18}\d(?![\w/])")
MENTION = re.compile(r"(?<![\w.@＠])[@＠]([A-Za-z0-9_][A-Za-z0-9_.@-]*[A-Za-z0-9_]|[A-Za-z0-9_])")
# what a long number after it is: an order, a ticket, a tracking number, not a phone
REFERENCE = re.compile(r"(?i)\b(?:order|ordine|ticket|case|caso|pratica|ref|riferimento|tracking|"
                       r"spedizione|invoice|fattura|account|conto|n\.|no\.|nr\.|num\.)\W*"
                       r"(?:(?:number|numero|n\.|no\.|is|è)\W*)?$")
HASHTAG = re.compile(r"(?<![\w&#＃])[#＃](\w*[^\W\d_]\w*)")  # #10267422 is a ticket, not a tag
# the model says it is following the post's instructions, or what it is
TELLS = re.compile(
    r"\b(?:as (?:you )?(?:asked|requested|instructed)|as per your (?:request|instructions)|"
    r"per your (?:request|instructions)|here(?:'s| is| are) (?:the|your|my) (?:reply|response|message|"
    r"text|statement|announcement|tweet)\b|ignor(?:e|ing) (?:all |any |the |your )?"
    r"(?:previous|prior|above|earlier|instructions)|(?:previous|prior) instructions|system prompt|"
    r"my instructions|i(?:'m| am) (?:just |only |simply )?(?:an ai|a language model|an assistant|a bot|"
    r"chatgpt)|as an ai\b|"
    r"language model|jailbreak|developer mode|"
    r"come (?:mi )?(?:hai|avete) chiesto|come richiesto|su tua richiesta|ecco (?:la|il|le|i) "
    r"(?:risposta che|messaggio|testo|comunicato|tweet)|ignora(?:re|ndo)? (?:le |tutte le )?"
    r"(?:istruzioni|indicazioni)|istruzioni precedenti|sono (?:un'?ia|un'intelligenza artificiale|"
    r"un modello linguistico|un assistente|un bot)|in quanto (?:ia|intelligenza artificiale)|"
    r"modello linguistico|sono solo un (?:bot|assistente|programma))")
_ACCUSED = (r"scam(?:s|mers)?|fraud(?:s|ulent|sters)?|rip-?offs?|liars?|crooks?|thie(?:f|ves)|"
            r"con artists?|truff[ae]|truffator[ei]|imbroglion[ei]|ladr[io]|bugiard[io]|fraudolent[oi]")
# an accusation (someone *is* a scam), or a call to boycott: "a phishing scam" is a warning
DISPARAGING = re.compile(
    rf"\b(?:is|are|'s|'re|was|were|è|sono|era|erano)\s+(?:(?:a|an|un|una|un'|just|only|solo|"
    rf"total|complete|real|totale|vera|veri|vere|vero|dei|degli|delle)\s+){{0,2}}(?:{_ACCUSED})\b|"
    r"\b(?:scammers|fraudsters|truffatori|imbroglioni|crooks|liars|thieves|ladri)\b|"
    r"\b(?:boycott\w*|boicott\w*)")
COMPARISON = re.compile(r"\b(?:better than|worse than|cheaper than|unlike|meglio di|peggio di|"
                        r"migliori di|peggiori di|a differenza di)\b")
# words in the brand's name that the brand did not say: statements, admissions, announcements
BRAND_VOICE = re.compile(
    r"\b(?:official (?:statement|announcement|position|confirmation|response)|officially "
    r"(?:announce|confirm|state|admit)|we hereby|press release|breaking:|statement:|"
    r"announcement:|comunicato (?:ufficiale|stampa)|dichiarazione ufficiale|annunciamo "
    r"ufficialmente|confermiamo ufficialmente|dichiariamo ufficialmente)")
# an admission: an apology may hold one, a post may ask for one ("admit you poison roses")
ADMISSION = re.compile(r"\b(?:we (?:admit|confess)|ammettiamo|confessiamo)\b")
OUR_VOICE = re.compile(r"\b(?:we|we're|we've|we'll|our|ours|us|noi|nostr[oaie]|siamo|abbiamo)\b")
QUOTED = re.compile(r"[\"“«„]([^\"“”«»„]{3,})[\"”»“]")
# function words of languages a model may be steered into (Italian and English: voice.py)
LANGUAGE_WORDS: dict[str, frozenset[str]] = {
    "es": frozenset([
        "el", "los", "las", "del", "por", "para", "está", "estamos", "gracias", "hola", "usted",
        "tu", "nuestro", "nuestra", "muy", "pero", "como", "que", "es", "y"
    ]),
    "fr": frozenset([
        "le", "les", "des", "du", "pour", "avec", "une", "est", "nous", "vous", "merci",
        "bonjour", "votre", "notre", "très", "mais", "et", "que", "sur", "pas"
    ]),
    "de": frozenset([
        "der", "die", "das", "und", "ist", "nicht", "wir", "sie", "ihr", "ihre", "unser",
        "danke", "hallo", "mit", "für", "auf", "ein", "eine", "sehr", "aber", "ich", "habe",
        "kein", "keine", "diese", "oder", "zu", "bitte", "auch", "wie"
    ]),
    "pt": frozenset([
        "os", "das", "dos", "para", "com", "uma", "está", "estamos", "obrigado", "obrigada",
        "olá", "você", "nosso", "nossa", "muito", "mas", "que", "não"
    ]),
}


__all__ = [
    "ADMISSION",
    "BRAND_VOICE",
    "CODE",
    "COMMITMENTS",
    "COMPARISON",
    "DEADLINE",
    "DISPARAGING",
    "EMAIL",
    "GUARANTEE",
    "HASHTAG",
    "INVISIBLE",
    "LANGUAGE_WORDS",
    "MENTION",
    "MIXED_SCRIPT",
    "MONEY",
    "NOT_CODES",
    "OTHER_ACCOUNT",
    "PHONE",
    "QUOTED",
    "REFERENCE",
    "REFUND_WORDS",
    "SOON",
    "TELLS",
    "skeleton",
]
