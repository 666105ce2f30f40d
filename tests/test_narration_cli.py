"""The lecturer's own words: `narration export` writes the slide points' texts as TOML, and
`--narration FILE` puts edited texts (any language) into the captions, the handout and the voice;
a file naming an unknown scene or slide point is a one-line error that writes nothing. Through
the CLI as a user types it (relative paths, default media/)."""
from __future__ import annotations

import json
import shutil
import tomllib
from pathlib import Path

import pytest
from click.testing import CliRunner

from scripts.cli import cli

pytestmark = pytest.mark.skipif(
    not all(shutil.which(t) for t in ("ffmpeg", "ffprobe", "latex", "espeak-ng")),
    reason="needs ffmpeg, LaTeX and espeak-ng (scripts/bootstrap.sh installs them)")

FRENCH = "Les observations viennent en groupes. L'estimation γ̂₀₀ et la variance τ₀² : «·mixte·»."


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


def one_line_error(result, *fragments):
    assert result.exit_code == 2, result.output
    err = result.stderr.strip()
    assert "\n" not in err and err.startswith("Error: ") and "Traceback" not in result.output, err
    for fragment in fragments:
        assert fragment in err, err


def test_export_round_trip(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    listed = json.loads(run("list", "--json").stdout)["scenes"]
    result = run("narration", "export", "-o", "words.toml")
    assert result.exit_code == 0, result.output
    exported = tomllib.loads(Path("words.toml").read_text(encoding="utf-8"))
    assert exported == {scene["name"]: {s["name"]: s["narration"] for s in scene["slides"]}
                        for scene in listed}
    # one scene to stdout; the file read back gives the same texts (nothing is overridden)
    one = run("narration", "export", "TitleCard").stdout
    assert list(tomllib.loads(one)) == ["TitleCard"]
    from scripts.pipeline import catalog, narration
    from scripts.pipeline.cache import Cache

    scenes = catalog.load(Cache(tmp_path / "media" / ".cache"), {})
    assert narration.apply(scenes, narration.load("words.toml", scenes)) == scenes
    one_line_error(run("narration", "export", "NoSuchScene"), "scene 'NoSuchScene' is unknown")


def test_own_words_reach_captions_handout_and_voice(tmp_path, monkeypatch):
    import pypdf

    monkeypatch.chdir(tmp_path)
    Path("fr.toml").write_text(f'[TitleCard]\nmodel = "{FRENCH}"\n', encoding="utf-8")
    result = run("lecture", "TitleCard", "-q", "low", "--narration", "fr.toml", "--voice", "espeak:fr",
                 "--json")
    assert result.exit_code == 0, result.output
    folder = Path(json.loads(result.stdout)["folder"]) / "parts" / "TitleCard" / "lecture"
    vtt = (folder / "lecture.vtt").read_text(encoding="utf-8")
    assert "Les observations viennent en groupes." in vtt and "γ̂₀₀" in vtt and "pupils" not in vtt
    handout = " ".join(page.extract_text() for page in pypdf.PdfReader(folder / "handout.pdf").pages)
    assert "Les observations viennent en groupes." in " ".join(handout.split())
    # the voice said these words: its speech files are keyed by the spoken text
    from scripts.pipeline.speech_text import spoken

    assert "gamma hat zero zero" in spoken(FRENCH) and "tau zero squared" in spoken(FRENCH)
    # the file is part of the video's cache key: the scene's own words render anew
    plain = json.loads(run("lecture", "TitleCard", "-q", "low", "--voice", "espeak:fr", "--json").stdout)
    assert plain["scenes"][0]["status"] == "rendered"
    again = json.loads(run("lecture", "TitleCard", "-q", "low", "--narration", "fr.toml",
                           "--voice", "espeak:fr", "--json").stdout)
    assert again["scenes"][0]["status"] == "cached"
    assert "Les observations" in (folder / "lecture.vtt").read_text(encoding="utf-8")


def test_own_words_reach_the_decks_speaker_notes(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("fr.toml").write_text(f'[TitleCard]\nmodel = "{FRENCH}"\n', encoding="utf-8")
    result = run("slides", "TitleCard", "--static", "-q", "low", "--no-pptx", "--no-pdf",
                 "--narration", "fr.toml", "--json")
    assert result.exit_code == 0, result.output
    [deck] = [Path(f) for f in json.loads(result.stdout)["files"] if f.endswith("deck.html")]
    page = deck.read_text(encoding="utf-8")
    assert "Les observations viennent en groupes." in page and "γ̂₀₀" in page
    one_line_error(run("slides", "TitleCard", "--static", "-q", "low", "--narration", "missing.toml"),
                   "missing.toml")


@pytest.mark.parametrize("content, fragments", [
    ('[NoSuchScene]\nx = "y"\n', ("scene 'NoSuchScene' is unknown", "TitleCard")),
    ('[TitleCard]\nnope = "y"\n', ("TitleCard has no slide point 'nope'", "its slide points are model")),
    ('[TitleCard]\nmodel = 3\n', ("TitleCard.model must be a text in quotes",)),
    ('[TitleCard\n', ("is not valid TOML",)),
])
def test_a_bad_narration_file_is_one_line_and_writes_nothing(tmp_path, monkeypatch, content, fragments):
    monkeypatch.chdir(tmp_path)
    Path("words.toml").write_text(content, encoding="utf-8")
    one_line_error(run("lecture", "TitleCard", "-q", "low", "--narration", "words.toml"), *fragments)
    assert not Path("media").exists()


def test_a_missing_or_non_utf8_narration_file(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    one_line_error(run("render", "TitleCard", "--narration", "gone.toml"), "'gone.toml' not found")
    Path("latin1.toml").write_bytes('[TitleCard]\nmodel = "modèle"\n'.encode("latin-1"))
    one_line_error(run("render", "TitleCard", "--narration", "latin1.toml"), "is not UTF-8")
    assert not Path("media").exists()
