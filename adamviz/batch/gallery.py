"""The gallery page a batch writes beside its figures: ``index.html``.

One self-contained file (inline CSS, no script, no external font or CDN, an
empty inline icon so that a browser asks the host for no ``favicon.ico``), so
it works opened from disk and served by any static host. Each figure is a
card: its title, its description, the animation (a video with controls, to
pause and scrub), links to the animation, its size, its numbers (the
``simulate`` CSV) and its scenario file, and embed snippets to copy into a
post (Markdown and HTML; one click selects a whole snippet). The page is dark
when its figures are. Links are relative and
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
from adamviz.colors import DARK_BELOW, relative_luminance
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
    #: The scenario file, relative to the gallery's folder ("" if unknown).
    scenario: str = ""
    #: The animation's size in bytes (0 if unknown).
    size: int = 0
    #: The figure's background colour: the card's, and the page is dark if every figure is.
    paper: str = "#ffffff"

    @property
    def dark(self) -> bool:
        """Whether the figure is light on dark paper (see adamviz.colors)."""
        return luminance(self.paper) < DARK_BELOW


def luminance(hex_color: str) -> float:
    """The relative luminance of ``#rrggbb`` (1.0, white, for anything else)."""
    text = hex_color.lstrip("#")
    try:
        channels = [int(text[i : i + 2], 16) / 255 for i in (0, 2, 4)] if len(text) == 6 else []
    except ValueError:
        channels = []
    return relative_luminance(channels) if channels else 1.0


_STYLE = """
:root { color-scheme: light; --ink: #222; --muted: #5f5f5f; --line: #dedede;
        --blue: #1f77b4; --orange: #ff7f0e; --page: #f6f6f6; --card: #fff; --code: #f0f0f0;
        --numbers: #b35806; }
:root.dark { color-scheme: dark; --ink: #e6e6e6; --muted: #a8adb4; --line: #2c3138;
             --blue: #4da3ff; --orange: #ff9a3c; --page: #0d0f12; --card: #15181d;
             --code: #23272e; --numbers: #f0a04b; }
* { box-sizing: border-box; }
body { margin: 0; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif;
       color: var(--ink); background: var(--page); }
header, main, footer { max-width: 1400px; margin: 0 auto; padding: 0 16px; }
header { padding-top: 24px; border-bottom: 3px solid var(--blue); }
h1 { margin: 0 0 4px; font-size: 1.6rem; }
header p { margin: 0 0 16px; color: var(--muted); }
main { display: grid; gap: 20px; padding-top: 20px; padding-bottom: 20px;
       grid-template-columns: repeat(auto-fill, minmax(min(100%, 520px), 1fr)); }
article { background: var(--card); border: 1px solid var(--line); border-radius: 8px;
          overflow: hidden; display: flex; flex-direction: column; }
article img, article video { display: block; width: 100%; height: auto;
                             aspect-ratio: 16 / 9; object-fit: contain;
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
nav a.numbers { color: var(--numbers); }
.empty { color: var(--muted); }
nav .size { color: var(--muted); font-weight: normal; }
details { margin: 0 16px 14px; color: var(--muted); font-size: 0.9rem; }
summary { cursor: pointer; }
details pre { margin: 6px 0 0; padding: 6px 8px; background: var(--code); border-radius: 4px;
              white-space: pre-wrap; overflow-wrap: anywhere; user-select: all; color: var(--ink); }
details h3 { margin: 8px 0 0; font-size: 0.8rem; font-weight: 600; }
footer { color: var(--muted); font-size: 0.85rem; padding-bottom: 24px; }
footer a { color: inherit; }
"""


def _href(name: str) -> str:
    """A relative link to a file in the same folder, safe in an attribute."""
    return html.escape("./" + quote(name), quote=True)


def _media(card: Card) -> str:
    href = _href(card.animation)
    label = html.escape(f"Animation: {card.title}", quote=True)
    # The figure's own paper behind it, so a letterboxed figure has no border of another colour.
    paper = html.escape(card.paper, quote=True)
    shown = format_of(Path(card.animation).suffix)
    element = shown.element if shown is not None else "img"
    if element == "video":
        return (
            f'<video controls autoplay loop muted playsinline preload="auto" aria-label="{label}" '
            f'style="background: {paper}"><source src="{href}" type="{shown.mime}">'  # type: ignore[union-attr]
            f'<a href="{href}">{html.escape(card.animation)}</a></video>'
        )
    if element == "iframe":  # an interactive page: its own controls and numbers, in a frame
        return f'<iframe src="{href}" title="{label}" loading="lazy" class="page"></iframe>'
    if element == "a":  # a PDF: browsers show it in a tab of its own, not inline everywhere
        return f'<p class="file"><a href="{href}">{html.escape(card.animation)}</a></p>'
    return (
        f'<img src="{href}" alt="{label}" loading="lazy" width="960" height="540" '
        f'style="background: {paper}">'
    )


def size_text(size: int) -> str:
    """A file's size as a reader compares it with a host's limit (GitHub's 10 MB)."""
    if size < 1000:
        return f"{size} B"
    if size < 1_000_000:
        return f"{size / 1000:.0f} kB"
    return f"{size / 1_000_000:.1f} MB"


def _snippets(card: Card) -> str:
    """Markdown and HTML that embed the figure, to paste into a post beside it."""
    src = "./" + quote(card.animation)
    title = card.title.replace("]", "\\]").replace("[", "\\[")
    alt = html.escape(card.title, quote=True)
    shown = format_of(Path(card.animation).suffix)
    element = shown.element if shown is not None else "img"
    if element == "video":
        markdown = f"[{title}]({src})"
        page = f'<video src="{src}" controls loop muted playsinline title="{alt}"></video>'
    elif element == "iframe":
        markdown = f"[{title}]({src})"
        page = f'<iframe src="{src}" title="{alt}" width="960" height="720"></iframe>'
    elif element == "a":
        markdown = f"[{title}]({src})"
        page = f'<a href="{src}">{html.escape(card.title)}</a>'
    else:
        markdown = f"![{title}]({src})"
        page = f'<img src="{src}" alt="{alt}" width="960" height="540">'
    return (
        "<details><summary>Embed</summary>"
        f"<h3>Markdown</h3><pre><code>{html.escape(markdown)}</code></pre>"
        f"<h3>HTML</h3><pre><code>{html.escape(page)}</code></pre></details>"
    )


def _card(card: Card) -> str:
    description = f"<p>{html.escape(card.description)}</p>" if card.description else ""
    size = f' <span class="size">{size_text(card.size)}</span>' if card.size else ""
    scenario = (
        f'<a class="scenario" href="{_href(card.scenario)}">scenario</a>' if card.scenario else ""
    )
    return (
        f'<article id="{html.escape(card.name, quote=True)}">\n'
        f"{_media(card)}\n"
        f"<h2>{html.escape(card.title)}</h2>\n"
        f"{description}\n"
        f'<nav><a href="{_href(card.animation)}">{html.escape(card.animation)}{size}</a>'
        f'<a class="numbers" href="{_href(card.numbers)}">numbers (CSV)</a>{scenario}</nav>\n'
        f"{_snippets(card)}\n"
        "</article>"
    )


def render_gallery(cards: Sequence[Card], title: str = "adamviz gallery") -> str:
    """The page's HTML: a card per figure, in the order given."""
    count = f"{len(cards)} figure{'s' if len(cards) != 1 else ''}"
    body = "\n".join(_card(card) for card in cards) or (
        '<p class="empty">No figures yet: run <code>adamviz batch</code> to render some.</p>'
    )
    dark = bool(cards) and all(card.dark for card in cards)
    scheme = ' class="dark"' if dark else ""
    return f"""<!DOCTYPE html>
<html lang="en"{scheme}>
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
