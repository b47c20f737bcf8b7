"""Reply templates per opportunity kind, in Italian and English, written the way a person talks.

``{handle}`` becomes the author's @handle. Each kind has several variants so that two people
never get the same sentence; the drafts module picks among them and checks for repetition.
An appeal is answered in kind: warmth, no public reward for the ask (see the realness check).
"""

from __future__ import annotations

KINDS = ("appeal", "praise", "complaint", "question", "moment")

TEMPLATES: dict[str, dict[str, tuple[str, ...]]] = {
    "en": {
        "appeal": (
            "{handle} you made us smile with this! We can't hand things out here, but we're rooting for you.",
            "{handle} bold ask, we like it 😄 No giveaways from us, but we're really glad you thought of us.",
            "{handle} love the energy. If there's something we can genuinely help with, tell us in a DM.",
            "{handle} ha, we see what you did there! We're cheering for you, even if we can't send anything.",
        ),
        "praise": (
            "{handle} thank you, this honestly made our day!",
            "{handle} that's so kind of you. Thanks for taking the time to say it.",
            "{handle} you just made the whole team smile. Thank you!",
            "{handle} thanks a lot! It means more to us than you'd think.",
        ),
        "complaint": (
            "{handle} I'm sorry, that's not how it should go. Can you DM us the details so we can sort it out today?",
            "{handle} that's frustrating, and you're right to tell us. Send us a DM and we'll look into it right away.",
            "{handle} sorry about this. We want to fix it properly: could you DM us what happened and when?",
            "{handle} not good, and we're on it. A DM with your order or account details will help us move fast.",
        ),
        "question": (
            "{handle} good question! Let us check and we'll get back to you shortly.",
            "{handle} happy to help. Could you tell us a bit more so we point you to the right answer?",
            "{handle} thanks for asking! Send us a DM with the details and we'll find out for you.",
            "{handle} we'll find out for you. Give us a few minutes?",
        ),
        "moment": (
            "{handle} we're following this too, and we couldn't agree more.",
            "{handle} we had to say something: this is brilliant.",
            "{handle} count us in!",
            "{handle} best thing on our timeline today.",
        ),
    },
    "it": {
        "appeal": (
            "{handle} ci hai strappato un sorriso! Qui non possiamo regalare niente, ma facciamo il tifo per te.",
            "{handle} richiesta coraggiosa 😄 Niente omaggi da parte nostra, ma ci fa piacere che tu abbia pensato a noi.",
            "{handle} che energia! Se c'è qualcosa in cui possiamo davvero aiutarti, scrivici in DM.",
            "{handle} ah, abbiamo capito l'antifona! Facciamo il tifo per te, anche se non possiamo mandarti nulla.",
        ),
        "praise": (
            "{handle} grazie di cuore, ci hai fatto la giornata!",
            "{handle} che gentile, grazie per averlo scritto.",
            "{handle} hai fatto sorridere tutta la squadra. Grazie!",
            "{handle} grazie mille! Per noi conta più di quanto pensi.",
        ),
        "complaint": (
            "{handle} ci dispiace, non doveva andare così. Ci scrivi i dettagli in DM? Vogliamo sistemarlo oggi stesso.",
            "{handle} hai ragione a farcelo sapere, e ci dispiace. Mandaci un DM e ce ne occupiamo subito.",
            "{handle} scusaci. Vogliamo risolvere per bene: ci racconti in DM cosa è successo e quando?",
            "{handle} non va bene, e ci stiamo già lavorando. Un DM con il numero d'ordine ci aiuta a fare prima.",
        ),
        "question": (
            "{handle} bella domanda! Verifichiamo e ti rispondiamo a breve.",
            "{handle} volentieri! Ci dai qualche dettaglio in più, così ti diamo la risposta giusta?",
            "{handle} grazie della domanda! Scrivici in DM i dettagli e lo scopriamo per te.",
            "{handle} lo scopriamo per te. Ci dai qualche minuto?",
        ),
        "moment": (
            "{handle} lo stiamo seguendo anche noi, e non potremmo essere più d'accordo.",
            "{handle} non potevamo non dire la nostra: questo è bellissimo.",
            "{handle} ci siamo anche noi!",
            "{handle} la cosa più bella che abbiamo visto oggi.",
        ),
    },
}

GREETINGS = {"en": "Hi", "it": "Ciao"}


def template_language(lang: str) -> str:
    """The template language for an author's language (Italian, else English)."""
    return "it" if lang.lower().startswith("it") else "en"


def variants(kind: str, lang: str) -> tuple[str, ...]:
    """The template variants of a kind in a language (``question`` for an unknown kind)."""
    table = TEMPLATES[template_language(lang)]
    return table.get(kind, table["question"])


__all__ = ["GREETINGS", "KINDS", "TEMPLATES", "template_language", "variants"]
