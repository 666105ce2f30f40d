"""screen_numbers reads what a Transform left on screen, not the text the mobject was built with."""
from manim import MathTex, ReplacementTransform, Text, Transform, TransformFromCopy, VGroup

from scenes.screen_text import note_transforms, screen_numbers
from scenes.theme import DARK
from scenes.vocab.panels import Readout


def _texts(mobjects):
    return [row["text"] for row in screen_numbers(mobjects)]


def test_a_plain_transform_is_read_as_its_target():
    note = Text("complete pooling: 51.4")
    group = VGroup(Text("n = 12"), MathTex(r"\hat\gamma_{00} = 50.1"))
    animations = [Transform(note, Text("no pooling: 47.2")),
                  Transform(group, VGroup(Text("n = 30"), MathTex(r"\hat\gamma_{00} = 49.9")))]
    for animation in animations:     # what Scene.play does to a Transform's mobject
        animation.begin()
        animation.finish()
    note_transforms(animations)
    assert _texts([note, group]) == ["no pooling: 47.2", "n = 30", r"\hat\gamma_{00} = 49.9"]


def test_copies_and_replacements_keep_their_own_text():
    source, target = Text("tau = 3.1"), Text("tau = 4.2")
    copy_in = TransformFromCopy(source, target)
    replaced = ReplacementTransform(Text("sigma = 1.5"), Text("sigma = 2.5"))
    note_transforms([copy_in, replaced])
    assert _texts([source, target]) == ["tau = 3.1", "tau = 4.2"]


def test_a_readout_set_after_a_transform_shows_its_latest_value():
    readout = Readout("ICC =", 0.25, DARK)
    animation = readout.update_to(0.5)
    animation.begin()
    animation.finish()
    note_transforms([animation])
    assert screen_numbers([readout])[-1]["numbers"] == [0.5]
    readout.set_value(0.75)
    assert screen_numbers([readout])[-1]["numbers"] == [0.75]
