"""Text someone else wrote, carried inside a refusal's values (reale.errors): said as written,
never translated, and marked with its language by whoever shows it (reale.web.error_words).
"""

from __future__ import annotations


class Foreign(str):
    """Text someone else wrote (a network's or a model endpoint's own error message) carried in
    a refusal's ``values``: said as written, never translated, and marked as English where the
    sentence around it is in another language. It is hostile input: whoever shows it escapes it.

    >>> Foreign("bad record") == "bad record"
    True
    """

    lang = "en"


__all__ = ["Foreign"]
