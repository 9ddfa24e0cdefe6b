"""Bar charts as PNG for a phone: large type, at most six series, DejaVu Sans for Czech letters.

A :class:`Chart` says what is drawn (every text on it is in ``labels()``, so a test can check
that nothing confidential is written on a chart); :func:`render_png` draws it. matplotlib is
imported inside :func:`render_png` only (start-up time), with the Agg backend; call it off the
event loop (``asyncio.to_thread``).
"""

from __future__ import annotations

import io
import textwrap
import threading
from dataclasses import dataclass
from importlib import resources

MAX_SERIES = 6
#: the colours of the series (colour-blind safe, Okabe–Ito)
COLOURS = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9")
#: pixels: Telegram shows a photo up to 1280 px on its longer side
WIDTH_IN, DPI = 8.0, 160

#: characters per line of a bar's name and of the title
LABEL_WIDTH, TITLE_WIDTH = 18, 40

_lock = threading.Lock()  # pyplot's state is global: one chart at a time


@dataclass(frozen=True)
class Series:
    name: str
    values: tuple[float, ...]


@dataclass(frozen=True)
class Chart:
    """Bars: ``horizontal`` for named groups (sorted, the largest on top), vertical for time
    (in time order). With several series the bars stand side by side."""

    title: str
    categories: tuple[str, ...]
    series: tuple[Series, ...]
    horizontal: bool = True
    caption: str = ""  # a line under the chart (e.g. what "ostatní" means)
    value_labels: bool = True  # the number at the end of each bar

    def __post_init__(self) -> None:
        if not 1 <= len(self.series) <= MAX_SERIES:
            raise ValueError("a chart has one to six series")
        if any(len(s.values) != len(self.categories) for s in self.series):
            raise ValueError("every series needs a value per category")

    def labels(self) -> list[str]:
        """Every text the chart shows."""
        return [
            self.title,
            *self.categories,
            *(s.name for s in self.series if len(self.series) > 1),
            *([self.caption] if self.caption else []),
        ]


def _font_path(bold: bool = False) -> str:
    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    return str(resources.files("bot.rendering") / "fonts" / name)


def render_png(chart: Chart) -> bytes:
    """The chart as a PNG (blocking: run it in a thread)."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import font_manager
    from matplotlib import pyplot as plt

    with _lock:
        for bold in (False, True):
            font_manager.fontManager.addfont(_font_path(bold))
        plt.rcParams.update(
            {
                "font.family": "DejaVu Sans",
                "font.size": 17,
                "axes.titlesize": 21,
                "axes.titleweight": "bold",
                "axes.spines.top": False,
                "axes.spines.right": False,
            }
        )
        return _draw(plt, chart)


def _draw(plt, chart: Chart) -> bytes:  # type: ignore[no-untyped-def]
    count = len(chart.categories)
    several = len(chart.series) > 1
    if chart.horizontal:
        height = max(4.5, 1.8 + 0.75 * count * (1 + 0.5 * (len(chart.series) - 1)))
    else:
        height = 6.0
    fig, ax = plt.subplots(figsize=(WIDTH_IN, height), dpi=DPI)
    try:
        width = 0.8 / len(chart.series)
        top = max((max(s.values, default=0) for s in chart.series), default=0) or 1
        for index, series in enumerate(chart.series):
            offset = (index - (len(chart.series) - 1) / 2) * width
            positions = [i + offset for i in range(count)]
            colour = COLOURS[index % len(COLOURS)]
            if chart.horizontal:
                bars = ax.barh(positions, series.values, height=width, color=colour,
                               label=series.name)  # fmt: skip
            else:
                bars = ax.bar(positions, series.values, width=width, color=colour,
                              label=series.name)  # fmt: skip
            if chart.value_labels:
                ax.bar_label(bars, labels=[_number(v) for v in series.values], padding=4,
                             fontsize=15 if count <= 12 else 11)  # fmt: skip
        ticks = list(range(count))
        if chart.horizontal:
            ax.set_yticks(ticks, labels=[_wrap(label) for label in chart.categories])
            ax.invert_yaxis()  # the first (largest) on top
            ax.set_xlim(0, top * 1.18)
            ax.xaxis.set_visible(False)
            ax.spines["bottom"].set_visible(False)
        else:
            rotate = count > 18
            ax.set_xticks(ticks, labels=list(chart.categories),
                          rotation=60 if rotate else 0, ha="right" if rotate else "center",
                          fontsize=13 if rotate or count > 12 else 15)  # fmt: skip
            ax.set_ylim(0, top * (1.35 if several else 1.15))  # room for the legend
            ax.yaxis.set_visible(False)
            ax.spines["left"].set_visible(False)
        # the title starts at the figure's edge, not at the axes (long names on the left)
        fig.suptitle(_wrap(chart.title, TITLE_WIDTH), x=0.02, ha="left", fontsize=21,
                     fontweight="bold")  # fmt: skip
        if several:
            ax.legend(frameon=False, loc="upper left", ncol=min(3, len(chart.series)))
        if chart.caption:
            fig.text(0.01, 0.01, chart.caption, fontsize=13, color="#444444")
        fig.tight_layout(rect=(0, 0.04 if chart.caption else 0, 1, 1))
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png")
        return buffer.getvalue()
    finally:
        plt.close(fig)


def _wrap(text: str, width: int = LABEL_WIDTH) -> str:
    """At most two lines of ``width`` characters (a longer text ends with "…")."""
    lines = textwrap.wrap(text, width) or [""]
    if len(lines) > 2:
        lines = [lines[0], textwrap.shorten(" ".join(lines[1:]), width, placeholder="…")]
    return "\n".join(lines)


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.1f}".replace(".", ",")
