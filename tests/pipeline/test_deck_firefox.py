"""The animated deck plays in Firefox too (headless, over WebDriver BiDi), as a folder and as
one self-contained file: a forward step plays the clip to 'ended' and lands on the next still;
a step back shows the previous still at once. Skipped where Firefox is not installed (the
bootstrap does not install it; Chromium's test, test_deck_browser.py, always runs)."""
from __future__ import annotations

import shutil

import pytest

from tests.pipeline.deck_support import TOOLS_READY, deck_folder, slides
from tests.pipeline.headless import FIREFOX, Firefox

pytestmark = [
    pytest.mark.skipif(FIREFOX is None, reason="needs Firefox (apt-get install firefox-esr)"),
    pytest.mark.skipif(not TOOLS_READY, reason="needs ffmpeg (scripts/bootstrap.sh installs it)"),
]

LOG = """(() => { window.__log = []; const c = document.getElementById('clip');
  for (const e of ['playing', 'ended', 'error']) c.addEventListener(e, () => __log.push([e, c.currentTime]));
  return true; })()"""


def _plays_and_lands(firefox: Firefox, still: str) -> None:
    firefox.wait_for("!!window.glmmDeck")
    firefox.evaluate(LOG)
    firefox.press("ArrowRight")
    firefox.wait_for("__log.some(e => e[0] === 'ended' || e[0] === 'error')", timeout=20)
    log = firefox.evaluate("__log")
    assert [e[0] for e in log] == ["playing", "ended"] and log[-1][1] > 0.7
    firefox.wait_for("glmmDeck.state().mode === 'still'")
    assert firefox.evaluate("glmmDeck.state()") == {"current": 2, "mode": "still", "slides": 3}
    assert firefox.evaluate("document.getElementById('still').getAttribute('src')").startswith(still)
    firefox.press("ArrowLeft")
    assert firefox.evaluate("glmmDeck.state()") == {"current": 1, "mode": "still", "slides": 3}


def test_firefox_plays_the_clip_and_lands_on_the_still(tmp_path):
    """One Firefox (it takes ~20 s to start on a busy machine) for both shapes of the deck."""
    folder_deck = tmp_path / "folder deck"
    shutil.copytree(deck_folder(slides(tmp_path / "out", "--folder")), folder_deck)
    single = deck_folder(slides(tmp_path / "out", "--single-file")) / "deck.html"
    assert single.read_text(encoding="utf-8").count("data:video/mp4;base64,") == 3
    firefox = Firefox((folder_deck / "deck.html").as_uri() + "#1")
    try:
        _plays_and_lands(firefox, "media/DeckCard-02-moved.png")
        firefox.call("browsingContext.navigate", context=firefox.context,
                     url=single.as_uri() + "#1", wait="complete")
        _plays_and_lands(firefox, "data:image/png;base64,")
    finally:
        firefox.close()
