"""The animated deck played in a real headless Chromium (Debian's `chromium`, over its DevTools
protocol), offline: stepping forward plays the slide's clip (its currentTime advances, 'ended'
fires) and lands on the slide's still, which is the clip's last frame; stepping back shows the
previous still at once; a forward step during a clip finishes it; the looping slide loops; `#n`
opens slide n; B blacks the screen; S opens the speaker view, which follows the deck and steps
it. Nothing is fetched but file: URLs."""
from __future__ import annotations

import io

import pytest
from PIL import Image

from tests.pipeline.deck_support import TOOLS_READY, deck_folder, differing, pixels, slides
from tests.pipeline.headless import CHROMIUM, Browser

pytestmark = [
    pytest.mark.skipif(CHROMIUM is None, reason="needs chromium (apt-get install chromium; "
                                                "scripts/bootstrap.sh installs it)"),
    pytest.mark.skipif(not TOOLS_READY, reason="needs ffmpeg (scripts/bootstrap.sh installs it)"),
]

LOG = """window.__log = []; (() => { const c = document.getElementById('clip');
  for (const e of ['playing', 'timeupdate', 'ended', 'seeked', 'error'])
    c.addEventListener(e, () => __log.push([e, c.currentTime, c.duration])); })()"""
STATE = "glmmDeck.state()"


def _shown(page, what: str) -> Image.Image:
    """The deck's frame (the still or the clip element, whichever `what` names) as displayed."""
    box = page.evaluate("(() => { const r = document.getElementById('frame').getBoundingClientRect();"
                        " return [r.left, r.top, r.right, r.bottom]; })()")
    if what == "clip":  # show the clip element as it stands (after 'ended': its last frame)
        page.evaluate("document.getElementById('clip').hidden = false;"
                      "document.getElementById('still').hidden = true")
    shot = Image.open(io.BytesIO(page.screenshot())).convert("RGB")
    return shot.crop(tuple(round(v) for v in box))


def _same_picture(shown: Image.Image, still_path) -> float:
    still = Image.open(still_path).convert("RGB").resize(shown.size, Image.Resampling.BILINEAR)
    return differing(pixels(shown), pixels(still))


@pytest.fixture(scope="module")
def deck(tmp_path_factory):
    return deck_folder(slides(tmp_path_factory.mktemp("deck-browser"), "--folder"))


def test_stepping_plays_the_clip_and_lands_on_the_next_still(deck):
    browser = Browser((deck / "deck.html").as_uri() + "#1")
    page = browser.page
    try:
        assert page.evaluate("document.createElement('video').canPlayType('video/mp4; codecs=\"avc1.640015\"')")
        assert page.evaluate(STATE) == {"current": 1, "mode": "still", "slides": 3}
        page.evaluate(LOG)
        page.press("ArrowRight")
        assert page.evaluate(STATE)["mode"] == "playing"
        page.wait_for("__log.some(e => e[0] === 'ended' || e[0] === 'error')", timeout=20)
        log = page.evaluate("__log")
        events = [e[0] for e in log]
        assert "error" not in events and events[0] == "playing" and events[-1] == "ended"
        times = [e[1] for e in log]
        assert times == sorted(times) and times[-1] == pytest.approx(log[-1][2], abs=0.05)
        assert times[-1] > 0.7  # 13 frames at 15 fps played through
        page.wait_for(f"{STATE}.mode === 'still'")
        assert page.evaluate(STATE)["current"] == 2
        assert page.evaluate("document.getElementById('still').getAttribute('src')") == "media/DeckCard-02-moved.png"
        assert page.evaluate("location.hash") == "#2"
        moved, dot = deck / "media/DeckCard-02-moved.png", deck / "media/DeckCard-01-dot.png"
        assert _same_picture(_shown(page, "still"), moved) < 0.002
        last_frame = _shown(page, "clip")  # the browser's own last frame of the clip ...
        assert _same_picture(last_frame, moved) < 0.002  # ... is the still it lands on
        assert _same_picture(last_frame, dot) > 0.005

        page.evaluate(LOG)
        page.press("ArrowLeft")  # back: the previous still at once, nothing plays
        assert page.evaluate(STATE) == {"current": 1, "mode": "still", "slides": 3}
        assert page.evaluate("[document.getElementById('still').getAttribute('src'), "
                             "document.getElementById('clip').hidden]") == ["media/DeckCard-01-dot.png", True]
        page.press("ArrowRight")
        page.press("ArrowRight")  # during the clip: finishes it on its still
        assert page.evaluate(STATE) == {"current": 2, "mode": "still", "slides": 3}

        page.evaluate(LOG)
        page.press(" ")  # the looping slide: past its 0.8 s it starts over and never ends
        page.wait_for("__log.filter(e => e[0] === 'timeupdate').some((e, i, a) => i > 0 && e[1] < a[i - 1][1])",
                      timeout=20)
        assert page.evaluate(STATE) == {"current": 3, "mode": "looping", "slides": 3}
        assert page.evaluate("document.getElementById('clip').loop") is True
        assert "ended" not in [e[0] for e in page.evaluate("__log")]

        page.evaluate("location.hash = '#1'")  # the address opens slide n
        page.wait_for(f"{STATE}.current === 1 && {STATE}.mode === 'still'")
        page.press("End")
        assert page.evaluate(STATE)["current"] == 3 and page.evaluate(STATE)["mode"] == "still"
        page.press("Home")
        assert page.evaluate(STATE)["current"] == 0
        page.press("b")
        assert page.evaluate("document.body.classList.contains('black')")
        page.press("b")
        assert not page.evaluate("document.body.classList.contains('black')")
        assert page.requests and all(url.startswith(("file:", "data:", "blob:")) for url in page.requests)
    finally:
        browser.close()


def test_the_speaker_view_shows_notes_next_still_and_time_and_stays_in_sync(deck):
    browser = Browser((deck / "deck.html").as_uri() + "#1")
    try:
        browser.page.press("s")
        speaker = browser.find_page("?speaker")
        speaker.wait_for("!!window.glmmDeck && document.getElementById('sv-notes').textContent.length > 0")
        assert "A dot appears." in speaker.evaluate("document.getElementById('sv-notes').textContent")
        assert speaker.evaluate("document.getElementById('sv-next').getAttribute('src')") == "media/DeckCard-02-moved.png"
        assert speaker.evaluate("document.getElementById('sv-timer').textContent") == "00:00"
        browser.page.press("ArrowRight")  # the deck steps: the speaker view follows
        speaker.wait_for(f"{STATE}.current === 2")
        assert "moves right" in speaker.evaluate("document.getElementById('sv-notes').textContent")
        speaker.press("ArrowRight")  # a key in the speaker view steps the deck
        browser.page.wait_for(f"{STATE}.current === 3 || ({STATE}.current === 2 && {STATE}.mode === 'still')")
        speaker.press("ArrowRight")
        browser.page.wait_for(f"{STATE}.current === 3")
        speaker.wait_for(f"{STATE}.current === 3")
        assert speaker.evaluate("document.getElementById('sv-next-end').hidden") is False  # last slide
    finally:
        browser.close()
