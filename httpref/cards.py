"""Share cards (Open Graph / Twitter, 1200x630) and app icons, drawn as PNG bytes at build time.

Text is set in Pillow's bundled FreeType font (ImageFont.load_default(size=...)), so no system font
is read and the same arguments give byte-identical PNGs wherever the same Pillow runs. Colours are
the stylesheet's light scheme (read_colours): its ground, ink and muted text, and the class tone
(or the accent) for the bar, kicker and status code; each is 4.5:1 or more on the ground (WCAG
AA). Each colour is drawn as a coverage mask and the card saved in palette mode, 85 steps from the
ground to each colour: exact solid colours, smooth edges. Icons: a bold white "200" centred on the tone, a rounded square with
transparent corners, or full bleed when maskable with the glyph inside the central 80% safe zone."""
import hashlib
import io
import os
import re
import unicodedata
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

import PIL
from PIL import Image, ImageColor, ImageDraw, ImageFont

W, H, MARGIN, BAR, GAP, SUB_GAP = 1200, 630, 64, 24, 40, 52
GLYPH = "#ffffff"  # the icon's text on a class colour: white, as on the site's badges
ICON_TEXT = "200"
# what the bundled font lacks, in characters it has; accents are dropped after NFKD
_PLAIN = str.maketrans({"\u2013": "-", "\u2014": "-", "\u2192": "->", "\u2190": "<-", "\u00d7": "x",
                        "\u2260": "!=", "\u2264": "<=", "\u2265": ">=", "\u00a0": " "})


def read_colours(css: str) -> dict:
    """The stylesheet's colours for the light scheme: {"1xx": …, "5xx": …} from `--tone-1` to
    `--tone-5`, and "ground", "ink", "muted", "accent" from `--bg`, `--fg`, `--muted`, `--accent`.
    One the stylesheet lacks (a maintainer trying something) is drawn black, on white."""
    names = {"bg": "ground", "fg": "ink", "muted": "muted", "accent": "accent"}
    tones = {f"{n}xx": value for n, value in re.findall(r"--tone-([1-5])\s*:\s*(#[0-9a-fA-F]{6})\b", css)}
    light = {names[name]: value for name, value in re.findall(
        r"--(bg|fg|muted|accent)\s*:\s*light-dark\(\s*(#[0-9a-fA-F]{6})", css)}
    missing = {key: "#000000" for key in [*names.values(), *(f"{n}xx" for n in range(1, 6))]}
    return {key: value.lower() for key, value in {**missing, "ground": "#ffffff", **tones, **light}.items()}


@lru_cache(maxsize=None)
def _font(size: int):
    return ImageFont.load_default(size=size)


def _wrap(text: str, font, width: float, stroke: int, max_lines: int) -> list:
    """Greedy word wrap measured with font.getlength (and the stroke); stops past max_lines."""
    lines = []
    for word in text.split():
        if lines and font.getlength(f"{lines[-1]} {word}") + 2 * stroke <= width:
            lines[-1] += f" {word}"
        elif len(lines) == max_lines:
            return lines + [word]
        else:
            lines.append(word)
    return lines


def _fit(text, width, height, largest, smallest, max_lines, bold=0):
    """(font, stroke, lines, ink height): the largest size whose lines fit the width, number
    max_lines or fewer and stand height tall or less; at the smallest size, cut with "…".
    A bold text is stroked in its own colour, size // bold px wide."""
    text = unicodedata.normalize("NFKD", text.translate(_PLAIN))
    text = "".join(c for c in text if not unicodedata.combining(c))
    for size in range(largest, smallest - 1, -2):
        font, stroke = _font(size), (max(1, size // bold) if bold else 0)
        if size > smallest and font.getlength(text) > max_lines * (width + size):
            continue  # too long to fit in any wrapping (a space is narrower than the size)
        lines = _wrap(text, font, width, stroke, max_lines)
        wide = any(_span(font, stroke, line) > width for line in lines)
        if not wide and len(lines) <= max_lines and _height(font, stroke, lines) <= height:
            return font, stroke, lines, _height(font, stroke, lines)
    over, lines = len(lines) > max_lines, lines[:max_lines]
    for i, line in enumerate(lines):
        if (over and i == len(lines) - 1) or _span(font, stroke, line) > width:
            while line and _span(font, stroke, line + "…") > width:
                line = line[:-1].rstrip()
            lines[i] = line + "…"
    return font, stroke, lines, _height(font, stroke, lines)


def _ink(font, stroke, text):
    """The box of the pixels text lights, relative to its pen position on the baseline."""
    mask, (dx, dy) = font.getmask2(text, anchor="ls", stroke_width=stroke)
    x0, y0, x1, y1 = mask.getbbox() or (0, 0, 0, 0)
    return x0 + dx, y0 + dy, x1 + dx, y1 + dy


def _span(font, stroke, line):
    """The width of a line's ink (with the stroke), from its leftmost to its rightmost pixel."""
    left, _, right, _ = font.getbbox(line, anchor="ls", stroke_width=stroke)
    return right - left


def _ascent(font, stroke, line):
    """How far the ink of a first line rises above its baseline: the cap height, or more."""
    return -min(font.getbbox(t, anchor="ls", stroke_width=stroke)[1] for t in ("H", line))


def _height(font, stroke, lines):
    """Ink height of a block: the first line's ascent, the line gaps and the last line's descent."""
    if not lines:
        return 0
    descent = max(0, font.getbbox(lines[-1], anchor="ls", stroke_width=stroke)[3])
    return _ascent(font, stroke, lines[0]) + (len(lines) - 1) * round(font.size * 1.15) + descent


def _draw(d, x, top, block, fill=255):
    font, stroke, lines, _ = block
    baseline = top + _ascent(font, stroke, lines[0]) if lines else 0
    for line in lines:  # the ink, not the pen, starts at x: a large "202" lines up with the rest
        d.text((x - _ink(font, stroke, line[0])[0], baseline), line, fill, font, anchor="ls",
               stroke_width=stroke, stroke_fill=fill)
        baseline += round(font.size * 1.15)


def _png(im: Image.Image) -> bytes:
    out = io.BytesIO()
    im.save(out, "PNG", optimize=False, compress_level=6)
    return out.getvalue()


def draw_card(kicker: str, title: str, subtitle: str, tone: str, site_name: str,
              colours: dict) -> bytes:
    """A 1200x630 PNG: a tone bar on the left, the kicker at the top, the site name at the foot,
    and between them the title (a status code: very large, in the tone; else dark, up to 3 lines)
    and the subtitle (up to 2 lines, omitted when ""). Text shrinks to fit the 64 px margins."""
    ink, muted = colours["ink"], colours["muted"]
    layers = {colour: Image.new("L", (W, H), 0) for colour in (tone, ink, muted)}  # coverage
    draw = {colour: ImageDraw.Draw(layer) for colour, layer in layers.items()}
    draw[tone].rectangle((0, 0, BAR - 1, H - 1), fill=255)
    x, width = BAR + MARGIN, W - MARGIN - (BAR + MARGIN)
    head, foot = _fit(kicker, width, 60, 36, 24, 1), _fit(site_name, width, 40, 30, 20, 1)
    _draw(draw[tone], x, MARGIN, head)
    _draw(draw[muted], x, H - MARGIN - foot[3], foot)
    top, bottom = MARGIN + head[3] + GAP, H - MARGIN - foot[3] - GAP
    code = title.strip().isdigit()
    sub = _fit(subtitle, width, (bottom - top) // 2, 64 if code else 44, 28, 2)
    below = sub[3] + SUB_GAP if sub[2] else 0
    main = _fit(title, width, bottom - top - below, 260 if code else 88, 36, 1 if code else 3, 45)
    y = top + (bottom - top - main[3] - below) // 2
    _draw(draw[tone if code else ink], x, y, main)
    _draw(draw[ink if code else muted], x, y + main[3] + SUB_GAP, sub)
    # index 0 is the ground, then 85 steps from it to each colour (the tone may be the muted colour)
    ground = ImageColor.getrgb(colours["ground"])
    card, palette = Image.new("L", (W, H), 0), list(ground)
    for k, (colour, layer) in enumerate(layers.items()):
        palette += [round(g + (c - g) * step / 84)
                    for step in range(85) for g, c in zip(ground, ImageColor.getrgb(colour))]
        card.paste(layer.point([0] + [1 + 85 * k + a * 84 // 255 for a in range(1, 256)]),
                   mask=layer.point([0] + [255] * 255))
    card = Image.frombytes("P", (W, H), card.tobytes())
    card.putpalette(palette)
    return _png(card)


def draw_icon(size: int, tone: str, maskable: bool = False) -> bytes:
    """A square PNG app icon of `size` px: a bold "200" in GLYPH on the tone colour (see above)."""
    if maskable:
        im = Image.new("RGB", (size, size), tone)
    else:  # the corners drawn at 4x and averaged down, for a smooth edge
        mask = Image.new("L", (size * 4, size * 4), 0)
        ImageDraw.Draw(mask).rounded_rectangle((0, 0, size * 4 - 1, size * 4 - 1), size * 0.9, 255)
        im = Image.new("RGBA", (size, size), tone)
        im.putalpha(mask.reduce(4))
    d = ImageDraw.Draw(im)
    room = size * (0.62 if maskable else 0.74)  # a 0.62 x 0.28 glyph's corners lie inside r = 0.4
    largest = int(room * 100 / _font(100).getlength(ICON_TEXT))
    font, stroke, lines, _ = _fit(ICON_TEXT, room, room, largest, 8, 1, bold=30)
    x0, y0, x1, y1 = _ink(font, stroke, lines[0])  # centre the glyph's pixels, not its pen box
    at = ((size - x1 - x0) // 2, (size - y1 - y0) // 2)
    d.text(at, lines[0], GLYPH, font, anchor="ls", stroke_width=stroke, stroke_fill=GLYPH)
    return _png(im)


@lru_cache(maxsize=None)
def drawing_code() -> bytes:
    """This module's source, read once: a change to it draws every card again."""
    return Path(__file__).read_bytes()


class Card(NamedTuple):
    """What a page's share card says: `tone` is a class key (1xx…5xx) or None."""

    kicker: str
    title: str
    subtitle: str = ""
    tone: str | None = None


class Cards:
    """The cards and icons of one build, in the stylesheet's class colours. A card drawn
    once is kept in the user's cache folder by a digest of everything that decides its
    pixels, so a later build, or another copy of the site, reads it instead of drawing it."""

    def __init__(self, css: str, site_name: str):
        self.colours, self.site_name = read_colours(css), site_name
        # What every card's pixels follow from besides its words: the colours, the drawing
        # code, the Pillow that runs it.
        self.key = hashlib.blake2b(repr((sorted(self.colours.items()), site_name, PIL.__version__)).encode()
                                   + drawing_code(), digest_size=16).hexdigest()
        self.folder = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "httpref" / "cards"

    def draw(self, card: Card) -> bytes:
        tone = self.colours[card.tone or "accent"]
        return self.cached(repr(card), lambda: draw_card(card.kicker, card.title, card.subtitle,
                                                         tone, self.site_name, self.colours))

    def icon(self, size: int, maskable: bool) -> bytes:
        return self.cached(f"icon {size} {maskable}", lambda: draw_icon(size, self.colours["accent"], maskable))

    def cached(self, words: str, draw) -> bytes:
        name = hashlib.blake2b((self.key + words).encode(), digest_size=16).hexdigest() + ".png"
        path = self.folder / name
        try:
            return path.read_bytes()
        except OSError:
            pass
        data = draw()
        try:  # a cache that cannot be written costs time only
            self.folder.mkdir(parents=True, exist_ok=True)
            part = path.with_suffix(f".{os.getpid()}.part")
            part.write_bytes(data)
            part.replace(path)
        except OSError:
            pass
        return data
