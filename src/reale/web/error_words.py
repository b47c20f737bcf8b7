"""What the desk says when it refuses a request, in English and Italian: each refusal has a key
and named values, so a person reads it in their language while the HTTP status (the machine's
code) stays the same in both."""

from __future__ import annotations

from markupsafe import Markup, escape

from reale.foreign import Foreign

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
    "err.no_match": ("the watch-query language (reale.match) is not installed in this build; "
                     "queries can still be saved and are checked when the runner loads them",
                     "il linguaggio delle query di ascolto (reale.match) non è installato in "
                     "questa build; le query si possono comunque salvare e vengono controllate "
                     "quando il runner le carica"),
    "err.no_watch_query": ("no watch-query {id}", "nessuna query di ascolto {id}"),
    "err.no_user": ("no user named {name}", "nessun utente di nome {name}"),
    "err.language": ("language must be one of {allowed}", "la lingua deve essere una tra {allowed}"),
    "err.dismiss_reason": ("dismiss needs a reason: irrelevant or not_worth",
                           "per scartare serve un motivo: irrelevant o not_worth"),
    "err.post_gone": ("its author deleted this post meanwhile: there is nothing left to decide; "
                      "reload the page to see it",
                      "l'autore ha cancellato questo post nel frattempo: non c'è più nulla da "
                      "decidere; ricarica la pagina per vederlo"),
    "err.post_gone_reply": ("its author deleted this post: there is nothing left to answer",
                            "l'autore ha cancellato questo post: non c'è più nulla a cui "
                            "rispondere"),
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
    # the team and its replies (reale.web.accounts, reale.desk)
    "user.name": ("a user name is 1-64 letters, digits, '.', '_', '@' or '-', not {name}",
                  "un nome utente ha da 1 a 64 caratteri tra lettere, cifre, '.', '_', '@' e "
                  "'-', non {name}"),
    "user.password_short": ("a password needs at least {most} characters",
                            "una password deve avere almeno {most} caratteri"),
    "user.password_long": ("a password may have at most {most} characters",
                           "una password può avere al massimo {most} caratteri"),
    "user.last_admin": ("{name} is the last active admin; make another admin first, or the "
                        "team is locked out of administration",
                        "{name} è l'ultimo amministratore attivo; nomina prima un altro "
                        "amministratore, o il team resta senza nessuno che lo gestisca"),
    "user.last_admin_off": ("{name} is the last active admin; add or enable another admin "
                            "first, or the team is locked out of administration",
                            "{name} è l'ultimo amministratore attivo; aggiungi o riattiva prima "
                            "un altro amministratore, o il team resta senza nessuno che lo "
                            "gestisca"),
    "user.self": ("change your own role or account from another admin's session",
                  "il tuo ruolo o il tuo account si cambiano dalla sessione di un altro "
                  "amministratore"),
    "user.role": ("unknown role {role}: use one of {allowed}",
                  "ruolo sconosciuto {role}: scegli tra {allowed}"),
    "reply.comment_nul": ("a comment cannot hold a NUL character (\\x00)",
                          "un commento non può contenere un carattere NUL (\\x00)"),
    "reply.empty": ("a reply needs some text", "una risposta ha bisogno di testo"),
    "reply.too_long": ("a reply of {n} characters is too long (at most {most})",
                       "una risposta di {n} caratteri è troppo lunga (al massimo {most})"),
    "reply.nul": ("a reply cannot hold a NUL character (\\x00)",
                  "una risposta non può contenere un carattere NUL (\\x00)"),
    "reply.send_back_comment": ("sending a reply back needs a comment saying what to change",
                                "per rimandare indietro una risposta serve un commento che dica "
                                "cosa cambiare"),
    "reply.single": ("cannot {action} reply {reply}: reply {other} to the same post is already "
                     "{state}; to answer again on purpose write a new reply saying so "
                     "(another=1)",
                     "non si può {action} la risposta {reply}: la risposta {other} allo stesso "
                     "post è già {state}; per rispondere di nuovo di proposito scrivi una nuova "
                     "risposta che lo dica (another=1)"),
    "desk.not_on_team": ("{who} is not on the team: an admin must add them before they can "
                         "{action}",
                         "{who} non fa parte del team: un amministratore deve aggiungerlo prima "
                         "che possa {action}"),
    "desk.role_low": ("{who} is a {role}: only a {needed} or above can {action}",
                      "{who} è {role}: solo un {needed} o superiore può {action}"),
    "desk.state": ("cannot {action} reply {reply}: it is {state} (only a reply that is {states} "
                   "can be)",
                   "non si può {action} la risposta {reply}: è {state} (si può solo se è "
                   "{states})"),
    "desk.post_deleted": ("cannot {action} reply {reply}: its author deleted the post it "
                          "answers ({uri}) at {day}; withdraw the reply",
                          "non si può {action} la risposta {reply}: il suo autore ha cancellato "
                          "il post a cui risponde ({uri}) il {day}; ritira la risposta"),
    "desk.moved_on": ("reply {reply} is no longer {state}: reload and retry",
                      "la risposta {reply} non è più {state}: ricarica e riprova"),
    "act.view": ("view", "vedere"),
    "act.draft": ("draft", "scrivere bozze"),
    "act.edit": ("edit", "modificare"),
    "act.submit": ("submit", "inviare per approvazione"),
    "act.withdraw": ("withdraw", "ritirare"),
    "act.approve": ("approve", "approvare"),
    "act.send back": ("send back", "rimandare indietro"),
    "act.send_back": ("send_back", "rimandare indietro"),
    "act.approve and send": ("approve and send", "approvare e inviare"),
    "act.approve_and_send": ("approve_and_send", "approvare e inviare"),
    "act.publish": ("publish", "pubblicare"),
    "act.manage_team": ("manage_team", "gestire il team"),
    "reply.already_out": ("not publishing reply {reply}: reply {other} from {account} to the "
                          "same post was already {done}; a further reply must be written as one "
                          "(another=1)",
                          "la risposta {reply} non viene pubblicata: la risposta {other} di "
                          "{account} allo stesso post è già {done}; un'ulteriore risposta va "
                          "scritta come tale (another=1)"),
    "reply.claimed": ("not publishing reply {reply}: reply {other} from {account} to the same "
                      "post is already {done} (claimed in the store); a further reply must be "
                      "written as one (another=1)",
                      "la risposta {reply} non viene pubblicata: la risposta {other} di "
                      "{account} allo stesso post è già {done} (prenotata nell'archivio); "
                      "un'ulteriore risposta va scritta come tale (another=1)"),
    "out.sent": ("sent", "inviata"),
    "out.dry_run": ("rehearsed (dry run)", "provata (prova)"),
    "out.pending": ("under way", "in corso di invio"),
    "out.failed": ("failed", "non riuscita"),
    "rl.viewer": ("viewer", "osservatore"),
    "rl.responder": ("responder", "redattore"),
    "rl.approver": ("approver", "approvatore"),
    "rl.admin": ("admin", "amministratore"),
    "st.draft": ("draft", "bozza"),
    "st.submitted": ("submitted", "in attesa di approvazione"),
    "st.sent_back": ("sent_back", "rimandata"),
    "st.approved": ("approved", "approvata"),
    "st.published": ("published", "pubblicata"),
    "st.withdrawn": ("withdrawn", "ritirata"),
    # the store, when it cannot answer: the technical detail goes to the server's log
    "err.store_busy": ("the store is busy or unreachable: retry in a moment",
                       "l'archivio è occupato o irraggiungibile: riprova tra un momento"),
    "err.store": ("the store refused this read or write; the detail is in the server's log",
                  "l'archivio ha rifiutato questa lettura o scrittura; il dettaglio è nel log "
                  "del server"),
    # an alert rule's form (reale.alerts.overlay, config, quiet): the codes they raise
    "alerts.name": ("name {name} must be 1-64 letters, digits, '.', '_' or '-'",
                    "il nome {name} deve avere da 1 a 64 caratteri tra lettere, cifre, '.', '_' "
                    "e '-'"),
    "rule.no_channel": ("rule {rule}: a rule needs at least one channel",
                        "regola {rule}: una regola ha bisogno di almeno un canale"),
    "rule.undefined_channel": ("rule {rule}: channel {channel} is not defined in "
                               "[[alerts.channels]]",
                               "regola {rule}: il canale {channel} non è definito in "
                               "[[alerts.channels]]"),
    "rule.empty": ("rule {rule}: brands and kinds cannot be empty (leave them out for all)",
                   "regola {rule}: brand e tipi non possono essere vuoti (non indicarli per "
                   "averli tutti)"),
    "rule.digest_minutes": ("rule {rule}: digest_minutes must be between 0 (off) and 1440",
                            "regola {rule}: digest_minutes deve essere tra 0 (nessun riepilogo) "
                            "e 1440"),
    "rule.digest_items": ("rule {rule}: digest_max_items must be at least 1 and max_updates at "
                          "least 0",
                          "regola {rule}: digest_max_items deve essere almeno 1 e max_updates "
                          "almeno 0"),
    "rule.min_score": ("rule {rule}: min_score must be a finite number",
                       "regola {rule}: min_score deve essere un numero finito"),
    "rule.channel_gone": ("channel {channel} is not configured any more",
                          "il canale {channel} non è più configurato"),
    "rule.config_gone": ("the config has no rule of this name any more",
                         "la configurazione non ha più una regola con questo nome"),
    "rule.taken": ("a rule named {name} exists already (another admin may have added it a moment "
                   "ago): reload the page and edit it instead",
                   "esiste già una regola di nome {name} (forse un altro amministratore l'ha "
                   "appena aggiunta): ricarica la pagina e modifica quella"),
    "rule.json_list": ("{text} is not a JSON list", "{text} non è una lista JSON"),
    "rule.list": ("expected a list of names", "serve una lista di nomi"),
    "rule.number": ("{field} must be a number, got {got}", "{field} deve essere un numero, non {got}"),
    "rule.range": ("{field} must be between {low} and {high}, got {got}",
                   "{field} deve essere tra {low} e {high}, non {got}"),
    "rule.choice": ("{field} must be one of {allowed}, got {got}",
                    "{field} deve essere uno tra {allowed}, non {got}"),
    "rule.whole": ("{field} must be a whole number, got {got}",
                   "{field} deve essere un numero intero, non {got}"),
    "rule.channel": ("channel {channel} is not configured (channels: {known})",
                     "il canale {channel} non è configurato (canali: {known})"),
    "rule.no_channels": ("channel {channel} is not configured (channels: none; add "
                         "[[alerts.channels]] to reale.toml)",
                         "il canale {channel} non è configurato (nessun canale: aggiungi "
                         "[[alerts.channels]] a reale.toml)"),
    "rule.brand": ("brand {brand} is not in reale.toml (brands: {known}; * for every brand)",
                   "il brand {brand} non è in reale.toml (brand: {known}; * per tutti i brand)"),
    "rule.kind": ("kind {kind} is not one of {allowed}", "il tipo {kind} non è uno tra {allowed}"),
    "quiet.format": ("quiet hours {text} are not HH:MM-HH:MM (e.g. \"22:00-07:00\")",
                     "le ore di silenzio {text} non sono nella forma HH:MM-HH:MM (per esempio "
                     "\"22:00-07:00\")"),
    "quiet.same": ("quiet hours {text} start and end at the same time; leave quiet_hours empty "
                   "for none",
                   "le ore di silenzio {text} iniziano e finiscono alla stessa ora; lascia vuoto "
                   "il campo per non averne"),
    "tz.unknown": ("unknown timezone {name}; use an IANA name such as \"Europe/Rome\" or "
                   "\"UTC\"",
                   "fuso orario sconosciuto {name}; usa un nome IANA come \"Europe/Rome\" o "
                   "\"UTC\""),
    # a watch-query that does not parse (reale.match): where, then what
    "q.at": ("{error} at position {position}", "{error} alla posizione {position}"),
    "q.too_long": ("query is too long ({n} characters, at most {most})",
                   "la query è troppo lunga ({n} caratteri, al massimo {most})"),
    "q.control": ("control character {char} is not allowed",
                  "il carattere di controllo {char} non è ammesso"),
    "q.phrase_open": ("the phrase that starts at position {start} is not closed: expected '\"'",
                      "la frase che inizia alla posizione {start} non è chiusa: manca '\"'"),
    "q.near_slash": ("expected '/n' after NEAR (for example NEAR/3)",
                     "dopo NEAR serve '/n' (per esempio NEAR/3)"),
    "q.near_far": ("NEAR distance {n} is too large (at most {most})",
                   "la distanza di NEAR {n} è troppo grande (al massimo {most})"),
    "q.empty": ("the query is empty", "la query è vuota"),
    "q.operator": ("expected AND, OR, NOT or the end of the query, found {found}",
                   "qui va AND, OR, NOT o la fine della query, non {found}"),
    "q.near_chain": ("NEAR cannot be chained (group one side with OR in parentheses, or join "
                     "two NEARs with AND): found a second NEAR",
                     "NEAR non si può concatenare (raggruppa un lato con OR tra parentesi, o "
                     "unisci due NEAR con AND): c'è un secondo NEAR"),
    "q.deep": ("the query nests too deeply (more than {most} levels of parentheses and NOT)",
               "la query è annidata troppo in profondità (più di {most} livelli di parentesi "
               "e NOT)"),
    "q.paren": ("expected ')'", "manca ')'"),
    "q.terms": ("too many terms (at most {most})", "troppi termini (al massimo {most})"),
    "q.term": ("expected a term, a phrase or '(', found {found}",
               "qui va un termine, una frase o '(', non {found}"),
    "q.term_at_end": ("expected a term, a phrase or '(', found the end of the query",
                      "qui va un termine, una frase o '(', ma la query è finita"),
    "q.near_operand": ("NEAR works on words, phrases, wildcards and OR-groups of them",
                       "NEAR lega parole, frasi, caratteri jolly e gruppi di questi uniti da OR"),
    "q.lang": ("expected a language code like 'it' or 'pt-br' after 'lang:'",
               "dopo 'lang:' serve il codice di una lingua come 'it' o 'pt-br'"),
    "q.hashtag": ("expected a hashtag name (letters, digits and _) after '#'",
                  "dopo '#' serve il nome di un hashtag (lettere, cifre e _)"),
    "q.minus": ("'-' is not an operator: to leave a term out write 'NOT {term}'",
                "'-' non è un operatore: per escludere un termine scrivi 'NOT {term}'"),
    "q.handle": ("expected a handle like 'name' or 'name.bsky.social' after '{what}'",
                 "dopo '{what}' serve un handle come 'nome' o 'nome.bsky.social'"),
    "q.wildcard_short": ("a wildcard needs at least {n} letters before '*'",
                         "un carattere jolly vuole almeno {n} lettere prima di '*'"),
    "q.wildcard_end": ("'*' is only allowed at the end of a term",
                       "'*' è ammesso solo alla fine di un termine"),
    "q.word": ("expected a word, a phrase, a #tag or an @handle",
               "qui va una parola, una frase, un #tag o un @handle"),
    "q.phrase_long": ("a phrase has at most {most} words",
                      "una frase ha al massimo {most} parole"),
    "q.star": ("'*' must directly follow a word (a trailing wildcard like auto*)",
               "'*' deve seguire subito una parola (un carattere jolly finale come auto*)"),
    # publishing (reale.publish): what the approver reads when a network refuses
    "pub.no_account": ("no publishing account named {account}: configured are {known}",
                       "nessun account di pubblicazione di nome {account}: quelli configurati "
                       "sono {known}"),
    "pub.wrong_account": ("reply {reply} is for account {account} on {network}, not {publisher}",
                          "la risposta {reply} è per l'account {account} su {network}, non per "
                          "{publisher}"),
    "pub.too_long": ("the reply is {n} characters ({size} bytes); {who} takes {most}: shorten "
                     "it and approve it again",
                     "la risposta ha {n} caratteri ({size} byte); {who} ne accetta {most}: "
                     "accorciala e approvala di nuovo"),
    "pub.gave_up": ("{network} account {account}: gave up on reply {reply} after {tries} "
                    "attempts ({last}); it was not posted twice, retry later",
                    "account {account} su {network}: la risposta {reply} non è partita dopo "
                    "{tries} tentativi ({last}); non è stata pubblicata due volte, riprova più "
                    "tardi"),
    "pub.rate_limit": ("{account}: rate limit reached; the next post can go in {wait} s (over "
                       "max_wait={most} s)",
                       "{account}: limite di invii raggiunto; il prossimo post può partire tra "
                       "{wait} s (oltre max_wait={most} s)"),
    "pub.slow_down": ("{account}: {network} says slow down for {wait} s (over max_wait); try "
                      "again later",
                      "{account}: {network} chiede di rallentare per {wait} s (oltre max_wait); "
                      "riprova più tardi"),
    "pub.credentials": ("{network} refused the credentials of account {account} ({http}: "
                        "{detail}); check {secret}",
                        "{network} ha rifiutato le credenziali dell'account {account} "
                        "({http}: {detail}); controlla {secret}"),
    "pub.its_secret": ("its secret", "il suo segreto"),
    "pub.refused": ("{network} refused to {what} ({http}: {detail})",
                    "{network} si è rifiutato di {what} ({http}: {detail})"),
    "pub.what.create_post": ("create the post", "creare il post"),
    "pub.what.post_status": ("post the status", "pubblicare lo stato"),
    "pub.what.lookup_account": ("look up the account", "trovare l'account"),
    "pub.what.list_recent": ("list the account's recent posts",
                             "elencare i post recenti dell'account"),
    "pub.what.find_post": ("find the post {uri}", "trovare il post {uri}"),
    "pub.what.find_status": ("find the status {uri}", "trovare lo stato {uri}"),
    "pub.what.find_status_here": ("find the status {uri} (not found on this instance)",
                                  "trovare lo stato {uri} (non c'è su questa istanza)"),
    "pub.what.open_session": ("open a session with the app password",
                              "aprire una sessione con la password per le app"),
    "pub.retry.timeout": ("timed out ({error})", "tempo scaduto ({error})"),
    "pub.retry.connection": ("connection failed ({error})", "connessione non riuscita ({error})"),
    "pub.retry.rate": ("rate limited (429), waiting {wait} s",
                       "limite di invii raggiunto (429), attesa di {wait} s"),
    "pub.retry.server": ("server error {http}", "errore del server {http}"),
    "pub.retry.duplicate": ("X says the post is a duplicate: it may be there already",
                            "X dice che il post è un duplicato: potrebbe esserci già"),
    "pub.no_tweet_id": ("cannot reply on X to {uri}: no tweet id in it",
                        "impossibile rispondere su X a {uri}: non contiene l'id di un tweet"),
    "pub.gone": ("bluesky: the post {uri} is gone; nothing to reply to",
                 "bluesky: il post {uri} non c'è più; non c'è niente a cui rispondere"),
    # the publishers' gate (reale.desk.approval, reale.publish): a reply without a standing
    # approval is never sent
    "appr.only_workflow": ("an ApprovedReply can only come from ApprovalWorkflow.approve(): "
                           "submit the reply and have an approver approve it",
                           "un'approvazione può venire solo da ApprovalWorkflow.approve(): invia "
                           "la risposta per approvazione e falla approvare da un approvatore"),
    "appr.frozen": ("an ApprovedReply cannot be changed; edit the reply and re-approve",
                    "un'approvazione non si può cambiare: modifica la risposta e approvala di "
                    "nuovo"),
    "appr.no_copy": ("an ApprovedReply cannot be copied; ask the workflow for it again",
                     "un'approvazione non si può copiare: chiedila di nuovo al flusso di "
                     "approvazione"),
    "appr.none_standing": ("reply {reply} has no standing approval in the decision log",
                           "la risposta {reply} non ha un'approvazione valida nel registro delle "
                           "decisioni"),
    "appr.not_approved": ("refusing to publish a {kind}: only an ApprovedReply can be sent",
                          "un {kind} non si pubblica: si può inviare solo una risposta approvata "
                          "(ApprovedReply)"),
    "appr.altered": ("this approval was not issued by this desk or was altered",
                     "questa approvazione non viene da questo desk o è stata alterata"),
    "appr.no_record": ("no recorded approval for reply {reply}",
                       "nessuna approvazione registrata per la risposta {reply}"),
    "appr.not_by_approver": ("decision {decision} is not an approval by an approver",
                             "la decisione {decision} non è un'approvazione di un approvatore"),
    "appr.state": ("reply {reply} is {state}, not approved",
                   "la risposta {reply} è {state}, non approvata"),
    "appr.text_changed": ("the text of reply {reply} is not the text that was approved",
                          "il testo della risposta {reply} non è quello che è stato approvato"),
    "appr.superseded": ("approval {decision} of reply {reply} was superseded",
                        "l'approvazione {decision} della risposta {reply} è stata sostituita da "
                        "una più recente"),
    "appr.clear_only": ("only Publisher.publish can clear a reply for sending",
                        "solo Publisher.publish può autorizzare l'invio di una risposta"),
    "appr.needs_cleared": ("a network call needs a reply cleared by Publisher.publish",
                           "una chiamata alla rete richiede una risposta autorizzata da "
                           "Publisher.publish"),
    # the model endpoint that drafts replies (reale.desk.llm)
    "llm.failed": ("LLM endpoint {url} failed: {error}",
                   "l'endpoint del modello linguistico {url} non ha risposto: {error}"),
    "llm.status": ("LLM endpoint {url} answered {http}: {detail}",
                   "l'endpoint del modello linguistico {url} ha risposto {http}: {detail}"),
    "llm.no_choices": ("LLM endpoint {url} gave an answer without choices[0].message",
                       "l'endpoint del modello linguistico {url} ha dato una risposta senza "
                       "choices[0].message"),
    "llm.not_text": ("LLM endpoint {url} gave a non-text message",
                     "l'endpoint del modello linguistico {url} ha dato un messaggio che non è "
                     "testo"),
}

def say(key: str, lang: str, **values: object) -> str:
    """The refusal ``key`` in ``lang`` (English for any language but Italian); an unknown key
    shows itself, so a test can catch it. A value given as an (English, Italian) pair is said
    in the same language, one given as ``{"key": …, **values}`` (a lower layer's words inside
    its refusal) is said from this table too, and a list of values is said as alternatives
    ("a or b", "a o b").

    >>> say("pub.refused", "it", network="x", http=403, detail="Forbidden",
    ...     what={"key": "pub.what.create_post"})
    'x si è rifiutato di creare il post (403: Forbidden)'
    """
    index = 1 if lang == "it" else 0
    pair = ERRORS.get(key)
    text = pair[index] if pair else key
    said = {k: _value(v, index, lang) for k, v in values.items()}
    return text.format(**said) if said else text


def say_html(key: str, lang: str, **values: object) -> Markup:
    """:func:`say` as HTML for a page: every value escaped (a network's words are hostile
    input), and text someone else wrote (:class:`~reale.foreign.Foreign`) set apart in a span
    marked with its own language when the sentence around it is in another.

    >>> str(say_html("pub.refused", "it", network="x", http=400, what="post",
    ...              detail=Foreign("<b>bad</b>")))
    'x si è rifiutato di post (400: <span lang="en">&lt;b&gt;bad&lt;/b&gt;</span>)'
    """
    index = 1 if lang == "it" else 0
    pair = ERRORS.get(key)
    text = escape(pair[index] if pair else key)
    said = {k: _html(v, index, lang) for k, v in values.items()}
    return text.format(**said) if said else text


def _html(value: object, index: int, lang: str) -> object:
    if isinstance(value, Foreign):
        if value.lang == lang:
            return escape(value)
        return Markup('<span lang="{}">{}</span>').format(value.lang, value)
    if isinstance(value, list):
        said = [escape(_html(v, index, lang)) for v in value]
        last = Markup(" o " if lang == "it" else " or ")
        return last.join([Markup(", ").join(said[:-1]), said[-1]]) if len(said) > 1 else \
            Markup("").join(said)
    if isinstance(value, dict) and isinstance(value.get("key"), str):
        inner = {str(k): v for k, v in value.items() if k != "key"}
        return say_html(value["key"], lang, **inner)
    return _value(value, index, lang)


def _value(value: object, index: int, lang: str) -> object:
    if isinstance(value, tuple):
        return value[index]
    if isinstance(value, list):  # alternatives: "draft, submitted or approved", "…, … o …"
        said = [str(_value(v, index, lang)) for v in value]
        last = " o " if lang == "it" else " or "
        return last.join([", ".join(said[:-1]), said[-1]]) if len(said) > 1 else "".join(said)
    if isinstance(value, dict) and isinstance(value.get("key"), str):
        inner = {str(k): v for k, v in value.items() if k != "key"}
        return say(value["key"], lang, **inner)
    return value


__all__ = ["ERRORS", "say", "say_html"]
