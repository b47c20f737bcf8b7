"""Polite asks, in English and Italian: "asking nicely", "pretty please", "could you send me…?",
"vi prego", "mi regalate…?". A request to a brand is often worded as a question or softened with a
joke, and the speech-act head, trained on few requests, reads it as a question or an expression.

>>> polite_asks("@lampo free shipping for a loyal customer? Asking nicely")
['Asking nicely', 'free shipping for a loyal customer?']
>>> polite_asks("@fiorella mi regalate un bouquet per la festa della mamma? 🙏")
['mi regalate', '? 🙏']
>>> polite_asks("@volta does the Pico come with an automatic gearbox?")
[]

A polite request for information is a question, however courteous:
>>> information_requests("@mela could you please tell me if the 12 has wireless charging?")
['could you please tell me if']
"""

from __future__ import annotations

import re

ASK_LOGIT = 3.0  # log-odds an appeal gains when a polite ask fires (a cue class gains 1.5)
ASK_COMPLAINT_SHARE = 0.5  # the complaint head's weight beside an ask, where it has no n-grams

_ASKS = (
    # The words of asking itself: "asking nicely", "pretty please", "I'm begging", "vi prego".
    r"\bask(?:ing)? (?:nicely|politely|kindly)\b", r"\bpretty please\b",
    r"\bi(?:'m| am) begging\b", r"\bvi prego\b", r"\bti prego\b",
    r"\bve lo chiedo\b", r"\bvi chiedo\b", r"\bchiedo (?:gentilmente|umilmente)\b",
    # "Could you send me…?", "any chance of a free…?": a question whose answer is a gift or a favour.
    # A bare "can you…?" stays a question: Tweet Act labels most of them questions.
    r"\b(?:could|can|would|will) you (?:please |kindly |maybe |possibly )?(?:send|give|lend|gift|ship"
    r"|bring|offer|spare|hook|sort|throw|get (?:me|us)|do me)\b",
    r"\bany chance of (?:a |an |some )?(?:free|discount|freebie|sample|gift|voucher)",
    # Imperatives of giving, opening a sentence: "@volta lend me…", "send us…", "regalatemi…"
    # ("my dad will send me a box" is no ask).
    r"(?:^|[.!,;]\s*)(?:@\S+\s+)*(?:please\s+|pls\s+)?(?:send|give|lend|gift|gimme|ship) (?:me|us)\b",
    r"\bhook (?:me|us) up\b",
    r"\b(?:mi|ci) (?:regalate|regalereste|mandate|mandereste|prestate|prestereste|date|dareste"
    r"|spedite|offrite|fate avere)\b",
    r"\b(?:regalate|mandate|prestate|date|spedite|offrite)(?:mi|ci)\b",
    r"\bfate(?:mi|ci) (?:un |uno |una |lo |la |il )?(?:regal|scont|omaggi|prezz)\w*",  # "fatemi un regalo"
    # A question that ends in folded hands is a plea.
    r"\?\s*🙏",
)
_ASK = re.compile("|".join(f"(?:{p})" for p in _ASKS), re.IGNORECASE)
_LEAD = re.compile(r"^[\s.!,;]*(?:@\S+\s+)*")
# A bare "please" or "per favore" is no polite ask here: in complaints it asks for a fix ("please
# explain @budlight", "pls help"), in questions for information ("could you please tell me…?").
# The speech-act head already knows the English word; "per favore" is an Italian appeal cue.

# "@brand a box of pods for our office?": goods for someone, no verb, asked of the brand.
# "Dai @brand, un'auto per il nostro Matteo!": after a plea ("dai", "come on") an exclamation asks too.
_ELLIPTIC = re.compile(r"^(?P<plea>(?:dai|forza|daje|come on|please|pls)\b[,!]?\s+)?(?:@\S+\s+)+"
                       r"((?:a|an|some|free|one|una?|uno|dei|delle|degli|qualche)\b"
                       r"[^?.!]{0,80}?\b(?:for|per)\b[^?.!]{0,40}(?P<end>[?!]))", re.IGNORECASE)
_VERB = re.compile(r"\b(?:is|are|was|were|do|does|did|can|will|have|has|è|e'|sono|era|ha|hanno"
                   r"|avete|c'è|si può|posso|possiamo)\b", re.IGNORECASE)


def polite_asks(text: str) -> list[str]:
    """The polite-ask phrases of ``text`` (empty when it asks nothing politely)."""
    found = [_LEAD.sub("", m.group(0)).strip() for m in _ASK.finditer(text)]
    m = _ELLIPTIC.match(text.strip())
    if m and not _VERB.search(m.group(2)) and (m.group("end") == "?" or m.group("plea")):
        found.append(m.group(2))
    return list(dict.fromkeys(found))[:3]


# "Could you please tell me if…", "can you let us know when…", "sapete dirmi se…": the answer asked
# for is information. Tweet Act labels all six such posts of its training file questions; "…why"
# is left out, as "can you tell me why my order hasn't arrived" is a complaint.
_INFO = re.compile(
    r"\b(?:could|can|would|will) you (?:please |pls |kindly )?(?:tell|let) (?:me|us) (?:know )?"
    r"(?:if|whether|when|where|what|which|how)\b"
    r"|\bdo you (?:happen to )?know (?:if|whether|when|where)\b"
    r"|\b(?:sapete|sai|potete|potreste|puoi|potresti|mi sapete|mi sai) (?:dirmi|dirci|indicarmi|dire)\b",
    re.IGNORECASE)


def information_requests(text: str) -> list[str]:
    """The phrases of ``text`` that ask the brand for information (a question, not an appeal)."""
    return list(dict.fromkeys(m.group(0).strip() for m in _INFO.finditer(text)))[:3]
