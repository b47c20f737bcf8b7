"""Name pools for the simulated people: first names, surnames, nicknames and short bios.

Plain data, Italian and English, chosen to look like the accounts of a real network.
"""

from __future__ import annotations

FIRST: dict[str, tuple[str, ...]] = {
    "it": (
        "Giulia", "Francesca", "Chiara", "Sara", "Martina", "Valentina", "Alessia", "Elena",
        "Federica", "Silvia", "Laura", "Paola", "Roberta", "Elisa", "Giorgia", "Anna", "Marta",
        "Ilaria", "Beatrice", "Camilla", "Noemi", "Veronica", "Serena", "Daniela", "Barbara",
        "Marco", "Luca", "Andrea", "Matteo", "Alessandro", "Francesco", "Davide", "Simone",
        "Lorenzo", "Stefano", "Giuseppe", "Paolo", "Roberto", "Federico", "Riccardo", "Gabriele",
        "Tommaso", "Nicola", "Emanuele", "Antonio", "Pietro", "Filippo", "Giacomo", "Michele",
        "Daniele", "Fabio", "Massimo", "Claudio", "Enrico", "Vincenzo", "Salvatore", "Carlo",
    ),
    "en": (
        "Emma", "Olivia", "Sophie", "Chloe", "Grace", "Hannah", "Lucy", "Amelia", "Jessica",
        "Megan", "Rachel", "Laura", "Katie", "Emily", "Abigail", "Zoe", "Natalie", "Claire",
        "James", "Oliver", "Jack", "Harry", "Thomas", "Daniel", "Matt", "Sam", "Ben", "Chris",
        "Josh", "Ryan", "Luke", "Adam", "Nathan", "Tom", "Joe", "Will", "Alex", "Jordan",
        "Tyler", "Connor", "Ethan", "Liam", "Noah", "Dylan", "Marcus", "Aaron", "Kevin",
    ),
}

LAST: dict[str, tuple[str, ...]] = {
    "it": (
        "Rossi", "Russo", "Ferrari", "Esposito", "Bianchi", "Romano", "Colombo", "Ricci",
        "Marino", "Greco", "Bruno", "Gallo", "Conti", "De Luca", "Mancini", "Costa", "Giordano",
        "Rizzo", "Lombardi", "Moretti", "Barbieri", "Fontana", "Santoro", "Mariani", "Rinaldi",
        "Caruso", "Ferri", "Fabbri", "Galli", "Martini", "Leone", "Longo", "Gentile", "Martinelli",
        "Vitale", "Lombardo", "Serra", "Coppola", "De Santis", "D'Angelo", "Marchi", "Parisi",
        "Villa", "Conte", "Ferraro", "Ferrara", "Fiore", "Pellegrini", "Monti", "Testa", "Grasso",
        "Bellini", "Basile", "Riva", "Donati", "Piras", "Sanna", "Orlando", "Negri", "Bassi",
    ),
    "en": (
        "Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies", "Walker",
        "Wright", "Thompson", "Evans", "Roberts", "Green", "Hall", "Wood", "Jackson", "Clarke",
        "Patel", "Khan", "Lewis", "Harris", "Martin", "Cooper", "King", "Lee", "Baker", "Hill",
        "Morgan", "Allen", "Young", "Scott", "Turner", "Carter", "Phillips", "Mitchell",
        "Campbell", "Anderson", "Murphy", "Kelly", "Reed", "Hughes", "Price", "Bennett",
    ),
}

NICK: tuple[str, ...] = (
    "gattonero", "pizzaiolo", "lunapiena", "ilpoeta", "nonnasprint", "caffeina", "tramonto",
    "bluvespa", "pixelrosso", "marenero", "nottefonda", "orsetto", "vagabondo", "lamatta",
    "ciclista", "fornaia", "lupodimare", "stellina", "cuoreribelle", "viaggiatrice",
    "nightowl", "coffeegeek", "bookworm", "rainyday", "pixeldust", "trailrunner", "synthwave",
    "catlady", "dadjokes", "plantmom", "retrogamer", "moonchild", "sundaycook", "citybiker",
)

BIO: dict[str, tuple[str, ...]] = {
    "it": (
        "{job} a {city}. Opinioni mie.", "Caffè, libri e gatti. {city}.",
        "{job}. Tifo, cucino, viaggio quando posso.", "Mamma, {job}, sempre in ritardo.",
        "Papà, runner della domenica, {job}.", "Qui per le chiacchiere. {city} nel cuore.",
        "{job} · fotografia · montagna", "Studio, lavoro, mi lamento del meteo.", "",
    ),
    "en": (
        "{job} in {city}. Views my own.", "Coffee, books and cats. {city}.",
        "{job}. Football, cooking, travelling when I can.", "Mum, {job}, always late.",
        "Dad, weekend runner, {job}.", "Here for the chat. {city} forever.",
        "{job} · photography · hiking", "Studying, working, complaining about the weather.", "",
    ),
}

JOB: dict[str, tuple[str, ...]] = {
    "it": ("Insegnante", "Ingegnera", "Grafico", "Infermiera", "Sviluppatore", "Commercialista",
           "Studentessa", "Cuoco", "Giornalista", "Architetta", "Social media manager", "Barista"),
    "en": ("Teacher", "Engineer", "Designer", "Nurse", "Developer", "Accountant", "Student",
           "Chef", "Journalist", "Architect", "Social media manager", "Barista"),
}

CITY: dict[str, tuple[str, ...]] = {
    "it": ("Milano", "Roma", "Torino", "Bologna", "Napoli", "Firenze", "Bari", "Palermo",
           "Genova", "Verona", "Padova", "Cagliari", "Trieste", "Parma", "Lecce", "Bergamo"),
    "en": ("London", "Manchester", "Leeds", "Bristol", "Glasgow", "Dublin", "Brighton",
           "New York", "Boston", "Chicago", "Toronto", "Sydney", "Seattle", "Austin"),
}
