"""The gallery page: its HTML, and the page as headless Chromium loads it.

The browser tests open a real batch's ``index.html`` from disk (``file://``)
and from a static HTTP server on loopback, and check that every animation
loads (a GIF decodes to its full size, an MP4 reaches a playable state),
that every link points at a file that is there, and that the console and the
network show no error. They need Playwright and Debian's ``chromium``
(``.ci/run`` installs it); without them they are skipped, unless
``ADAMVIZ_REQUIRE_BROWSER=1`` says that a skip would be a failure.
"""

from __future__ import annotations

import functools
import http.server
import os
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NamedTuple
from urllib.parse import unquote, urlparse

import pytest

from adamviz import __version__
from adamviz.batch.gallery import GALLERY_NAME, Card, render_gallery, write_gallery
from tests.support import HEIGHT, WIDTH, invoke, tiny_scenario

# ----------------------------------------------------------------------------- the HTML


def card(name: str = "up", animation: str = "up.gif", **fields: str) -> Card:
    values = {"title": "Up", "description": "Gradients of 1.", "numbers": f"{name}.csv"}
    return Card(name=name, animation=animation, **(values | fields))


def test_a_card_holds_title_description_animation_and_numbers() -> None:
    page = render_gallery([card()])

    assert page.count("<article") == 1
    assert '<img src="./up.gif"' in page
    assert "<h2>Up</h2>" in page and "<p>Gradients of 1.</p>" in page
    assert '<a class="numbers" href="./up.csv">' in page
    assert "1 figure of" in page and f"adamviz {__version__}" in page


def test_text_is_escaped_and_links_are_percent_encoded() -> None:
    odd = card(
        name="été donné",
        animation="été donné.gif",
        numbers="été donné.csv",
        title="<script>alert(1)</script> & co",
        description='"quoted" <b>bold</b>',
    )
    page = render_gallery([odd])

    assert "<script>" not in page and "<b>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; co" in page
    assert "&quot;quoted&quot; &lt;b&gt;bold&lt;/b&gt;" in page
    assert 'src="./%C3%A9t%C3%A9%20donn%C3%A9.gif"' in page
    assert 'href="./%C3%A9t%C3%A9%20donn%C3%A9.csv"' in page


def test_an_mp4_is_a_looping_muted_video() -> None:
    page = render_gallery([card(animation="up.mp4")])

    assert "<img" not in page
    assert "<video controls autoplay loop muted playsinline" in page
    assert '<source src="./up.mp4" type="video/mp4">' in page


@pytest.mark.parametrize(
    ("animation", "shown"),
    [
        ("up.webm", '<source src="./up.webm" type="video/webm">'),
        ("up.webp", '<img src="./up.webp"'),
        ("up.apng", '<img src="./up.apng"'),
        ("up.svg", '<img src="./up.svg"'),
        ("up.html", '<iframe src="./up.html" title="Animation: Up"'),
        ("up.pdf", '<p class="file"><a href="./up.pdf">up.pdf</a></p>'),
    ],
)
def test_every_format_is_shown_as_the_catalog_says(animation: str, shown: str) -> None:
    assert shown in render_gallery([card(animation=animation)])


def test_cards_keep_their_order_and_an_empty_gallery_says_what_to_do() -> None:
    page = render_gallery([card("b", "b.gif"), card("a", "a.gif")])
    assert page.index('id="b"') < page.index('id="a"')
    assert "2 figures of" in page

    empty = render_gallery([])
    assert "<article" not in empty and "adamviz batch" in empty


def test_the_same_cards_give_the_same_bytes_and_an_unchanged_page_is_left_alone(
    tmp_path: Path,
) -> None:
    path = write_gallery(tmp_path, [card()])
    first = path.read_bytes(), path.stat().st_mtime_ns
    os.utime(path, ns=(1, 1))

    write_gallery(tmp_path, [card()])
    assert path.read_bytes() == first[0] and path.stat().st_mtime_ns == 1

    write_gallery(tmp_path, [card(title="Up, again")])
    assert b"Up, again" in path.read_bytes()
    assert [p.name for p in tmp_path.iterdir()] == [GALLERY_NAME]  # no temporary left behind


# ----------------------------------------------------------------------------- in a browser


class Gallery(NamedTuple):
    folder: Path
    format: str


@pytest.fixture(scope="module", params=["gif", "mp4", "webm", "webp"])
def gallery(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Gallery:
    """A real batch's output folder: two figures, one with spaces, accents and markup."""
    root = tmp_path_factory.mktemp(f"gallery-{request.param}")
    scenarios = root / "scenarios"
    scenarios.mkdir()
    (scenarios / "up.yaml").write_text(tiny_scenario("Up", 1.0, description="Gradients of one."))
    (scenarios / "été donné.yaml").write_text(
        tiny_scenario("'<Down> & out'", -1.0, description="'\"Quoted\" text.'"),
        encoding="utf-8",
    )
    output = root / "output"
    result = invoke("batch", str(scenarios), "-o", str(output), "-f", request.param, "--jobs", "2")
    assert result.exit_code == 0, result.output
    return Gallery(output, request.param)


@pytest.fixture(scope="module")
def server(gallery: Gallery) -> Iterator[str]:
    """The gallery's folder served over HTTP on loopback, as any static host would."""

    class QuietHandler(http.server.SimpleHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass

    # The project's folder, as a repository's pages are: the cards link the scenarios beside it.
    handler = functools.partial(QuietHandler, directory=str(gallery.folder.parent))
    with http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler) as httpd:
        thread = threading.Thread(target=httpd.serve_forever, daemon=True)
        thread.start()
        yield f"http://127.0.0.1:{httpd.server_address[1]}/{gallery.folder.name}/{GALLERY_NAME}"
        httpd.shutdown()


MEDIA_STATE = """() => [...document.querySelectorAll('main img, main video')].map(m =>
  m.tagName === 'IMG'
    ? {src: m.currentSrc, ok: m.complete, width: m.naturalWidth, height: m.naturalHeight}
    : {src: m.currentSrc, ok: m.readyState >= 2 && !m.error,
       width: m.videoWidth, height: m.videoHeight})"""


def open_gallery(browser: Any, url: str) -> tuple[Any, list[str]]:
    """The page loaded with every animation scrolled into view, and every problem it saw."""
    page = browser.new_page()
    problems: list[str] = []
    page.on(
        "console",
        lambda message: (
            message.type in ("error", "warning")
            and problems.append(f"console {message.type}: {message.text}")
        ),
    )
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    page.on(
        "requestfailed", lambda request: problems.append(f"failed: {request.url} {request.failure}")
    )
    page.on(
        "response",
        lambda response: (
            response.status >= 400 and problems.append(f"HTTP {response.status}: {response.url}")
        ),
    )
    page.goto(url, wait_until="load")
    # The images load lazily: bring each into view, as a reader scrolling would.
    for media in page.query_selector_all("main img, main video"):
        media.scroll_into_view_if_needed()
    page.wait_for_function(f"() => ({MEDIA_STATE})().every(m => m.ok)", timeout=15_000)
    return page, problems


def check_gallery(browser: Any, url: str, gallery: Gallery) -> list[str]:
    """Assert what a reader sees; return the links' addresses."""
    page, problems = open_gallery(browser, url)
    try:
        media = page.evaluate(MEDIA_STATE)
        titles = page.eval_on_selector_all("main h2", "hs => hs.map(h => h.textContent)")
        links = page.eval_on_selector_all("main nav a", "as => as.map(a => a.href)")
    finally:
        page.close()

    assert problems == []
    assert sorted(titles) == ["<Down> & out", "Up"]
    assert len(media) == 2
    for item in media:
        assert item["ok"] and (item["width"], item["height"]) == (WIDTH, HEIGHT), item
    paths = [unquote(urlparse(link).path) for link in links]
    names = sorted(path.rsplit("/", 1)[-1] for path in paths)
    fmt = gallery.format
    assert names == sorted([f"up.{fmt}", "up.csv", "up.yaml", f"été donné.{fmt}",
                            "été donné.csv", "été donné.yaml"])  # fmt: skip
    for path in paths:
        folder = "scenarios" if path.endswith(".yaml") else gallery.folder.name
        assert path.rsplit("/", 2)[-2] == folder, path
    root = gallery.folder.parent
    assert all((root / path.rsplit("/", 2)[-2] / path.rsplit("/", 1)[-1]).is_file()
               for path in paths)  # fmt: skip
    return links


def test_the_gallery_opened_from_disk_shows_every_animation(browser: Any, gallery: Gallery) -> None:
    check_gallery(browser, (gallery.folder / GALLERY_NAME).as_uri(), gallery)


def test_the_gallery_served_over_http_shows_every_animation_and_links_its_numbers(
    browser: Any, gallery: Gallery, server: str
) -> None:
    links = check_gallery(browser, server, gallery)

    page = browser.new_page()
    try:
        page.goto(server)
        for link in links:
            status, head = page.evaluate(
                "async url => { const r = await fetch(url);"
                " const b = new Uint8Array(await r.arrayBuffer());"
                " return [r.status, new TextDecoder().decode(b.slice(0, 48))]; }",
                link,
            )
            assert status == 200, link
            if link.endswith(".csv"):
                assert head.startswith("step,run,param,grad,m,v,m_hat,v_hat,ratio"), link
            if link.endswith(".yaml"):
                assert head.startswith("title: "), link
    finally:
        page.close()


# ----------------------------------------------------------------------------- looks


def test_a_card_links_its_scenario_says_its_size_and_offers_embed_snippets() -> None:
    page = render_gallery([card(scenario="../scenarios/up.yaml", size=1_234_567)])
    assert '<a class="scenario" href="./../scenarios/up.yaml">scenario</a>' in page
    assert '<span class="size">1.2 MB</span>' in page
    assert "<pre><code>![Up](./up.gif)</code></pre>" in page
    assert "<pre><code>&lt;img src=&quot;./up.gif&quot; alt=&quot;Up&quot;" in page
    video = render_gallery([card(animation="up.mp4")])
    assert "<pre><code>&lt;video src=&quot;./up.mp4&quot; controls loop muted" in video


def test_the_page_is_dark_when_every_figure_is() -> None:
    dark, light = card(paper="#15181d"), card("b", "b.gif")
    black = card("c", "c.gif", paper="#000000")
    assert '<html lang="en" class="dark">' in render_gallery([dark, black])
    assert '<html lang="en">' in render_gallery([dark, light])
    assert 'style="background: #15181d"' in render_gallery([dark])


@pytest.fixture(scope="module")
def dark_gallery(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("dark-gallery")
    (root / "scenarios").mkdir()
    for name, value in (("up", 1.0), ("down", -1.0)):
        text = tiny_scenario(name.title(), value, description="Dark.").replace(
            "render: {", "render: {theme: dark, "
        )
        (root / "scenarios" / f"{name}.yaml").write_text(text)
    result = invoke("batch", str(root / "scenarios"), "-o", str(root / "output"), "-f", "mp4")
    assert result.exit_code == 0, result.output
    return root / "output"


def test_a_dark_batch_makes_a_dark_page_with_controls_and_snippets(
    browser: Any, dark_gallery: Path
) -> None:
    page, problems = open_gallery(browser, (dark_gallery / GALLERY_NAME).as_uri())
    try:
        background = page.evaluate("getComputedStyle(document.body).backgroundColor")
        controls = page.eval_on_selector_all("main video", "vs => vs.map(v => v.controls)")
        snippet = page.eval_on_selector("main details pre", "p => p.textContent")
        selectable = page.eval_on_selector(
            "main details pre", "p => getComputedStyle(p).userSelect"
        )
        page.set_viewport_size({"width": 1200, "height": 700})
        page.screenshot(path=str(dark_gallery / "screenshot.png"))
    finally:
        page.close()
    assert problems == []
    assert background == "rgb(13, 15, 18)"
    assert controls == [True, True]
    assert snippet == "[Down](./down.mp4)"
    assert selectable == "all"
