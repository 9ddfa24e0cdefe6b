"""Bar charts as PNG for a phone: large type, at most six series, DejaVu Sans for Czech letters.

A :class:`Chart` says what is drawn (every text on it is in ``labels()``, so a test can check
that nothing confidential is written on a chart); :func:`render_png` draws it. matplotlib is
imported inside :func:`render_png` only (start-up time), with the Agg backend and without pyplot
(each chart is its own Figure, so charts can be drawn in parallel threads); call it off the event
loop (``asyncio.to_thread``).
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
#: 1024 px wide: sharp on a phone (Telegram scales photos to at most 1280 px)
WIDTH_IN, DPI = 8.0, 128

#: characters per line of a bar's name and of the title
LABEL_WIDTH, TITLE_WIDTH = 18, 40

_lock = threading.Lock()  # matplotlib's settings are global: set them up once
_ready = False


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
    _setup()
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    count = len(chart.categories)
    series = len(chart.series)
    labels = [_wrap(label) for label in chart.categories]
    title = _wrap(chart.title, TITLE_WIDTH)
    title_in = 0.45 * (title.count("\n") + 1) + 0.35
    if chart.horizontal:
        height = max(4.5, title_in + 0.4 + 0.7 * count * (1 + 0.5 * (series - 1)))
    else:
        height = 6.0
    fig = Figure(figsize=(WIDTH_IN, height), dpi=DPI)
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    width = 0.8 / series
    top = max((max(s.values, default=0) for s in chart.series), default=0) or 1
    for index, one in enumerate(chart.series):
        offset = (index - (series - 1) / 2) * width
        positions = [i + offset for i in range(count)]
        colour = COLOURS[index % len(COLOURS)]
        if chart.horizontal:
            bars = ax.barh(positions, one.values, height=width, color=colour, label=one.name)
        else:
            bars = ax.bar(positions, one.values, width=width, color=colour, label=one.name)
        if chart.value_labels:
            ax.bar_label(bars, labels=[_number(v) for v in one.values], padding=4,
                         fontsize=15 if count <= 12 else 11)  # fmt: skip
    ticks = list(range(count))
    bottom_in = 0.25
    if chart.horizontal:
        ax.set_yticks(ticks, labels=labels)
        ax.invert_yaxis()  # the first (largest) on top
        ax.set_xlim(0, top * 1.18)
        ax.xaxis.set_visible(False)
        ax.spines["bottom"].set_visible(False)
        # the names' column: the longest line, about 0.55 em per character at 17 pt
        longest = max((len(line) for label in labels for line in label.split("\n")), default=1)
        left_in = 0.25 + longest * 0.55 * 17 / 72
    else:
        rotate = count > 18
        size = 13 if rotate or count > 12 else 15
        ax.set_xticks(ticks, labels=labels, rotation=60 if rotate else 0,
                      ha="right" if rotate else "center", fontsize=size)  # fmt: skip
        ax.set_ylim(0, top * (1.35 if series > 1 else 1.15))  # room for the legend
        ax.yaxis.set_visible(False)
        ax.spines["left"].set_visible(False)
        lines = max((label.count("\n") + 1 for label in labels), default=1)
        bottom_in += (1.6 if rotate else lines * 0.3) + 0.1
        left_in = 0.2
    if chart.caption:
        fig.text(0.01, 0.01, chart.caption, fontsize=13, color="#444444")
        bottom_in += 0.35
    # the title starts at the figure's edge, not at the axes (long names on the left)
    fig.text(0.02, 1 - 0.2 / height, title, ha="left", va="top", fontsize=21, fontweight="bold")
    if series > 1:
        ax.legend(frameon=False, loc="upper left", ncol=min(3, series))
    fig.subplots_adjust(
        left=min(left_in / WIDTH_IN, 0.6),
        right=0.97,
        top=1 - title_in / height,
        bottom=bottom_in / height,
    )
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", pil_kwargs={"compress_level": 1})
    return buffer.getvalue()


def _setup() -> None:
    """Agg, the bundled DejaVu Sans and the common style, once per process."""
    global _ready
    if _ready:
        return
    with _lock:
        if _ready:
            return
        import matplotlib

        matplotlib.use("Agg")
        from matplotlib import font_manager

        for bold in (False, True):
            font_manager.fontManager.addfont(_font_path(bold))
        matplotlib.rcParams.update(
            {
                "font.family": "DejaVu Sans",
                "font.size": 17,
                "axes.spines.top": False,
                "axes.spines.right": False,
            }
        )
        _ready = True


def _wrap(text: str, width: int = LABEL_WIDTH) -> str:
    """At most two lines of ``width`` characters (a longer text ends with "…")."""
    lines = textwrap.wrap(text, width) or [""]
    if len(lines) > 2:
        lines = [lines[0], textwrap.shorten(" ".join(lines[1:]), width, placeholder="…")]
    return "\n".join(lines)


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.1f}".replace(".", ",")
