"""A small PDF writer for the case-history export: A4 pages of wrapped Helvetica text (headings,
paragraphs, bullet lines, rules), no dependencies, no browser. Text outside Windows-1252 (emoji,
most non-Latin scripts) is shown as '?': the JSON and HTML exports keep it exactly.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

_W = [278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278,
      *[556] * 10, 278, 278, 584, 584, 584, 556, 1015, 667, 667, 722, 722, 667, 611, 778, 722,
      278, 500, 667, 556, 833, 722, 778, 667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611,
      278, 278, 278, 469, 556, 333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222,
      833, 556, 556, 556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584]
PAGE_W, PAGE_H, MARGIN = 595.0, 842.0, 56.0


def text_width(text: str, size: float, bold: bool = False) -> float:
    """Width of ``text`` in points in Helvetica (bold is about 5% wider)."""
    units = sum(_W[ord(c) - 32] if 32 <= ord(c) < 127 else 556 for c in text)
    return units * size / 1000 * (1.05 if bold else 1.0)


def wrap(text: str, size: float, width: float, bold: bool = False) -> list[str]:
    lines: list[str] = []
    for para in text.replace("\r", "").split("\n"):
        line = ""
        for word in para.split(" "):
            while text_width(word, size, bold) > width:  # a word longer than a line is cut
                cut = max(1, int(len(word) * width / text_width(word, size, bold)) - 1)
                if line:
                    lines.append(line)
                    line = ""
                lines.append(word[:cut])
                word = word[cut:]
            candidate = f"{line} {word}" if line else word
            if text_width(candidate, size, bold) <= width:
                line = candidate
            else:
                lines.append(line)
                line = word
        lines.append(line)
    return lines


def _literal(text: str) -> bytes:
    raw = text.encode("cp1252", "replace")
    return b"(" + raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)") + b")"


class PdfDocument:
    """Lines of text laid out top to bottom over as many A4 pages as needed."""

    def __init__(self, title: str) -> None:
        self.title = title
        self.pages: list[list[bytes]] = [[]]
        self.y = PAGE_H - MARGIN

    def _need(self, height: float) -> None:
        if self.y - height < MARGIN:
            self.pages.append([])
            self.y = PAGE_H - MARGIN

    def text(self, text: str, size: float = 10, *, bold: bool = False, grey: bool = False,
             indent: float = 0.0, leading: float = 1.4) -> None:
        for line in wrap(text, size, PAGE_W - 2 * MARGIN - indent, bold):
            self._need(size * leading)
            self.y -= size * leading
            colour = b"0.45 g " if grey else b"0.1 g "
            font = b"/F2" if bold else b"/F1"
            self.pages[-1].append(colour + b"BT " + font + b" %.1f Tf %.1f %.1f Td " % (
                size, MARGIN + indent, self.y) + _literal(line) + b" Tj ET")

    def heading(self, text: str) -> None:
        self._need(40)
        self.y -= 12
        self.text(text, 13, bold=True)
        self.rule()

    def rule(self) -> None:
        self.y -= 4
        self.pages[-1].append(b"0.8 G 0.5 w %.1f %.1f m %.1f %.1f l S" % (
            MARGIN, self.y, PAGE_W - MARGIN, self.y))
        self.y -= 4

    def space(self, points: float = 6) -> None:
        self.y -= points

    def render(self) -> bytes:
        objects: list[bytes] = [
            b"<< /Type /Catalog /Pages 2 0 R >>", b"",  # pages filled in below
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold"
            b" /Encoding /WinAnsiEncoding >>",
            b"<< /Title " + _literal(self.title) + b" /Producer (Reale) >>",
        ]
        kids = []
        for ops in self.pages:
            stream = b"\n".join(ops)
            objects.append(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
            objects.append(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources"
                           b" << /Font << /F1 3 0 R /F2 4 0 R >> >> /Contents %d 0 R >>"
                           % (len(objects)))
            kids.append(len(objects))
        objects[1] = b"<< /Type /Pages /Kids [" + b" ".join(b"%d 0 R" % k for k in kids) + \
            b"] /Count %d >>" % len(kids)
        out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
        offsets = []
        for i, body in enumerate(objects, start=1):
            offsets.append(len(out))
            out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
        xref = len(out)
        out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
        out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
        out += b"trailer\n<< /Size %d /Root 1 0 R /Info 5 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
            len(objects) + 1, xref)
        return bytes(out)


def _utc_when(ts: Any, lang: str = "en") -> str:
    if not isinstance(ts, int | float):
        return ""
    fmt = "%d/%m/%Y %H:%M UTC" if lang == "it" else "%Y-%m-%d %H:%M UTC"
    try:
        return datetime.fromtimestamp(float(ts), UTC).strftime(fmt)
    except (ValueError, OverflowError, OSError):  # a stored time beyond the years 1 to 9999
        return f"{float(ts):.0f} s"


def _word(t: Callable[..., str], prefix: str, value: Any) -> str:
    """A code (an event, a role, a fact) in the reader's words, else as stored."""
    said = t(f"{prefix}{value}")
    return str(value).replace("_", " ") if said == f"{prefix}{value}" else said


def case_pdf(data: dict[str, Any], t: Callable[..., str], lang: str = "en") -> bytes:
    """The case history as a PDF, from the same data as its page and JSON twin, with dates and
    the desk's own words in ``lang`` (the reader's)."""
    opp = data["opportunity"]

    def _when(ts: Any) -> str:
        return _utc_when(ts, lang)

    doc = PdfDocument(f"{t('case.title')}: {opp['brand']} / @{opp['author']}")
    doc.text(t("case.title"), 20, bold=True)
    doc.text(f"{opp['brand']} · @{opp['author']} · {t('kind.' + opp['kind'])} · "
             f"{t('case.exported')} {_when(data['generated_at'])}", 9, grey=True)
    doc.heading(t("case.post"))
    doc.text(f"@{opp['author']} · {_when(opp['created_at'])}", 9, grey=True)
    doc.text(opp["text"], 11)
    if opp.get("url"):
        doc.text(opp["url"], 8, grey=True)
    _found(doc, opp, t, lang)
    _cascade(doc, data, t)
    doc.heading(t("case.decisions"))
    for e in data["timeline"]:
        comment = f" — {e['comment']}" if e["comment"] else ""
        doc.text(f"{_when(e['at'])}   {_word(t, 'event.', e['what'])}   {e['actor']} "
                 f"({_word(t, 'role.', e['role'])}){comment}", 9)
    doc.heading(t("case.reply"))
    pub = data["published"]
    if pub is None:
        doc.text(t("case.no_reply"), 10, grey=True)
    else:
        doc.text(pub["text"], 11)
        p = pub["publication"]
        doc.text(f"{_word(t, 'event.', p['state'])} · {p['account']} ({p['network']}) · {_when(p['at'])}"
                 + (f" · {p['remote_uri']}" if p["remote_uri"] else ""), 9, grey=True)
    _aftermath(doc, data, t)
    return doc.render()


def _found(doc: PdfDocument, opp: dict[str, Any], t: Callable[..., str], lang: str) -> None:
    doc.heading(t("case.found"))
    # priority = score × (1 + age / target) has no ceiling: it is a number, not a share of 100
    priority = f"{opp['priority']:.2f}"
    doc.text(f"{t('common.score')} {round(100 * opp['score'])}/100 · {t('common.priority')} "
             f"{priority.replace('.', ',') if lang == 'it' else priority}", 9, grey=True)
    for reason in opp["reasons"]:
        doc.text(f"• {reason}", 10, indent=8)
    real = opp.get("realness")
    if real:
        doc.space(4)
        doc.text(f"{t('opp.realness')}: {t('verdict.' + real['verdict'])} "
                 f"({t('opp.risk')} {100 * real['risk']:.0f}%)", 10, bold=True)
        for line in [*real["reasons"], *real["advice"]]:
            doc.text(f"• {line}", 10, indent=8)


def _cascade(doc: PdfDocument, data: dict[str, Any], t: Callable[..., str]) -> None:
    doc.heading(t("case.cascade"))
    conv = data["conversation"]
    counts = ", ".join(f"{_word(t, 'interaction.', k)}: {v}"
                       for k, v in sorted(conv["interactions"].items()))
    n = conv["reply_count"]
    replies = t("case.reply_one") if n == 1 else t("case.replies", n=n)
    doc.text(replies + (f" · {counts}" if counts else ""), 10)
    m = data["opportunity"].get("momentum") or {}
    if m:
        doc.text(", ".join(f"{_word(t, 'fact.', k)}: {v}" for k, v in m.items() if v is not None),
                 9, grey=True)
    for reply in conv["replies"][:10]:
        doc.text(f"@{reply['author']}: {reply['text']}", 9, indent=8)


def _aftermath(doc: PdfDocument, data: dict[str, Any], t: Callable[..., str]) -> None:
    doc.heading(t("case.aftermath"))
    after = data["aftermath"]
    if not after:
        doc.text(t("case.no_aftermath"), 10, grey=True)
        return
    for when in ("before", "after"):
        c = after[when]
        doc.text(f"{t('case.' + when)}: {c['n']} {t('case.reactions')}, {c['bad']} "
                 f"{t('case.bad')}", 10)
    for alert in after["alerts"]:
        doc.text(alert["message"], 10, bold=True)
        for e in alert.get("evidence") or ():  # the reactions that show it
            doc.text(f"@{e['author']}: {e['text']}", 9)


__all__ = ["PdfDocument", "case_pdf", "text_width", "wrap"]
