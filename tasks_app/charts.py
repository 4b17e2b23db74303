"""Coordinates for the charts the dashboard draws as inline SVG.

Pure functions over plain numbers and dates: no queries, no templates, no translation.
The templates under tasks_app/charts/ draw what these return; every coordinate is
rounded to a tenth of a unit so that the markup stays short.
"""

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class BarSegment:
    key: str
    label: str
    value: int
    x: float
    width: float
    percent: float


def stacked_bar(parts: Sequence[tuple[str, str, int]], *, width: float = 600) -> list[BarSegment]:
    """One segment per (key, label, value), side by side, their widths in proportion to
    their values and together `width` wide; all zero wide when every value is zero."""
    total = sum(value for _, _, value in parts)
    segments, x = [], 0.0
    for key, label, value in parts:
        share = value / total if total else 0.0
        segments.append(
            BarSegment(
                key=key,
                label=label,
                value=value,
                x=round(x, 1),
                width=round(width * share, 1),
                percent=round(100 * share, 1),
            )
        )
        x += width * share
    return segments


def rate_width(rate: float | None, *, width: float = 100) -> float:
    """The filled length of a bar `width` long for a percentage; nothing for no rate."""
    if rate is None:
        return 0.0
    return round(width * min(max(rate, 0.0), 100.0) / 100, 1)


def nice_ticks(maximum: float, *, count: int = 4) -> list[int]:
    """Round values from 0 up to at least `maximum`, about `count` steps of 1, 2 or 5
    times a power of ten."""
    if maximum <= 0:
        return [0, 1]
    raw = maximum / count
    magnitude = 10 ** math.floor(math.log10(raw)) if raw >= 1 else 1
    step = next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw)
    top = math.ceil(maximum / step) * step
    return list(range(0, top + 1, step))


@dataclass(frozen=True)
class Tick:
    position: float
    label: str


@dataclass(frozen=True)
class ChartPoint:
    day: date
    x: float
    y_done: float
    y_total: float
    done: int
    total: int


@dataclass(frozen=True)
class BurnUp:
    width: float
    height: float
    left: float
    top: float
    right: float
    bottom: float
    points: list[ChartPoint]
    done_points: str
    total_points: str
    x_ticks: list[Tick]
    y_ticks: list[Tick]

    @property
    def last(self) -> ChartPoint | None:
        return self.points[-1] if self.points else None

    @property
    def tick_end(self) -> float:
        """Where the marks below the horizontal axis end."""
        return self.bottom + 5


def quarter_days(start: date, end: date) -> list[date]:
    """The first day of each quarter from `start` to `end`, and `end`."""
    days = [date(year, month, 1) for year in range(start.year, end.year + 1) for month in (1, 4, 7, 10)]
    return [day for day in days if start <= day < end] + [end]


def burnup(
    points: Sequence[Mapping],
    *,
    start: date,
    end: date,
    width: float = 720,
    height: float = 280,
    margin: tuple[float, float, float, float] = (12, 16, 32, 48),
) -> BurnUp:
    """Where to draw done and total at each point ({"period_end", "done", "total"}) on a
    chart whose horizontal axis runs from `start` to `end` (the plan's year) and whose
    vertical axis runs from 0 to a round number at or above the largest total.
    `margin` is (top, right, bottom, left), room for the axis labels."""
    top, right_margin, bottom_margin, left = margin
    right, bottom = width - right_margin, height - bottom_margin
    span = max((end - start).days, 1)
    ticks = nice_ticks(max((point["total"] for point in points), default=0))
    y_max = ticks[-1]

    def x_of(day: date) -> float:
        return round(left + (right - left) * (day - start).days / span, 1)

    def y_of(value: float) -> float:
        return round(bottom - (bottom - top) * value / y_max, 1)

    placed = [
        ChartPoint(
            day=point["period_end"],
            x=x_of(point["period_end"]),
            y_done=y_of(point["done"]),
            y_total=y_of(point["total"]),
            done=point["done"],
            total=point["total"],
        )
        for point in points
    ]
    return BurnUp(
        width=width,
        height=height,
        left=left,
        top=top,
        right=right,
        bottom=bottom,
        points=placed,
        done_points=" ".join(f"{p.x:g},{p.y_done:g}" for p in placed),
        total_points=" ".join(f"{p.x:g},{p.y_total:g}" for p in placed),
        x_ticks=[Tick(position=x_of(day), label=f"{day:%d/%m}") for day in quarter_days(start, end)],
        y_ticks=[Tick(position=y_of(value), label=str(value)) for value in ticks],
    )
