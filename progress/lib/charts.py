"""Charts as server-side SVG: the same markup in a web page and in a PDF (WeasyPrint draws
SVG itself), so that the board reads in its AG report what the pilot pair saw on screen.

Each function returns a `Chart`: `.svg` is safe inline markup with a title and a description
for screen readers, `.rows` the figures as (label, value) pairs for a table beside it. The
markup has presentation attributes only (the pages' CSP forbids style attributes and
scripts) and a viewBox without a fixed size: the page or the PDF decides how wide it is.
Nothing measures text here; widths are estimated from the number of characters, which is
close enough for Source Sans Pro at these sizes.
"""

import hashlib
import itertools
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from progress.lib.forms import plain_number

FONT = "Source Sans Pro, sans-serif"
FONT_SIZE = 13
CHAR_WIDTH = 0.52  # Source Sans Pro's average advance, in ems
TEXT = "#212529"  # 15:1 on white
MUTED = "#495057"  # 8:1 on white
GREEN = "#1f6f5c"  # 6:1 on white
AXIS = "#6c757d"  # 4.7:1 on white
TRACK = "#e9ecef"
WHITE = "#ffffff"
NO_VALUE = "—"

Number = Decimal | int | float


@dataclass(frozen=True)
class Chart:
    title: str
    svg: SafeString
    rows: list[tuple[str, str]]

    def __html__(self) -> str:
        return self.svg


@dataclass(frozen=True)
class Swatch:
    fill: str
    text: str  # the colour of a count written on it
    is_hatched: bool = False


# Four fills that stay apart in greyscale (dark, mid, light, hatched); each part is outlined,
# so that the light ones keep a visible edge on white paper.
SWATCHES = (
    Swatch(GREEN, WHITE),
    Swatch("#7fb8a6", TEXT),
    Swatch("#e4eeea", TEXT),
    Swatch(WHITE, TEXT, is_hatched=True),
)
# The same meaning gets the same fill wherever it is drawn: what is done is dark green.
SWATCH_OF_KEY = {
    "done": 0,
    "reached": 0,
    "doing": 1,
    "partly": 1,
    "todo": 2,
    "not_assessed": 2,
    "abandoned": 3,
    "not_reached": 3,
}


def format_number(value: Number | None, unit: str = "") -> str:
    """At most two decimals, none when they are zeros, grouped the way of the active language:
    "1 234,5 %" in French."""
    number = _clean(value)
    if number is None:
        return NO_VALUE
    number = number.quantize(Decimal("0.01"), ROUND_HALF_UP) + 0  # + 0: no "-0"
    text = plain_number(number, grouping=True)
    return f"{text}\xa0{unit}" if unit else text


def series_chart(
    series: Sequence[tuple[int, Number | None]],
    *,
    title: str,
    unit: str = "",
    target: Number | None = None,
) -> Chart:
    """A vertical bar per year, oldest first, a gap for a year without a value, and the
    objective as a dashed line."""
    points = [(str(year), _clean(value)) for year, value in series]
    goal = _clean(target)
    rows = [(year, format_number(value, unit)) for year, value in points]
    if goal is not None:
        rows.append((_("Objective"), format_number(goal, unit)))
    # "45 %" or "300 kWh" under each bar; a longer unit is said once, above ("in hours").
    bar_unit = unit if len(unit) <= 4 else ""

    width, height, side, top = 360, 220, 10, 40
    values = [value for _year, value in points if value is not None]
    low, high = _domain([*values, *([goal] if goal is not None else [])])
    plot_bottom = height - (44 if low < 0 else 26)  # room for labels under bars going down

    def y(value) -> float:
        return plot_bottom - float(value - low) / float(high - low) * (plot_bottom - top)

    zero = y(0)
    slot = (width - 2 * side) / max(len(points), 1)
    bar = min(slot * 0.6, 48)
    size = _fitting_size(
        [format_number(value, bar_unit) for _year, value in points]
        + [year for year, _value in points],
        slot - 4,
    )
    bars, labels = [_line(side, zero, width - side, zero, stroke=AXIS)], []
    for index, (year, value) in enumerate(points):
        middle = side + slot * (index + 0.5)
        labels.append(_text(middle, height - 8, year, text_anchor="middle", font_size=size))
        if value is None:
            labels.append(_text(middle, zero - 5, NO_VALUE, fill=MUTED, text_anchor="middle"))
            continue
        tip = y(value)
        bars.append(
            _tag(
                "rect",
                x=middle - bar / 2,
                y=min(tip, zero),
                width=bar,
                height=abs(zero - tip),
                fill=GREEN,
            )
        )
        label_y = tip - 5 if value >= 0 else tip + size + 2
        if goal is not None and label_y - size - 2 < y(goal) < label_y + 4:
            label_y = y(goal) - 6  # above the dashed line rather than crossed by it
        labels.append(
            _text(
                middle,
                label_y,
                format_number(value, bar_unit),
                text_anchor="middle",
                font_size=size,
                font_weight=600,
            )
        )
    if goal is not None:
        # Over the bars, with a white casing so that it shows on the dark green too, and
        # named in a legend above.
        bars.append(_target_line(side, width - side, y(goal)))
        labels.append(_target_line(side, side + 24, 14))
        labels.append(_text(side + 30, 18, _entry(*rows[-1])))
    if unit and not bar_unit:
        labels.append(
            _text(
                width - side, 18, _("in %(unit)s") % {"unit": unit}, fill=MUTED, text_anchor="end"
            )
        )
    if not values:
        labels.append(
            _text(
                width / 2,
                (top + plot_bottom) / 2,
                _("No value yet"),
                fill=MUTED,
                text_anchor="middle",
            )
        )
    parts = bars + labels
    return _chart("series", title, rows, width, height, parts)


def status_chart(parts: Sequence[tuple[str, str, int]], *, title: str) -> Chart:
    """One horizontal bar split by status, and a legend naming each part with its count."""
    parts = list(parts)
    rows = [(label, format_number(count)) for _key, label, count in parts]
    counts = [max(int(count or 0), 0) for _key, _label, count in parts]
    total = sum(counts)
    swatches = _swatches([key for key, _label, _count in parts])

    width, bar_height = 400, 32
    elements = []
    if total:
        x = 0.0
        for count, swatch, (_label, text) in zip(counts, swatches, rows, strict=True):
            if not count:
                continue
            share = count / total * width
            elements.append(_swatch_rect(x + 0.5, 0.5, share - 1, bar_height - 1, swatch))
            if _text_width(text) + 10 <= share:
                middle = x + share / 2
                if swatch.is_hatched:
                    text_width = _text_width(text) + 8
                    elements.append(
                        _tag(
                            "rect",
                            x=middle - text_width / 2,
                            y=bar_height / 2 - 8,
                            width=text_width,
                            height=16,
                            fill=WHITE,
                        )
                    )
                elements.append(
                    _text(
                        middle,
                        bar_height / 2 + 5,
                        text,
                        fill=swatch.text,
                        font_weight=600,
                        text_anchor="middle",
                    )
                )
            x += share
    else:
        elements.append(
            _tag(
                "rect",
                x=0.5,
                y=0.5,
                width=width - 1,
                height=bar_height - 1,
                fill=WHITE,
                stroke=AXIS,
            )
        )
        elements.append(
            _text(width / 2, bar_height / 2 + 5, _("No data yet"), fill=MUTED, text_anchor="middle")
        )

    # The legend flows on as many lines as it needs.
    x, y, line_height = 0.0, bar_height + 14, 24
    for (label, text), swatch in zip(rows, swatches, strict=True):
        entry = _entry(label, text)
        entry_width = 22 + _text_width(entry) + 16
        if x and x + entry_width > width:
            x, y = 0.0, y + line_height
        elements.append(_swatch_rect(x + 0.5, y + 0.5, 15, 15, swatch))
        elements.append(_text(x + 22, y + 13, entry))
        x += entry_width
    return _chart("status", title, rows, width, y + line_height, elements)


def steps_chart(reached: Sequence[tuple[int, str, int]], *, title: str, total: int) -> Chart:
    """For each of the 12 steps, how many of `total` structures have reached it."""
    items = [
        (
            f"{number}. {label}",
            _clean(count),
            _("%(count)s of %(total)s")
            % {"count": format_number(count), "total": format_number(total)},
        )
        for number, label, count in reached
    ]
    high = max([total or 0, *(value for _label, value, _text in items if value is not None)])
    return _horizontal_bars("steps", title, items, track=_clean(total) or None, high=high)


def bars_chart(
    rows: Sequence[tuple[str, Number | None]],
    *,
    title: str,
    unit: str = "",
    max_value: Number | None = None,
) -> Chart:
    """A horizontal bar per row, such as the attendance rate of each session; with
    `max_value` (100 for a rate, 5 for a rating) the bars share that scale."""
    items = [(label, _clean(value), format_number(value, unit)) for label, value in rows]
    ceiling = _clean(max_value)
    values = [value for _label, value, _text in items if value is not None]
    high = max([ceiling or 0, *values])
    return _horizontal_bars("bars", title, items, track=ceiling, high=high)


# --- Drawing ---------------------------------------------------------------------------------


def _horizontal_bars(kind, title, items, *, track, high) -> Chart:
    rows = [(label, text) for label, _value, text in items]
    width, label_width, gap = 640, 230, 10
    value_width = max([40, *(_text_width(text) for _label, _value, text in items)])
    values = [value for _label, value, _text in items if value is not None]
    low, high = _domain([*values, high])
    left, right = label_width + gap, width - value_width - gap

    def x(value) -> float:
        return left + float(value - low) / float(high - low) * (right - left)

    # Labels are mostly lower case, narrower than the average that keeps figures apart.
    chars = int(label_width / (FONT_SIZE * 0.46))
    wrapped = [_wrap(label, chars) for label, _value, _text in items]
    row_height = 40 if any(len(lines) > 1 for lines in wrapped) else 26
    zero = x(0)
    parts = []
    for index, ((_label, value, text), lines) in enumerate(zip(items, wrapped, strict=True)):
        middle = index * row_height + row_height / 2
        first = middle + 4.5 - (len(lines) - 1) * 7.5
        for number, line in enumerate(lines):
            parts.append(_text(0, first + number * 15, line))
        if track is not None and track > 0:
            parts.append(
                _tag(
                    "rect",
                    x=zero,
                    y=middle - 7,
                    width=max(x(track) - zero, 0),
                    height=14,
                    fill=TRACK,
                )
            )
        if value is not None:
            tip = x(value)
            parts.append(
                _tag(
                    "rect",
                    x=min(zero, tip),
                    y=middle - 7,
                    width=abs(tip - zero),
                    height=14,
                    fill=GREEN,
                )
            )
        parts.append(_text(width, middle + 4.5, text, text_anchor="end", font_weight=600))
    height = max(len(items), 1) * row_height
    if low < 0:
        parts.append(_line(zero, 0, zero, height, stroke=AXIS))
    if not items:
        parts.append(_text(width / 2, 17, _("No data yet"), fill=MUTED, text_anchor="middle"))
    return _chart(kind, title, rows, width, height, parts)


def _entry(label: str, value: str) -> str:
    return _("%(label)s: %(value)s") % {"label": label, "value": value}


def _chart(kind, title, rows, width, height, parts) -> Chart:
    title = str(title)
    description = "".join(f"{_entry(label, value)}. " for label, value in rows).strip()
    # Ids derived from the content, not a counter: the same data draws the same markup, and
    # a report's digest stays the same.
    key = "chart-" + hashlib.sha256(f"{kind}|{title}|{description}".encode()).hexdigest()[:12]
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {_number(height)}" '
        f'width="100%" role="img" aria-labelledby="{key}-title {key}-desc" '
        f'class="chart chart-{kind}" font-family="{FONT}" font-size="{FONT_SIZE}" '
        f'fill="{TEXT}">'
        f'<title id="{key}-title">{escape(title)}</title>'
        f'<desc id="{key}-desc">{escape(description)}</desc>'
        f"{''.join(parts)}</svg>"
    )
    return Chart(title, mark_safe(svg), rows)  # every text and attribute above is escaped


def _tag(name: str, content: str = "", **attributes) -> str:
    """An element; `content` must already be escaped. `text_anchor` is written text-anchor."""
    written = "".join(
        f' {attribute.replace("_", "-")}="{escape(_number(value))}"'
        for attribute, value in attributes.items()
        if value is not None
    )
    return f"<{name}{written}>{content}</{name}>" if content else f"<{name}{written}/>"


def _text(x, y, content, **attributes) -> str:
    return _tag("text", escape(content), x=x, y=y, **attributes)


def _line(x1, y1, x2, y2, **attributes) -> str:
    return _tag("line", x1=x1, y1=y1, x2=x2, y2=y2, **attributes)


def _target_line(x1, x2, y) -> str:
    return _line(x1, y, x2, y, stroke=WHITE, stroke_width=5) + _line(
        x1, y, x2, y, stroke=TEXT, stroke_width=2, stroke_dasharray="6 4"
    )


def _swatch_rect(x, y, width, height, swatch: Swatch) -> str:
    parts = [_tag("rect", x=x, y=y, width=width, height=height, fill=swatch.fill)]
    if swatch.is_hatched:
        parts += [
            _line(*segment, stroke=AXIS, stroke_width=1.5)
            for segment in _hatching(x, y, width, height)
        ]
    parts.append(
        _tag("rect", x=x, y=y, width=width, height=height, fill="none", stroke=TEXT, stroke_width=1)
    )
    return "".join(parts)


def _hatching(x, y, width, height, step=6.0) -> Iterable[tuple[float, ...]]:
    """Segments of the lines going up at 45° every `step`, cut to the rectangle (no pattern:
    its id would have to be unique on the page)."""
    offset = step / 2
    while offset < width + height:
        # The line x' + y' = offset in the rectangle's own coordinates, y' downwards.
        start = (max(0.0, offset - height), min(offset, height))
        end = (min(offset, width), max(0.0, offset - width))
        yield x + start[0], y + start[1], x + end[0], y + end[1]
        offset += step


def _swatches(keys: list[str]) -> list[Swatch]:
    taken = {SWATCH_OF_KEY[key] for key in keys if key in SWATCH_OF_KEY}
    free = itertools.cycle(
        [index for index in range(len(SWATCHES)) if index not in taken] or range(len(SWATCHES))
    )
    return [SWATCHES[SWATCH_OF_KEY[key] if key in SWATCH_OF_KEY else next(free)] for key in keys]


def _wrap(text: str, chars: int, lines: int = 2) -> list[str]:
    """The words of `text` on at most `lines` lines of `chars` characters, "…" if cut."""
    wrapped: list[str] = []
    for word in text.split():
        if wrapped and len(wrapped[-1]) + 1 + len(word) <= chars:
            wrapped[-1] += " " + word
        else:
            wrapped.append(word)
    cut = len(wrapped) > lines or any(len(line) > chars for line in wrapped)
    wrapped = [line[:chars] for line in wrapped[:lines]] or [""]
    if cut:
        wrapped[-1] = wrapped[-1][: chars - 1].rstrip() + "…"
    return wrapped


def _fitting_size(labels: list[str], room: float) -> int:
    """The font size at which the longest label fits in `room`, never below 10."""
    longest = max((len(label) for label in labels), default=1) or 1
    return max(10, min(FONT_SIZE, int(room / (longest * CHAR_WIDTH))))


def _text_width(text: str, size: float = FONT_SIZE) -> float:
    return len(text) * size * CHAR_WIDTH


def _domain(values: list[Decimal]) -> tuple[Decimal, Decimal]:
    """The scale's ends, zero included so that bars start from it; never empty."""
    low, high = min([Decimal(0), *values]), max([Decimal(0), *values])
    if low == high:
        high = low + 1
    return low, high


def _clean(value) -> Decimal | None:
    if value is None:
        return None
    try:
        number = Decimal(str(value)) if isinstance(value, float) else Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        return None
    return number if number.is_finite() else None


def _number(value) -> str:
    """Coordinates with two decimals at most, for a compact markup."""
    if isinstance(value, float | Decimal):
        if not math.isfinite(value):
            return "0"
        return f"{value:.2f}".rstrip("0").rstrip(".")
    return str(value)
