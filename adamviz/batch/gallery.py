"""The gallery page a batch writes beside its figures: ``index.html``.

One self-contained file (inline CSS, no script, no external font or CDN, an
empty inline icon so that a browser asks the host for no ``favicon.ico``), so
it works opened from disk and served by any static host. Each figure is a
card: its title, its description, the animation, and links to the animation
and to its numbers (the ``simulate`` CSV). Links are relative and
percent-encoded, so names with spaces or accents work both ways; all text is
escaped. Nothing in it depends on the time or the machine: the same cards give
the same bytes, so the page can be committed beside the figures.

Standard library only.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from adamviz import __version__
from adamviz.catalog import format_of
from adamviz.output.atomic import AtomicFile

GALLERY_NAME = "index.html"


@dataclass(frozen=True)
class Card:
    """One figure of the gallery; file names are relative to the gallery's folder."""

    name: str
    title: str
    description: str
    animation: str
    numbers: str


_STYLE = """
:root { color-scheme: light; --ink: #222; --muted: #5f5f5f; --line: #dedede;
        --blue: #1f77b4; --orange: #ff7f0e; }
* { box-sizing: border-box; }
body { margin: 0; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif;
       color: var(--ink); background: #f6f6f6; }
header, main, footer { max-width: 1400px; margin: 0 auto; padding: 0 16px; }
header { padding-top: 24px; border-bottom: 3px solid var(--blue); }
h1 { margin: 0 0 4px; font-size: 1.6rem; }
header p { margin: 0 0 16px; color: var(--muted); }
main { display: grid; gap: 20px; padding-top: 20px; padding-bottom: 20px;
       grid-template-columns: repeat(auto-fill, minmax(min(100%, 520px), 1fr)); }
article { background: #fff; border: 1px solid var(--line); border-radius: 8px;
          overflow: hidden; display: flex; flex-direction: column; }
article img, article video { display: block; width: 100%; height: auto;
                             aspect-ratio: 16 / 9; object-fit: contain; background: #fff;
                             border-bottom: 1px solid var(--line); }
article iframe.page { display: block; width: 100%; height: 640px; border: 0;
                      border-bottom: 1px solid var(--line); }
article p.file { margin: 0; padding: 40px 16px; text-align: center;
                 border-bottom: 1px solid var(--line); }
article h2 { margin: 12px 16px 4px; font-size: 1.15rem; }
article p { margin: 0 16px 8px; color: var(--muted); flex: 1; }
nav { margin: 0 16px 14px; display: flex; gap: 16px; flex-wrap: wrap; }
nav a { color: var(--blue); text-decoration: none; font-weight: 600; }
nav a:hover { text-decoration: underline; }
nav a.numbers { color: #b35806; }
.empty { color: var(--muted); }
footer { color: var(--muted); font-size: 0.85rem; padding-bottom: 24px; }
footer a { color: inherit; }
"""


def _href(name: str) -> str:
    """A relative link to a file in the same folder, safe in an attribute."""
    return html.escape("./" + quote(name), quote=True)


def _media(card: Card) -> str:
    href = _href(card.animation)
    label = html.escape(f"Animation: {card.title}", quote=True)
    shown = format_of(Path(card.animation).suffix)
    element = shown.element if shown is not None else "img"
    if element == "video":
        return (
            f'<video autoplay loop muted playsinline preload="auto" aria-label="{label}">'
            f'<source src="{href}" type="{shown.mime}">'  # type: ignore[union-attr]
            f'<a href="{href}">{html.escape(card.animation)}</a></video>'
        )
    if element == "iframe":  # an interactive page: its own controls and numbers, in a frame
        return f'<iframe src="{href}" title="{label}" loading="lazy" class="page"></iframe>'
    if element == "a":  # a PDF: browsers show it in a tab of its own, not inline everywhere
        return f'<p class="file"><a href="{href}">{html.escape(card.animation)}</a></p>'
    return f'<img src="{href}" alt="{label}" loading="lazy" width="960" height="540">'


def _card(card: Card) -> str:
    description = f"<p>{html.escape(card.description)}</p>" if card.description else ""
    return (
        f'<article id="{html.escape(card.name, quote=True)}">\n'
        f"{_media(card)}\n"
        f"<h2>{html.escape(card.title)}</h2>\n"
        f"{description}\n"
        f'<nav><a href="{_href(card.animation)}">{html.escape(card.animation)}</a>'
        f'<a class="numbers" href="{_href(card.numbers)}">numbers (CSV)</a></nav>\n'
        "</article>"
    )


def render_gallery(cards: Sequence[Card], title: str = "adamviz gallery") -> str:
    """The page's HTML: a card per figure, in the order given."""
    count = f"{len(cards)} figure{'s' if len(cards) != 1 else ''}"
    body = "\n".join(_card(card) for card in cards) or (
        '<p class="empty">No figures yet: run <code>adamviz batch</code> to render some.</p>'
    )
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>{html.escape(title)}</title>
<style>{_STYLE}</style>
</head>
<body>
<header>
<h1>{html.escape(title)}</h1>
<p>{count} of Adam's adaptive learning rates: gradients in grey, the mean m̂ in blue,
the RMS √v̂ in orange, and the scaling ratio m̂/(√v̂+ε).</p>
</header>
<main>
{body}
</main>
<footer><p>Made with adamviz {html.escape(__version__)}.</p></footer>
</body>
</html>
"""


def is_current(folder: Path, cards: Sequence[Card], title: str = "adamviz gallery") -> bool:
    """Whether ``folder/index.html`` already holds exactly these cards."""
    path = folder / GALLERY_NAME
    try:
        return path.is_file() and path.read_bytes() == render_gallery(cards, title).encode("utf-8")
    except OSError:
        return False


def write_gallery(folder: Path, cards: Sequence[Card], title: str = "adamviz gallery") -> Path:
    """Write ``folder/index.html`` atomically (same cards, same bytes); return its path."""
    path = folder / GALLERY_NAME
    if not is_current(folder, cards, title):  # unchanged: left alone, mtime and all
        AtomicFile(path).write_text(render_gallery(cards, title))
    return path
