"""A push for someone else: the writer tells the brand to answer another customer ("rispondete a
Sara, non è l'unica", "answer Sarah, she's not the only one", "rispondetele").

An appeal is the writer asking the brand for something for themself (a favour, a product, an
action); telling it to answer someone it left waiting is a complaint about its support, the
pile-on of a customer-care story. The Italian appeal cue read "rispondete" as an ask, so the
post read as an appeal. Such a push is a complaint cue instead (``Understander``), and the act
head's appeal share goes to *other* (``intent.combine``).

>>> pushes_for_others("@mela rispondete a Sara, non è l'unica")
['rispondete a Sara']
>>> pushes_for_others("@mela answer Sarah, she's not the only one")
['answer Sarah']
>>> pushes_for_others("@mela rispondetemi")  # the writer asks for themself: an appeal
[]
>>> pushes_for_others("rispondete a questa domanda: quanto costa?")  # a question, no person
[]
>>> pushes_for_others("Briana did not answer her phone on the first ring")  # no one told to answer
[]
"""

from __future__ import annotations

import re

# Log-odds a push adds to the complaint head (an Italian cue class adds 1.5; an ask adds 3 to the
# appeal): telling the brand to answer a customer it left waiting says its support failed.
PUSH_LOGIT = 3.0

# Verbs of answering a customer, to the brand (voi / you), then a person who is not the writer:
# a name (capitalised), a pronoun, or "this lady", "questa signora".
_PERSON_IT = (r"(?:(?!(?:me|noi|mi[aoe]|miei|nostr[aoie]|quest[aoie]|tutte|ogni)\b)(?-i:[A-ZÀ-Ý][a-zà-ÿ]+)|lei|lui|loro|tutti|quest[oa] (?:signor[ae]?|ragazz[oa]"
              r"|povero|povera|utente|cliente)|quell[oa] (?:signor[ae]?|ragazz[oa]))")
_PERSON_EN = (r"(?:(?!(?:me|my|us|our|the|this|that|these|those|your|it|all|any|a|an|every|some)\b)(?-i:[A-Z][a-z]+)|her|him|them|everyone|this (?:lady|guy|girl|man|woman|person"
              r"|customer|poor \w+))")
# The person is followed by the end of a clause or more people ("rispondete a Sara, non è
# l'unica", "answer Sarah and me"): "answer her phone", "Answer Questions About…" name no one.
_AFTER = r"(?=\s*(?:[,.;:!?)]|$|e\b|and\b|too\b|pure\b|anche\b|che\b|who\b|please\b|per favore\b))"
# In English the verb opens a sentence (after handles, "please"): an imperative to the brand.
_OPENS = r"(?:^|(?<=[.!?,;:]\s)|(?<=[.!?,;:]))\s*(?:@\S+\s+)*(?:(?:please|pls|just|now)\s+)?"
_PUSH = re.compile(
    r"\b(?:(?:potete|potreste|dovete|dovreste)\s+)?(?:rispondete|richiamate|ricontattate|contattate"
    r"|scrivete|rispondere|richiamare|ricontattare|contattare)\s+a\s+" + _PERSON_IT + _AFTER
    + r"|\b(?:rispondete(?:le|gli)|richiamate(?:la|lo|li)|ricontattate(?:la|lo|li)|contattate(?:la|lo|li))\b"
    r"|" + _OPENS + r"(?:answer|reply to|respond to|get back to|call back|ring back)\s+" + _PERSON_EN + _AFTER,
    re.IGNORECASE | re.MULTILINE)
# The writer's own words are never a third person ("Rispondete a Me", "answer Me").
_SELF = re.compile(r"\b(?:a me|a noi|me|us|I)$", re.IGNORECASE)
_LEAD = re.compile(r"^(?:@\S+\s+)*")


def pushes_for_others(text: str) -> list[str]:
    """The phrases of ``text`` that tell the brand to answer someone other than the writer."""
    low = text.lower()
    if "rispond" not in low and "contatt" not in low and "richiam" not in low and "scrivete" not in low \
            and not any(w in low for w in ("answer", "reply to", "respond to", "get back to", "back")):
        return []  # the cheap test first
    found = [m.group(0).strip() for m in _PUSH.finditer(text) if not _SELF.search(m.group(0).strip())]
    found = [_LEAD.sub("", f) for f in found]
    return list(dict.fromkeys(found))[:3]


def with_pushes(hits: dict[str, list[str]], text: str) -> dict[str, list[str]]:
    """Italian cue ``hits`` with a push for someone else moved from the appeal to the complaint
    cues ("rispondete a Sara": the appeal cue "rispondete" asks nothing for the writer)."""
    pushed = pushes_for_others(text)
    if not pushed:
        return hits
    out = dict(hits)
    inside = " ".join(pushed).lower()
    appeal = [h for h in out.get("appeal", ()) if h.lower() not in inside]
    if appeal:
        out["appeal"] = appeal
    else:
        out.pop("appeal", None)
    out["complaint"] = list(dict.fromkeys([*out.get("complaint", ()), *pushed]))[:3]
    return out
