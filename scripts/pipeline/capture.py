"""Stills at slide points: PNG from the camera's pixels, SVG and PDF by drawing the same mobjects
onto a cairo vector surface of the same size (so text and curves stay sharp on slides).

Installed into the scene base by the worker (scenes.base.set_still_writer). Files are written
to a temp name and renamed; they are deterministic: PNGs carry no timestamp, the PDF's creation
date is fixed, and the SVG's cairo surface ids (a process-wide counter) are renumbered.
"""
from __future__ import annotations

import itertools
import os
import re
from pathlib import Path

import cairo
import numpy as np
from PIL import Image

FORMATS = ("png", "svg", "pdf")
FIXED_DATE = "2000-01-01T00:00:00Z"


class StillWriter:
    """Writes the stills of one scene into `out_dir/<format>/` at every slide point."""

    def __init__(self, out_dir: str | os.PathLike, formats=("png",), transparent: bool = False,
                 on_still=None):
        self.out_dir = Path(out_dir)
        self.formats = tuple(formats)
        self.transparent = transparent
        self.on_still = on_still
        self.written: list[str] = []

    def __call__(self, scene, index: int, name: str) -> None:
        stem = Path(scene.still_name(index, name)).stem
        for fmt in self.formats:
            path = self.out_dir / fmt / f"{stem}.{fmt}"
            path.parent.mkdir(parents=True, exist_ok=True)
            if fmt == "png":
                save_png(scene, path, self.transparent)
            else:
                save_vector(scene, path, fmt, self.transparent)
            self.written.append(str(path))
        if self.on_still:
            self.on_still(index, name)


def _atomic(path: Path) -> Path:
    return path.with_name(f".{path.name}.tmp")


def frame_rgba(scene, transparent: bool = False) -> np.ndarray:
    """The scene as it stands, as straight (not premultiplied) RGBA. Transparent frames are
    drawn without a backdrop, so edge pixels carry the colour of what is drawn there (they
    composite cleanly onto any slide colour). Drawn by the camera from the background up (not over the renderer's cached image of static mobjects, which a frozen
    wait leaves behind and which would draw those mobjects twice)."""
    from manim.utils.iterables import list_update

    camera = scene.renderer.camera
    background = camera.background
    if transparent:
        # Draw onto (0, 0, 0, 0), not onto the theme colour at alpha 0: cairo composites in
        # premultiplied alpha, so a (255, 255, 255, 0) backdrop (the light theme's) adds white
        # to every anti-aliased edge pixel, and straightened they come out near-white fringes.
        camera.background = np.zeros_like(background)
    try:
        camera.reset()
        camera.capture_mobjects(list_update(scene.mobjects, scene.foreground_mobjects))
        frame = np.array(camera.pixel_array, dtype=np.uint8, copy=True)
    finally:
        camera.background = background
    if transparent:
        alpha = frame[..., 3:4].astype(np.uint16)
        rgb = frame[..., :3].astype(np.uint16)
        with np.errstate(divide="ignore", invalid="ignore"):
            straight = np.where(alpha > 0, (rgb * 255 + alpha // 2) // np.maximum(alpha, 1), 0)
        frame[..., :3] = np.minimum(straight, 255).astype(np.uint8)
    return frame


def save_png(scene, path: Path, transparent: bool = False) -> None:
    frame = frame_rgba(scene, transparent)
    image = Image.fromarray(frame, "RGBA") if transparent else Image.fromarray(frame[..., :3], "RGB")
    tmp = _atomic(path)
    image.save(tmp, format="PNG", compress_level=6)
    os.replace(tmp, path)


def save_vector(scene, path: Path, fmt: str, transparent: bool = False) -> None:
    camera = scene.renderer.camera
    width, height = camera.pixel_width, camera.pixel_height
    tmp = _atomic(path)
    if fmt == "svg":
        surface = cairo.SVGSurface(str(tmp), width, height)
        surface.set_document_unit(cairo.SVGUnit.PX)
    elif fmt == "pdf":
        surface = cairo.PDFSurface(str(tmp), width, height)
        for key in (cairo.PDFMetadata.CREATE_DATE, cairo.PDFMetadata.MOD_DATE):
            surface.set_metadata(key, FIXED_DATE)
        surface.set_metadata(cairo.PDFMetadata.CREATOR, "glmm-explainer")
    else:
        raise ValueError(f"unknown vector format {fmt!r}")
    ctx = cairo.Context(surface)
    if not transparent:
        r, g, b = _rgb(camera.background_color)
        ctx.set_source_rgba(r, g, b, float(camera.background_opacity))
        ctx.paint()
    draw_vector(scene, ctx)
    surface.finish()
    if fmt == "svg":
        _normalise_svg(tmp)
    os.replace(tmp, path)


def _rgb(color) -> tuple[float, float, float]:
    from manim import ManimColor

    rgb = ManimColor.parse(color).to_rgb()
    return float(rgb[0]), float(rgb[1]), float(rgb[2])


def draw_vector(scene, ctx: "cairo.Context") -> None:
    """Draw the scene's mobjects onto `ctx` in the camera's order. Vector mobjects become cairo
    paths; anything else (images, point clouds, gradient-textured vmobjects) is drawn by the
    camera into a transparent layer that is placed as an image at the same depth."""
    from manim.mobject.mobject import Mobject
    from manim.mobject.types.vectorized_mobject import VMobject
    from manim.utils.iterables import list_update

    camera = scene.renderer.camera
    fw, fh = camera.frame_width, camera.frame_height
    pw, ph = camera.pixel_width, camera.pixel_height
    fc = camera.frame_center
    ctx.set_matrix(cairo.Matrix(pw / fw, 0, 0, -(ph / fh), (pw / 2) - fc[0] * (pw / fw),
                                (ph / 2) + fc[1] * (ph / fh)))
    mobjects = camera.get_mobjects_to_display(list_update(scene.mobjects, scene.foreground_mobjects))
    original = camera.set_cairo_context_color
    camera.set_cairo_context_color = _straight_colour(camera)
    try:
        for kind, group in itertools.groupby(mobjects, camera.type_or_raise):
            group = list(group)
            if kind is Mobject:
                continue  # plain Mobjects draw nothing
            if kind is VMobject and not any(m.get_background_image() for m in group):
                for vmobject in group:
                    camera.display_vectorized(vmobject, ctx)
            else:
                _draw_raster_layer(camera, kind, group, ctx)
    finally:
        camera.set_cairo_context_color = original


def _straight_colour(camera):
    """The camera's colour setter swaps red and blue for its BGRA pixel buffer; a vector surface
    wants them as they are."""
    def set_colour(ctx, rgbas, vmobject):
        if len(rgbas) == 1:
            ctx.set_source_rgba(*rgbas[0][:3], rgbas[0][3])
        else:
            points = vmobject.get_gradient_start_and_end_points()
            points = camera.transform_points_pre_display(vmobject, points)
            pattern = cairo.LinearGradient(*itertools.chain(*(point[:2] for point in points)))
            for rgba, offset in zip(rgbas, np.linspace(0, 1, len(rgbas))):
                pattern.add_color_stop_rgba(offset, *rgba[:3], rgba[3])
            ctx.set_source(pattern)
        return camera
    return set_colour


def _draw_raster_layer(camera, kind, group, ctx) -> None:
    from manim.mobject.types.vectorized_mobject import VMobject

    layer = np.zeros((camera.pixel_height, camera.pixel_width, 4), dtype=np.uint8)
    try:
        camera.display_funcs[kind](group, layer)
    finally:  # the camera caches a cairo context per array id; this array is about to go
        camera.pixel_array_to_cairo_context.pop(id(layer), None)
    # The camera's buffer holds R,G,B,A bytes (cairo-drawn parts premultiplied, pasted images
    # straight); cairo's ARGB32 wants B,G,R,A premultiplied on little-endian machines.
    if kind is not VMobject:
        alpha = layer[..., 3:4].astype(np.uint16)
        layer[..., :3] = ((layer[..., :3].astype(np.uint16) * alpha + 127) // 255).astype(np.uint8)
    layer = np.ascontiguousarray(layer[..., [2, 1, 0, 3]])
    image = cairo.ImageSurface.create_for_data(memoryview(layer), cairo.FORMAT_ARGB32,
                                               camera.pixel_width, camera.pixel_height)
    ctx.save()
    ctx.identity_matrix()
    ctx.set_source_surface(image, 0, 0)
    ctx.paint()
    ctx.restore()


_SURFACE_ID = re.compile(rb"surface(\d+)")


def _normalise_svg(path: Path) -> None:
    """Renumber cairo's process-wide surface ids so the same drawing gives the same bytes."""
    data = path.read_bytes()
    mapping: dict[bytes, bytes] = {}

    def renumber(match):
        old = match.group(1)
        if old not in mapping:
            mapping[old] = str(len(mapping) + 1).encode()
        return b"surface" + mapping[old]

    path.write_bytes(_SURFACE_ID.sub(renumber, data))
