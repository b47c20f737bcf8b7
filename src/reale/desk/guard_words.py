"""What each finding of the draft guard means to the approver, in English and Italian."""

from __future__ import annotations

REASONS: dict[str, tuple[str, str]] = {
    "invisible": ("invisible characters removed", "caratteri invisibili rimossi"),
    "lookalike": ("letters from another alphabet that look like Latin ones",
                  "lettere di un altro alfabeto che sembrano latine"),
    "gift": ("promises something free or a gift the team did not allow",
             "promette qualcosa di gratuito o un regalo non autorizzato"),
    "discount": ("promises a discount the team did not allow", "promette uno sconto non autorizzato"),
    "refund": ("promises a refund the team did not allow", "promette un rimborso non autorizzato"),
    "refund_mention": ("mentions a refund: check it promises nothing",
                       "parla di rimborsi: controlla che non prometta nulla"),
    "code": ("gives out a code the team did not configure", "dà un codice non configurato"),
    "price": ("states a price or an amount", "indica un prezzo o una cifra"),
    "deadline": ("commits to a date or a deadline", "si impegna su una data o una scadenza"),
    "soon": ("says when something will happen: check it", "dice quando succederà qualcosa: verifica"),
    "email": ("an e-mail address that is not the brand's was removed",
              "rimosso un indirizzo e-mail che non è del brand"),
    "phone": ("a phone number that is not the brand's was removed",
              "rimosso un numero di telefono che non è del brand"),
    "mention": ("a mention of someone else was removed", "rimossa una menzione di altri"),
    "hashtag": ("a hashtag not in the brand's list was removed",
                "rimosso un hashtag che non è tra quelli del brand"),
    "parrot": ("copies the post word for word", "copia il post parola per parola"),
    "quote": ("quotes words the post supplied", "cita parole fornite dal post"),
    "echo": ("says in the brand's voice what the post said: check it is true",
             "dice a nome del brand ciò che diceva il post: verifica che sia vero"),
    "tell": ("follows instructions from the post", "esegue istruzioni contenute nel post"),
    "competitor": ("talks about a competitor", "parla di un concorrente"),
    "disparaging": ("accuses or insults someone", "accusa o insulta qualcuno"),
    "comparison": ("compares the brand with others: check it", "confronta il brand con altri: verifica"),
    "brand_voice": ("puts a statement in the brand's name", "mette una dichiarazione in bocca al brand"),
    "language": ("not in the post's or the brand's language", "non è nella lingua del post o del brand"),
    "length": ("longer than the network allows", "più lungo di quanto il social consenta"),
    "too_little_left": ("too little left after removing what was not allowed",
                        "resta troppo poco dopo aver tolto ciò che non era ammesso"),
}

__all__ = ["REASONS"]
