"""The draft watermark as a drawing: the letters' outlines, never text in the PDF.

A watermark written as text put its letters into the PDF's text layer, so text copied from
a draft came with stray letters ("D R A F T") and a screen reader read it on every page.
Drawn from the font's glyph outlines as the page's background, it is a picture that
finish_pdf marks as an artifact; the draft is still said once, in words, on the first page.
"""

from __future__ import annotations

import base64
from functools import lru_cache

from ncpi.defaults import builtin_templates_dir, quiet_font_tools

#: The font the watermark is drawn in: the house's bold, shipped with ncpi.
WATERMARK_FONT = "fonts/Lato-Bold.ttf"


@lru_cache(maxsize=8)
def watermark_image(text: str) -> str:
    """`text` drawn diagonally in outline, red and faint: an SVG data URL for a page's
    background."""
    from fontTools.pens.svgPathPen import SVGPathPen
    from fontTools.ttLib import TTFont

    quiet_font_tools()
    font = TTFont(builtin_templates_dir() / WATERMARK_FONT, lazy=True)
    glyphs, cmap = font.getGlyphSet(), font.getBestCmap()
    em = font["head"].unitsPerEm
    paths, x = [], 0
    for character in text:
        name = cmap.get(ord(character), ".notdef")
        pen = SVGPathPen(glyphs)
        glyphs[name].draw(pen)
        if pen.getCommands():
            paths.append(f'<path transform="translate({x} 0)" d="{pen.getCommands()}"/>')
        x += glyphs[name].width
    font.close()
    # Font units, y upwards; turned 35 degrees about the middle of the line.
    width, height = x, em
    side = round((width**2 + height**2) ** 0.5)
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="{-side // 2} {-side // 2} {side} '
        f'{side}" width="{side}" height="{side}">'
        f'<g fill="#d4351c" fill-opacity="0.3" transform="rotate(-35) '
        f'translate({-width // 2} {em // 3}) scale(1 -1)">{"".join(paths)}</g></svg>'
    )
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()
