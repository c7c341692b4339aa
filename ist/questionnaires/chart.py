"""The self-assessment over time as a small SVG line chart (steps on the y axis, answers in order on the
x axis). The page puts the same points in a table beside it: the chart is for looking, the table for
reading and for screen readers (as reports/charts.py does for bars; that module draws report tables,
and ist/ imports no domain app, so this one is separate)."""

from __future__ import annotations

from dataclasses import dataclass

from ist.questionnaires.selectors import Progress

WIDTH, HEIGHT = 520, 240
LEFT, RIGHT, TOP, BOTTOM = 40, 20, 16, 40


@dataclass
class Point:
    x: int
    y: int
    day: str
    step: int
    label: str


@dataclass
class LineChart:
    title: str
    desc: str
    width: int
    height: int
    points: list[Point]
    path: str
    gridlines: list[tuple[int, int]]  # (y, step)
    baseline: int


def line_chart(progress: Progress) -> LineChart | None:
    if not progress.points:
        return None
    steps = max(progress.steps, 2)
    inner_w, inner_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    n = len(progress.points)

    def y_of(step: int) -> int:
        return TOP + round(inner_h * (steps - step) / (steps - 1))

    points = []
    for i, (day, step, label) in enumerate(progress.points):
        x = LEFT + (round(inner_w * i / (n - 1)) if n > 1 else inner_w // 2)
        points.append(Point(x, y_of(step), f"{day:%Y-%m-%d}", step, label))
    path = " ".join(f"{'M' if i == 0 else 'L'}{p.x},{p.y}" for i, p in enumerate(points))
    desc = "; ".join(f"{p.day}: steg {p.step} av {steps} ({p.label})" for p in points)
    return LineChart(
        title=f"Självskattning över tid: {progress.question}",
        desc=desc,
        width=WIDTH,
        height=HEIGHT,
        points=points,
        path=path,
        gridlines=[(y_of(s), s) for s in range(1, steps + 1)],
        baseline=HEIGHT - BOTTOM,
    )
