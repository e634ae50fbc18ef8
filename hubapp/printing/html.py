"""Render a :class:`~hubapp.printing.document.Document` as one accessible HTML file.

Open-source ReportLab cannot tag a PDF for screen readers, so the family copy is also offered as
semantic HTML from the same document model: real headings, tables with ``<caption>`` and
``<th scope>``, ``lang`` on the page and ``dir="auto"`` on every piece of user text (a browser
lays out right-to-left names and notes correctly), large type, and the marking at the top and
bottom. It carries no scripts and no external resources.
"""

from __future__ import annotations

from html import escape

from .document import Block, Document, Facts, Heading, Para, Scores, Signatures, Table, short_hash

_CSS = """
body { font-family: "Noto Sans", Arial, sans-serif; font-size: 1.15rem; line-height: 1.55; color: #1d2430;
       max-width: 52rem; margin: 0 auto; padding: 1rem 1.25rem 3rem; }
.marking { text-align: center; font-weight: 700; letter-spacing: .04em; margin: .5rem 0; }
.draft { border: 3px solid #a52a2a; color: #a52a2a; font-weight: 700; padding: .5rem .75rem; }
h1 { color: #1f4e8c; font-size: 2rem; margin: 1rem 0 .25rem; }
h2 { color: #1f4e8c; font-size: 1.45rem; margin: 2rem 0 .5rem; border-bottom: 2px solid #e7eef8; }
h3 { font-size: 1.2rem; margin: 1.5rem 0 .5rem; }
.subtitle { color: #5b6676; font-size: 1.25rem; margin-top: 0; }
.muted, .note, caption, .provenance { color: #5b6676; }
.note { font-style: italic; }
dl.facts { display: grid; grid-template-columns: repeat(auto-fit, minmax(14rem, 1fr)); gap: .5rem 1.5rem;
           background: #f6f8fb; border: 1px solid #c9d0da; padding: .75rem 1rem; }
dl.facts dt { color: #5b6676; font-size: .95rem; } dl.facts dd { margin: 0; font-weight: 700; }
table { border-collapse: collapse; width: 100%; margin: .5rem 0 1rem; }
caption { text-align: left; caption-side: bottom; font-size: .95rem; padding-top: .25rem; }
th, td { text-align: left; vertical-align: top; padding: .45rem .6rem; border-bottom: 1px solid #c9d0da; }
thead th { background: #1f4e8c; color: #fff; }
tbody th[scope=rowgroup] { background: #e7eef8; color: #1f4e8c; }
.group-note { display: block; font-weight: 400; color: #1d2430; }
meter { width: 8rem; height: 1rem; }
.sign { border-bottom: 1px solid #5b6676; height: 2.5rem; }
footer { margin-top: 3rem; border-top: 1px solid #c9d0da; font-size: .95rem; }
@media print { body { max-width: none; } a { color: inherit; } }
"""


def _t(text: str) -> str:
    """User text, escaped, with line breaks kept."""
    return escape(text).replace("\n", "<br>")


def _block(block: Block) -> str:
    if isinstance(block, Heading):
        level = min(block.level + 1, 6)
        return f'<h{level} dir="auto">{_t(block.text)}</h{level}>'
    if isinstance(block, Para):
        label = f'<h4 dir="auto">{_t(block.label)}</h4>' if block.label else ""
        return f'{label}<p class="{escape(block.style)}" dir="auto">{_t(block.text)}</p>'
    if isinstance(block, Facts):
        items = "".join(f'<div><dt dir="auto">{_t(k)}</dt><dd dir="auto">{_t(v) or "—"}</dd></div>'
                        for k, v in block.items)
        return f'<dl class="facts">{items}</dl>'
    if isinstance(block, Table):
        return _table(block)
    if isinstance(block, Scores):
        return _scores(block)
    return _signatures(block)


def _table(block: Table) -> str:
    head = "".join(f'<th scope="col" dir="auto">{_t(c.title)}</th>' for c in block.columns)
    body = []
    for row in block.rows:
        if row.group:
            note = f'<span class="group-note">{_t(row.note)}</span>' if row.note else ""
            body.append(f'<tr><th scope="rowgroup" colspan="{len(block.columns)}" dir="auto">'
                        f'{_t(row.cells[0])}{note}</th></tr>')
        else:
            body.append("<tr>" + "".join(f'<td dir="auto">{_t(c)}</td>' for c in row.cells) + "</tr>")
    if not block.rows:
        body.append(f'<tr><td colspan="{len(block.columns)}">{_t(block.empty or "None recorded.")}</td></tr>')
    caption = f'<caption dir="auto">{_t(block.caption)}</caption>' if block.caption else ""
    return f'<table>{caption}<thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>'


def _scores(block: Scores) -> str:
    rows = "".join(
        f'<tr><td dir="auto">{_t(s.area)}</td><td dir="auto">{_t(s.person)}</td>'
        f'<td>{s.first} ({_t(s.first_on)})</td><td>{s.latest} ({_t(s.latest_on)})</td>'
        f'<td><meter min="{s.scale_min}" max="{s.scale_max}" value="{s.latest}">{s.latest} out of {s.scale_max}'
        f"</meter></td></tr>"
        for s in block.rows
    )
    caption = f'<caption dir="auto">{_t(block.caption)}</caption>' if block.caption else ""
    head = "".join(f'<th scope="col">{t}</th>' for t in ("Area", "Who", "First", "Latest", "Now"))
    return f"<table>{caption}<thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"


def _signatures(block: Signatures) -> str:
    recorded = f'<p class="muted" dir="auto">{_t(block.recorded)}</p>' if block.recorded else ""
    rows = "".join(
        f'<tr><th scope="row" dir="auto">{_t(p)}</th><td class="sign"></td><td class="sign"></td>'
        f'<td class="sign"></td></tr>'
        for p in block.parties
    )
    head = '<tr><td></td><th scope="col">Name</th><th scope="col">Signature</th><th scope="col">Date</th></tr>'
    return f'<p dir="auto">{_t(block.statement)}</p>{recorded}<table><thead>{head}</thead><tbody>{rows}</tbody></table>'


def render_html(document: Document) -> str:
    """The document as one self-contained, accessible HTML page."""
    title = " – ".join(t for t in (document.title, document.header[0] if document.header else "") if t)
    draft = ('<p class="draft" role="note">DRAFT: this plan has not been agreed yet.</p>'
             if document.draft else "")
    when = document.printed_at.astimezone().strftime("%d/%m/%Y %H:%M")
    provenance = (f"{_t(document.provenance)} · Printed by {_t(document.printed_by or 'unknown')} on {when} · "
                  f"Ref {short_hash(document.content_hash())}")
    body = "\n".join(_block(b) for b in document.blocks)
    return (
        f'<!DOCTYPE html>\n<html lang="{escape(document.lang)}">\n<head>\n<meta charset="utf-8">\n'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{_t(title)}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n"
        f'<p class="marking">{_t(document.marking)}</p>\n'
        f'<header><h1 dir="auto">{_t(document.title)}</h1><p class="subtitle" dir="auto">{_t(document.subtitle)}</p>'
        f"{draft}</header>\n<main>\n{body}\n</main>\n"
        f'<footer><p class="provenance">{provenance}</p><p class="marking">{_t(document.marking)}</p></footer>\n'
        "</body>\n</html>\n"
    )
