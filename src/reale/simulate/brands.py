"""The brands people talk about in the simulated stream, and how they talk about them.

:data:`DEFAULT_BRANDS` are fictional; several names are also common words ("una volta", "una
mela", "con brio", "in un lampo", a woman called Fiorella) so relevance has real work to do.
"""

from __future__ import annotations

import msgspec

from reale.config import BrandConfig

KINDS = ("praise", "question", "complaint", "neutral", "appeal")
KIND_WEIGHTS = (0.3, 0.2, 0.25, 0.2, 0.05)


class BrandSpec(msgspec.Struct, frozen=True, kw_only=True):
    """One simulated brand: its account and the words that name it.

    ``decoys`` are ``(lang, text)`` posts that use the brand's name as an ordinary word.
    """

    name: str
    handle: str
    display_name: str = ""
    category: str = "generic"  # car | florist | phone | coffee | courier | generic
    hashtags: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    products: tuple[str, ...] = ()
    prices: tuple[float, ...] = ()  # the products' list prices in euros, in the same order
    lang: str = "it"
    followers: int = 10_000
    decoys: tuple[tuple[str, str], ...] = ()

    def price_list(self) -> dict[str, float]:
        """The products with their prices, as a brand's ``products`` table in reale.toml."""
        return dict(zip(self.products, self.prices, strict=False))

    @classmethod
    def from_config(cls, brand: BrandConfig, *, category: str = "generic") -> BrandSpec:
        """A simulated brand from a ``[[brands]]`` entry of ``reale.toml``."""
        handle = brand.handles[0].lstrip("@") if brand.handles else f"{_slug(brand.name)}.bsky.social"
        if "." not in handle:
            handle += ".bsky.social"
        return cls(name=brand.name, handle=handle, display_name=brand.name, category=category,
                   hashtags=tuple(h if h.startswith("#") else "#" + h for h in brand.hashtags),
                   keywords=brand.keywords or (brand.name,), lang=brand.language or "it",
                   products=tuple(brand.products), prices=tuple(brand.products.values()))


def _slug(name: str) -> str:
    return "".join(ch for ch in name.lower() if ch.isalnum()) or "brand"


DEFAULT_BRANDS: tuple[BrandSpec, ...] = (
    BrandSpec(
        name="Volta", handle="volta-auto.bsky.social", display_name="Volta Auto Italia",
        category="car", hashtags=("#VoltaAuto",), keywords=("Volta",),
        products=("Volta Pico", "Volta Arco", "Volta Onda"), prices=(16_900, 21_500, 27_900),
        followers=48_000,
        decoys=(("it", "C'era una volta un bar sotto casa che faceva il cornetto perfetto"),
                ("it", "Per una volta che esco presto dal lavoro, piove"),
                ("it", "Questa volta vinciamo noi, me lo sento"),
                ("it", "Ogni volta che lavo la macchina arriva il temporale"),
                ("en", "Visited the Volta museum in Como, the battery guy was a genius"),
                ("en", "Lake Volta documentary tonight, absolutely stunning footage")),
    ),
    BrandSpec(
        name="Fiorella", handle="fiorella.bsky.social", display_name="Fiorella Fiori",
        category="florist", hashtags=("#Fiorella",), keywords=("Fiorella",),
        products=("bouquet di primavera", "mazzo di tulipani", "mazzo di peonie"),
        prices=(35, 25, 45), followers=40,
        decoys=(("it", "Auguri zia Fiorella! 80 anni e ancora ci batte tutti a briscola 🎂"),
                ("it", "La mia vicina Fiorella fa la crostata più buona del quartiere"),
                ("it", "Fiorella Mannoia alla radio e la giornata migliora"),
                ("en", "My nonna Fiorella would have loved this recipe")),
    ),
    BrandSpec(
        name="Mela", handle="mela-mobile.bsky.social", display_name="Mela Mobile",
        category="phone", hashtags=("#MelaPhone",), keywords=("Mela", "MelaPhone"),
        products=("Mela 12", "Mela 12 Pro", "Mela Mini"), prices=(899, 1099, 599),
        followers=310_000,
        decoys=(("it", "Una mela al giorno toglie il medico di torno, dicono 🍎"),
                ("it", "Pranzo da campioni: una mela e un caffè"),
                ("it", "Torta di mela della nonna, la ricetta non la do a nessuno"),
                ("en", "Learned the Italian word for apple today: mela 🍎")),
    ),
    BrandSpec(
        name="Brio", handle="caffebrio.bsky.social", display_name="Caffè Brio",
        category="coffee", hashtags=("#CaffeBrio",), keywords=("Brio", "Caffè Brio"),
        products=("capsule Intenso", "capsule Classico", "capsule Deca"), prices=(4.5, 4, 4.5),
        followers=26_000,
        decoys=(("it", "Il quartetto ha suonato con un brio incredibile, serata splendida"),
                ("it", "Ci vuole un po' di brio in questo ufficio il lunedì"),
                ("en", "The orchestra played the finale with such brio, goosebumps"),
                ("en", "Allegro con brio is my whole personality today")),
    ),
    BrandSpec(
        name="Lampo", handle="lampo-express.bsky.social", display_name="Lampo Express",
        category="courier", hashtags=("#LampoExpress",), keywords=("Lampo", "Lampo Express"),
        products=("spedizione express", "consegna in 24 ore"), prices=(9.9, 6.9),
        followers=85_000,
        decoys=(("it", "Un lampo e poi il tuono, il temporale è arrivato 🌩️"),
                ("it", "Il weekend è passato in un lampo, come sempre"),
                ("it", "Si è rotta la chiusura lampo della giacca, giornata perfetta"),
                ("en", "Lampo means lightning in Italian, learned that from my barber")),
    ),
)

_Templates = dict[str, dict[str, tuple[str, ...]]]  # language -> kind -> templates

# Posts that really are about a brand. {brand} {at} {tag} {product} are filled per post.
_CAR: _Templates = {
    "it": {
        "praise": ("Sei mesi con la mia {product} e zero problemi. Consumi bassissimi 🚗",
                   "Noleggiata una {product} per il weekend: piccola ma ci sta tutto. Promossa {tag}",
                   "Devo dirlo: l'officina {brand} di via Roma è gentilissima"),
        "question": ("{at} la {product} ha il cambio automatico anche nella versione base?",
                     "Qualcuno ha la {product}? Com'è in autostrada?"),
        "complaint": ("Tre settimane per un tagliando in concessionaria {brand}. Assurdo. {at}",
                      "{at} la spia del motore della mia {product} si accende a caso da giorni"),
        "neutral": ("Vista la nuova pubblicità {brand} in tv, quella con il cane",
                    "Al salone dell'auto lo stand {brand} era pienissimo"),
        "appeal": ("{at} se mi prestate una {product} per il matrimonio di mia sorella vi amo 😂",),
    },
    "en": {
        "praise": ("Six months with my {product} and not a single problem {tag}",
                   "Rented a {product} for the weekend: tiny but fits everything"),
        "question": ("{at} does the base {product} come with an automatic gearbox?",),
        "complaint": ("Three weeks for a service at the {brand} dealer. Ridiculous. {at}",),
        "neutral": ("Saw the new {brand} ad on TV, the one with the dog",),
        "appeal": ("{at} lend me a {product} for the road trip and I'll sing your praises 😂",),
    },
}
_FLORIST: _Templates = {
    "it": {
        "praise": ("I fiori di {brand} per il compleanno di mia madre erano bellissimi 🌷",
                   "Il {product} di {brand} è durato due settimane, mai visto {tag}"),
        "question": ("{at} consegnate anche la domenica?", "{at} fate composizioni per matrimoni?"),
        "complaint": ("Il {product} di {brand} è arrivato con metà dei fiori appassiti. Peccato. {at}",),
        "neutral": ("Passata davanti alla vetrina di {brand}, sempre piena di colori",),
        "appeal": ("{at} mi regalate un {product} per la festa della mamma? 🙏",),
    },
    "en": {
        "praise": ("The flowers from {brand} for my mum's birthday were gorgeous 🌷",),
        "question": ("{at} do you deliver on Sundays?",),
        "complaint": ("{brand} bouquet arrived half wilted. Disappointing {at}",),
        "neutral": ("Walked past the {brand} shop window, always so colourful",),
        "appeal": ("{at} any chance of a free bouquet for my anniversary? 🙏",),
    },
}
_PHONE: _Templates = {
    "it": {
        "praise": ("Il {product} fa delle foto notturne incredibili {tag}",
                   "Passato al {product} da una settimana, batteria infinita"),
        "question": ("{at} il {product} si può caricare in wireless?",
                     "Meglio il {product} o aspetto il prossimo modello?"),
        "complaint": ("Il mio {product} si spegne da solo al 30% di batteria {at}",
                      "Assistenza {brand} introvabile, il telefono è fermo da dieci giorni"),
        "neutral": ("Presentazione {brand} stasera, vediamo cosa si inventano",),
        "appeal": ("{at} mandatemi un {product} da provare, prometto recensione onesta 😇",),
    },
    "en": {
        "praise": ("The {product} night photos are unreal {tag}",),
        "question": ("{at} does the {product} support wireless charging?",),
        "complaint": ("My {product} shuts down at 30% battery every single day {at}",),
        "neutral": ("{brand} launch event tonight, let's see what they've got",),
        "appeal": ("{at} send me a {product} to review, honest opinion guaranteed 😇",),
    },
}
_COFFEE: _Templates = {
    "it": {
        "praise": ("Le {product} di {brand} sono le uniche che sanno di caffè vero ☕",
                   "Buongiorno con le {product} di {brand} {tag}"),
        "question": ("{at} le capsule sono compostabili?",),
        "complaint": ("Le {product} di {brand} costano il doppio di un anno fa. Ma perché? {at}",),
        "neutral": ("Al supermercato c'è l'offerta sulle capsule {brand}",),
        "appeal": ("{at} una scorta di {product} per l'ufficio? Siamo in dieci e disperati",),
    },
    "en": {
        "praise": ("{brand} pods are the only pod coffee that tastes like actual coffee ☕",),
        "question": ("{at} are your pods compostable?",),
        "complaint": ("{brand} pods doubled in price in a year. Why? {at}",),
        "neutral": ("{brand} is on offer at the supermarket this week",),
        "appeal": ("{at} a box of pods for our office? Ten desperate people here",),
    },
}
_COURIER: _Templates = {
    "it": {
        "praise": ("Ordinato ieri sera, consegnato stamattina da {brand}. Chapeau",),
        "question": ("{at} è possibile cambiare l'indirizzo di consegna?",),
        "complaint": ("Pacco {brand} 'in consegna' da tre giorni. Dove sei?? {at}",
                      "Il corriere {brand} ha lasciato l'avviso senza nemmeno suonare {at}"),
        "neutral": ("Furgone {brand} parcheggiato in doppia fila sotto casa, come ogni giorno",),
        "appeal": ("{at} regalatemi la spedizione gratis, ve lo chiedo col cuore",),
    },
    "en": {
        "praise": ("Ordered last night, delivered this morning by {brand}. Impressive",),
        "question": ("{at} can I change my delivery address?",),
        "complaint": ("{brand} parcel 'out for delivery' for three days. Where is it?? {at}",),
        "neutral": ("{brand} van double parked outside again",),
        "appeal": ("{at} free shipping for a loyal customer? Asking nicely",),
    },
}
_GENERIC: _Templates = {
    "it": {
        "praise": ("Provato {brand} per la prima volta, sorpresa in positivo {tag}",),
        "question": ("{at} avete un negozio a Milano?", "Qualcuno ha provato {brand}? Com'è?"),
        "complaint": ("Servizio clienti {brand} non pervenuto. Da una settimana aspetto {at}",),
        "neutral": ("Vista una pubblicità di {brand} in metro",),
        "appeal": ("{at} fatemi un regalo, dai 😂",),
    },
    "en": {
        "praise": ("Tried {brand} for the first time, pleasantly surprised {tag}",),
        "question": ("{at} do you ship to Ireland?", "Has anyone tried {brand}? Any good?"),
        "complaint": ("{brand} customer service is a ghost. Waiting a week now {at}",),
        "neutral": ("Saw a {brand} ad on the tube",),
        "appeal": ("{at} send me some freebies, go on 😂",),
    },
}

TEMPLATES: dict[str, _Templates] = {
    "car": _CAR, "florist": _FLORIST, "phone": _PHONE, "coffee": _COFFEE,
    "courier": _COURIER, "generic": _GENERIC,
}
