"""A few posts in other languages, so the stream's language mix is not only Italian and English.

Short everyday sentences; replies in these languages reuse the same pools.
"""

from __future__ import annotations

POSTS: dict[str, tuple[str, ...]] = {
    "es": (
        "Por fin viernes, ¿planes para el finde?", "Hoy ha llovido todo el día en Madrid",
        "El partido de anoche fue una locura ⚽", "Necesito vacaciones ya mismo",
        "¿Alguien ha visto la nueva serie? Sin spoilers por favor", "Café y a trabajar ☕",
        "Qué bonito atardecer hoy 🌅", "Mi gato me despierta a las 6 todos los días",
    ),
    "de": (
        "Endlich Wochenende! Was habt ihr vor?", "Der Zug hat schon wieder Verspätung",
        "Heute gibt es Spätzle, ganz wie bei Oma", "Wer schaut heute Abend das Spiel?",
        "Kaffee Nummer drei und es ist noch nicht mal zehn", "Frühling, endlich 🌷",
        "Neues Buch angefangen und kann nicht aufhören", "Das WLAN hasst mich heute",
    ),
    "fr": (
        "Enfin vendredi ! Des projets pour le week-end ?", "Il pleut encore à Paris",
        "Le match d'hier soir, quelle folie ⚽", "Un café et au boulot ☕",
        "Quelqu'un a vu la nouvelle série ? Pas de spoilers", "Premier jour de printemps 🌸",
        "Mon chat a décidé que 6h c'était l'heure du petit-déj", "Je veux des vacances",
    ),
    "pt": (
        "Finalmente sexta-feira! Planos para o fim de semana?", "Choveu o dia todo hoje",
        "Que jogo ontem à noite ⚽", "Café e trabalho ☕", "Alguém viu a série nova?",
        "Pôr do sol lindo hoje 🌅", "Preciso de férias urgente", "Meu gato me acorda às 6",
    ),
    "ja": (
        "やっと金曜日！週末の予定は？", "今日は一日中雨でした", "昨日の試合すごかった⚽",
        "コーヒー三杯目☕", "新しいドラマ見た？ネタバレなしで", "春がきた🌸",
        "猫が毎朝6時に起こしてくる", "休みがほしい",
    ),
}
