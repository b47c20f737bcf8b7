"""The typical size of a group named by its collective noun with no number (*per il mio coro*, *for
my book club*, *la mia classe*): how many a post that asks for the group asks for. Italian and
English, singular and plural; the reason for each size is written beside it.
"""

from __future__ import annotations

MAX_UNITS = 50  # the most units a post is read as asking for, however many it says
BULK_UNITS = 10  # a supply, a case, "for the whole office" with no number: about ten

CLASS = 25  # Italian classes hold 18 to 27 pupils (DPR 81/2009); English ones about as many
CHOIR = 25  # an amateur choir sings in four voices (SATB) of five to eight each: 20 to 30
TROOP = 25  # a scout troop (AGESCI *reparto*, a Scouts troop): three or four patrols of 6 to 8
FOOTBALL = 20  # a match-day squad: eleven and the substitutes on the bench (seven to nine)
COURT = 12  # a volleyball or basketball match roster: twelve (FIBA; FIPAV twelve plus liberos)
CIRCLE = 5  # one's friends asked for together: the closest layer of acquaintances, about five
# (Dunbar's "support clique", 3 to 5, the friends one goes out with)
FLAT = 3  # a shared flat: the writer's two or three flatmates
PAIR = 2  # one's parents, grandparents, children: a pair, as the plural says

# Groups of people: singular and plural (a plural is at least two groups, capped), with the
# people nouns that stand for the whole group ("i miei studenti": one class).
_PEOPLE_GROUPS: dict[str, int] = {
    "classe": CLASS, "class": CLASS, "classi": 2 * CLASS, "classes": 2 * CLASS,
    "studenti": CLASS, "students": CLASS, "alunni": CLASS, "pupils": CLASS, "allievi": CLASS,
    "classmates": CLASS, "compagni di classe": CLASS,
    "coro": CHOIR, "choir": CHOIR, "cori": 2 * CHOIR, "choirs": 2 * CHOIR, "coristi": CHOIR,
    "choristers": CHOIR,
    "gruppo scout": TROOP, "reparto scout": TROOP, "scout group": TROOP, "scout troop": TROOP,
    "troop": TROOP, "scout": TROOP, "scouts": TROOP, "lupetti": TROOP, "cub pack": TROOP,
    # a team, a crew or one's colleagues: the bulk ten; a book club reads around one table (6 to
    # 15); five-a-side (calcetto): five on the pitch and as many changes, or two fives a week
    "team": BULK_UNITS, "squadra": BULK_UNITS, "teams": 2 * BULK_UNITS, "squadre": 2 * BULK_UNITS,
    "crew": BULK_UNITS, "staff": BULK_UNITS, "colleghi": BULK_UNITS, "colleagues": BULK_UNITS,
    "coworkers": BULK_UNITS, "dipendenti": BULK_UNITS, "employees": BULK_UNITS,
    "teammates": BULK_UNITS, "compagni di squadra": BULK_UNITS,
    "book club": BULK_UNITS, "club del libro": BULK_UNITS, "club di lettura": BULK_UNITS,
    "gruppo di lettura": BULK_UNITS, "circolo di lettura": BULK_UNITS, "reading group": BULK_UNITS,
    "squadra di calcetto": BULK_UNITS, "five-a-side team": BULK_UNITS,
    "squadra di calcio": FOOTBALL, "football team": FOOTBALL, "soccer team": FOOTBALL,
    "squadra di pallavolo": COURT, "squadra di volley": COURT, "volleyball team": COURT,
    "squadra di basket": COURT, "squadra di pallacanestro": COURT, "basketball team": COURT,
    "famiglia": 4, "family": 4,  # parents and two children: a household asking for its members
    "amici": CIRCLE, "amiche": CIRCLE, "friends": CIRCLE,
    "coinquilini": FLAT, "coinquiline": FLAT, "flatmates": FLAT, "roommates": FLAT,
    "housemates": FLAT,
    "figli": PAIR, "kids": PAIR, "children": PAIR, "genitori": PAIR, "parents": PAIR,
    "nonni": PAIR, "grandparents": PAIR,
}
# Places, not people: a group to give to only when whole or given to ("for my office", "per tutto
# il condominio"), not where something is sent ("to my office", "nel mio condominio"). An office,
# a department or a company the bulk ten; a condominium ten too (the civil code, art. 1129,
# requires an administrator from nine owners up); a whole school as many as the cap allows.
_PLACE_GROUPS: dict[str, int] = {
    "ufficio": BULK_UNITS, "office": BULK_UNITS, "reparto": BULK_UNITS,
    "department": BULK_UNITS, "azienda": BULK_UNITS, "company": BULK_UNITS,
    "condominio": BULK_UNITS, "apartment building": BULK_UNITS, "apartment block": BULK_UNITS,
    "block of flats": BULK_UNITS,
    "scuola": MAX_UNITS, "school": MAX_UNITS,
}
GROUP_SIZES: dict[str, int] = {**_PEOPLE_GROUPS, **_PLACE_GROUPS}
PLACES = frozenset(_PLACE_GROUPS)

# Words after a group that make it no group of people: a favourite (*la mia squadra del cuore*,
# *il mio team preferito*: the one the writer supports), a social class (*la classe operaia*),
# a quality (*class act*), an energy rating (*classe energetica*).
NOT_PEOPLE_AFTER = (r"preferit[oaie]|del cuore|operai[ae]|dirigente|politica|sociale|"
                    r"energetica|act|action")

__all__ = ["BULK_UNITS", "GROUP_SIZES", "MAX_UNITS", "NOT_PEOPLE_AFTER", "PLACES"]
