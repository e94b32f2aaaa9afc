#!/usr/bin/env python3
"""Draw the module's icon, order_governance/static/description/icon.png.

One bar (the owning department, which manages the order end to end) tied to three
chevrons (the stages that departments execute: done, at work now in the accent
colour, next). Drawn four times larger, then scaled down for smooth edges.
"""

import argparse
from pathlib import Path

from PIL import Image, ImageDraw

ROOT = Path(__file__).resolve().parent.parent
TARGET = ROOT / "order_governance" / "static" / "description" / "icon.png"
BACKGROUND = (36, 52, 84)  # deep navy
DONE = (255, 255, 255)
MANAGER = (201, 211, 230)  # the owning department
WAITING = (122, 138, 168)
ACCENT = (242, 165, 65)  # amber: the stage at work now
SCALE = 4


def chevron(draw, left, top, width, height, tip, colour, notch=True):
    """A stage arrow as in Odoo's status bar: notched on the left, pointed right."""
    middle = top + height / 2
    points = [
        (left, top),
        (left + width - tip, top),
        (left + width, middle),
        (left + width - tip, top + height),
        (left, top + height),
    ]
    if notch:
        points.append((left + tip, middle))
    draw.polygon(points, fill=colour)


def draw_icon(size):
    big = size * SCALE
    unit = big / 256
    image = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle((0, 0, big - 1, big - 1), radius=46 * unit, fill=BACKGROUND)
    width, gap, tip, height = 60, 8, 20, 72
    left, top = (256 - 3 * width - 2 * gap) / 2, 122
    centres = [left + i * (width + gap) + width / 2 for i in range(3)]
    # the owning department: one bar over the whole flow, tied to every stage
    draw.rounded_rectangle(
        ((left + 4) * unit, 58 * unit, (256 - left - 4) * unit, 82 * unit),
        radius=12 * unit,
        fill=MANAGER,
    )
    for x in centres:
        draw.rectangle(
            ((x - 4) * unit, 82 * unit, (x + 4) * unit, (top - 8) * unit), fill=MANAGER
        )
    # the three stages, each executed by its own department: done, now, next
    for index, colour in enumerate((DONE, ACCENT, WAITING)):
        chevron(
            draw,
            (left + index * (width + gap)) * unit,
            top * unit,
            width * unit,
            height * unit,
            tip * unit,
            colour,
            notch=index > 0,
        )
    return image.resize((size, size), Image.Resampling.LANCZOS)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=256)
    parser.add_argument("--output", type=Path, default=TARGET)
    args = parser.parse_args()
    args.output.parent.mkdir(parents=True, exist_ok=True)
    draw_icon(args.size).save(args.output, optimize=True)
    print(f"Wrote {args.output}")


if __name__ == "__main__":
    main()
