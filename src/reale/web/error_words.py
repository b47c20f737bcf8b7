"""What the desk says when it refuses a request, in English and Italian: each refusal has a key
and named values, so a person reads it in their language while the HTTP status (the machine's
code) stays the same in both."""

from __future__ import annotations

ERRORS: dict[str, tuple[str, str]] = {  # key: (English, Italian)
    "err.no_page": ("there is no page at {path}", "non c'è nessuna pagina all'indirizzo {path}"),
    "err.method": ("{method} is not allowed on {path}", "{method} non è consentito su {path}"),
    "err.internal": ("the desk failed on this request; the error is in the server's log",
                     "il desk non è riuscito a rispondere a questa richiesta; l'errore è nel "
                     "log del server"),
    "err.login_first": ("log in first (POST /login)", "prima accedi (POST /login)"),
    "err.role": ("this needs the {role} role or above",
                 "serve il ruolo {role} o superiore"),
    "err.csrf": ("the CSRF token is missing or wrong: reload the page and retry",
                 "il token CSRF manca o è errato: ricarica la pagina e riprova"),
    "err.repeated_param": ("the query parameter «{name}» is given {n} times with different "
                           "values: give it once",
                           "il parametro «{name}» compare {n} volte con valori diversi: "
                           "indicalo una volta sola"),
    "err.body_too_large": ("the request body is larger than {limit} bytes",
                           "il corpo della richiesta supera {limit} byte"),
    "err.media_type": ("send application/x-www-form-urlencoded or application/json",
                       "invia application/x-www-form-urlencoded o application/json"),
    "err.json_deep": ("the JSON body is nested too deeply",
                      "il corpo JSON è annidato troppo in profondità"),
    "err.json_bad": ("the body is not valid JSON: {reason}",
                     "il corpo non è JSON valido: {reason}"),
    "err.json_object": ("the JSON body must be an object", "il corpo JSON deve essere un oggetto"),
    "err.json_surrogate": ("the JSON body holds text that is not valid Unicode (a lone "
                           "surrogate escape such as \\ud800)",
                           "il corpo JSON contiene testo Unicode non valido (un surrogato "
                           "isolato come \\ud800)"),
    "err.nul": ("the request holds a NUL character (\\x00){where}: no text the desk keeps may "
                "contain one; remove it and send again",
                "la richiesta contiene un carattere NUL (\\x00){where}: nessun testo che il desk "
                "conserva può contenerlo; toglilo e invia di nuovo"),
    "err.nul_where": (" in «{name}»", " in «{name}»"),
    "err.query_long": ("the query string is {n} bytes long; the desk reads at most {most}",
                       "la query string è lunga {n} byte; il desk ne legge al massimo {most}"),
    "err.query_utf8": ("the query string is not valid UTF-8 once percent-decoded (byte "
                       "0x{byte}): encode it as UTF-8",
                       "la query string non è UTF-8 valido una volta decodificata (byte "
                       "0x{byte}): codificala in UTF-8"),
    "err.one_of": ("{name} must be one of {allowed} (or empty), got {got}",
                   "{name} deve essere uno tra {allowed} (o vuoto), non {got}"),
    "err.no_brand_known": ("no brand named {name} (known brands: {known})",
                           "nessun brand di nome {name} (brand noti: {known})"),
    "err.no_brand": ("no brand named {name}", "nessun brand di nome {name}"),
    "err.no_brand_config": ("no brand named {name} in reale.toml",
                            "nessun brand di nome {name} in reale.toml"),
    "err.no_opportunity": ("no opportunity with key {key_}",
                           "nessuna opportunità con chiave {key_}"),
    "err.no_rule": ("no alert rule named {name}", "nessuna regola di avviso di nome {name}"),
    "err.rule_in_config": ("a rule named {name} exists already in reale.toml; edit it instead",
                           "una regola di nome {name} esiste già in reale.toml: modifica quella"),
    "err.rule_from_desk": ("rule {name} was made in the desk: delete it instead",
                           "la regola {name} è stata creata nel desk: eliminala invece"),
    "err.rule_from_config": ("rule {name} comes from reale.toml: disable it, or remove it from "
                             "the config",
                             "la regola {name} viene da reale.toml: disattivala, o toglila "
                             "dalla configurazione"),
    "err.query_size": ("a query needs 1 to {most} characters",
                       "una query deve avere da 1 a {most} caratteri"),
    "err.no_query": ("no such query", "query inesistente"),
    "err.no_watch_query": ("no watch-query {id}", "nessuna query di ascolto {id}"),
    "err.no_user": ("no user named {name}", "nessun utente di nome {name}"),
    "err.language": ("language must be one of {allowed}", "la lingua deve essere una tra {allowed}"),
    "err.dismiss_reason": ("dismiss needs a reason: irrelevant or not_worth",
                           "per scartare serve un motivo: irrelevant o not_worth"),
    "err.already_decided": ("this opportunity was already {status_} by {who}; reload the page "
                            "to see it",
                            "questa opportunità è già stata chiusa da {who} ({status_}); "
                            "ricarica la pagina per vederla"),
    "err.dates": ("dates are YYYY-MM-DD", "le date sono nella forma AAAA-MM-GG (YYYY-MM-DD)"),
    "err.period": ("the period must run forward and last at most {days} days",
                   "il periodo deve andare avanti nel tempo e durare al massimo {days} giorni"),
    "err.report_lang": ("lang must be one of {allowed}, got {got}",
                        "lang deve essere uno tra {allowed}, non {got}"),
    "err.no_reply": ("no reply with id {id}", "nessuna risposta con id {id}"),
    "err.reply_action": ("action must be save, submit or send",
                         "action deve essere save, submit o send"),
    "err.reply_empty": ("a reply needs some text: the text is empty",
                        "una risposta ha bisogno di testo: il testo è vuoto"),
    "err.reply_long": ("the reply is {n} characters; {network} takes {most}: shorten it first",
                       "la risposta ha {n} caratteri; {network} ne accetta {most}: "
                       "accorciala prima"),
    "err.reply_elsewhere": ("that reply belongs to another opportunity",
                            "quella risposta appartiene a un'altra opportunità"),
    "err.reply_published": ("reply {id} was already published; reload the page to see it (a new "
                            "reply starts from the reloaded page)",
                            "la risposta {id} è già stata pubblicata; ricarica la pagina per "
                            "vederla (una nuova risposta parte dalla pagina ricaricata)"),
    "err.reply_since": ("a reply to this opportunity was written since this page was loaded: "
                        "reload the page to see it before writing another",
                        "da quando la pagina è stata caricata è stata scritta una risposta a "
                        "questa opportunità: ricarica la pagina per vederla prima di scriverne "
                        "un'altra"),
    "err.reply_exists": ("this opportunity already has reply {id} ({state}): to answer the same "
                         "post again on purpose, say so with another=1 (or pass last_reply, the "
                         "newest reply you saw)",
                         "questa opportunità ha già la risposta {id} ({state}): per rispondere "
                         "di proposito allo stesso post, dillo con another=1 (o passa "
                         "last_reply, l'ultima risposta che hai visto)"),
    "err.alert_state": ("state must be one of {allowed}", "state deve essere uno tra {allowed}"),
    "err.no_delivery": ("no alert delivery {id}", "nessun invio di avviso {id}"),
}

def say(key: str, lang: str, **values: object) -> str:
    """The refusal ``key`` in ``lang`` (English for any language but Italian); an unknown key
    shows itself, so a test can catch it. A value given as an (English, Italian) pair is said
    in the same language."""
    index = 1 if lang == "it" else 0
    pair = ERRORS.get(key)
    text = pair[index] if pair else key
    said = {k: v[index] if isinstance(v, tuple) else v for k, v in values.items()}
    return text.format(**said) if said else text


__all__ = ["ERRORS", "say"]
