"""The animated deck plays in Firefox too (headless, over WebDriver BiDi), as a folder and as
one self-contained file: a forward step plays the clip to 'ended' and lands on the next still;
a step back shows the previous still at once. Skipped where Firefox is not installed (the
bootstrap does not install it; Chromium's test, test_deck_browser.py, always runs)."""
from __future__ import annotations

import pytest

from tests.pipeline.deck_support import TOOLS_READY, deck_folder, slides
from tests.pipeline.headless_firefox import FIREFOX, Firefox

pytestmark = [
    pytest.mark.skipif(FIREFOX is None, reason="needs Firefox (apt-get install firefox-esr)"),
    pytest.mark.skipif(not TOOLS_READY, reason="needs ffmpeg (scripts/bootstrap.sh installs it)"),
]

LOG = """(() => { window.__log = []; const c = document.getElementById('clip');
  for (const e of ['playing', 'ended', 'error']) c.addEventListener(e, () => __log.push([e, c.currentTime]));
  return true; })()"""


@pytest.mark.parametrize("shape", ["--folder", "--single-file"])
def test_firefox_plays_the_clip_and_lands_on_the_still(tmp_path, shape):
    page_file = deck_folder(slides(tmp_path, shape)) / "deck.html"
    firefox = Firefox(page_file.as_uri() + "#1")
    try:
        firefox.wait_for("!!window.glmmDeck")
        firefox.evaluate(LOG)
        firefox.press("ArrowRight")
        firefox.wait_for("__log.some(e => e[0] === 'ended' || e[0] === 'error')", timeout=20)
        log = firefox.evaluate("__log")
        assert [e[0] for e in log] == ["playing", "ended"] and log[-1][1] > 0.7
        firefox.wait_for("glmmDeck.state().mode === 'still'")
        assert firefox.evaluate("glmmDeck.state()") == {"current": 2, "mode": "still", "slides": 3}
        src = firefox.evaluate("document.getElementById('still').getAttribute('src')")
        assert src == "media/DeckCard-02-moved.png" if shape == "--folder" else src.startswith("data:image/png")
        firefox.press("ArrowLeft")
        assert firefox.evaluate("glmmDeck.state()") == {"current": 1, "mode": "still", "slides": 3}
    finally:
        firefox.close()
