"""The locality card's trend chart: problems reported and solved per quarter (bars) and how
many were open at each quarter's end (a line), as a PNG readable on a phone.

:class:`TrendChart` holds every text the chart shows (:meth:`TrendChart.labels`, so a test can
check that nothing it may not show is written on it); :func:`render_trend_png` draws it.
matplotlib is imported inside :func:`render_trend_png` only (start-up time), with the Agg
backend and without pyplot's global state; it blocks, so call it with ``asyncio.to_thread``.
Czech letters come from the DejaVu Sans shipped in ``bot/rendering/fonts/``.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from importlib import resources

from bot.domain.locality_card import LocalityCard
from bot.i18n import Translator

#: inches and dots per inch: 1280 × 1040 px, Telegram's largest photo side is 1280
WIDTH_IN, HEIGHT_IN, DPI = 8.0, 6.5, 160
NEW_COLOUR, SOLVED_COLOUR, OPEN_COLOUR = "#0072B2", "#009E73", "#D55E00"  # Okabe–Ito
TITLE_MAX = 34


@dataclass(frozen=True)
class TrendChart:
    title: str
    subtitle: str
    periods: tuple[str, ...]  # the x-axis labels, oldest first (may contain a line break)
    new_label: str
    solved_label: str
    open_label: str
    new: tuple[int, ...]
    solved: tuple[int, ...]
    open_at_end: tuple[int, ...]

    def __post_init__(self) -> None:
        sizes = {len(self.periods), len(self.new), len(self.solved), len(self.open_at_end)}
        if len(sizes) != 1:
            raise ValueError("every series needs a value per period")

    def labels(self) -> list[str]:
        """Every text drawn on the chart."""
        return [
            self.title,
            self.subtitle,
            *self.periods,
            self.new_label,
            self.solved_label,
            self.open_label,
        ]


def trend_chart(t: Translator, card: LocalityCard) -> TrendChart:
    name = card.locality.name
    if len(name) > TITLE_MAX:
        name = name[: TITLE_MAX - 1] + "…"
    return TrendChart(
        title=name,
        subtitle=t._("team {name}", name=card.locality.team_name)
        + " · "
        + t._("problems by quarter"),
        periods=tuple(f"Q{q.quarter}\n{q.year}" for q in card.quarters),
        new_label=t._("reported in the quarter"),
        solved_label=t._("solved in the quarter"),
        open_label=t._("open at the end of the quarter"),
        new=tuple(q.new for q in card.quarters),
        solved=tuple(q.solved for q in card.quarters),
        open_at_end=tuple(q.open_at_end for q in card.quarters),
    )


def _font(bold: bool = False) -> str:
    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    return str(resources.files("bot.rendering") / "fonts" / name)


def render_trend_png(chart: TrendChart) -> bytes:
    """The chart as PNG bytes (blocking: run it in a thread)."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.font_manager import FontProperties
    from matplotlib.ticker import MaxNLocator

    ticks = FontProperties(fname=_font(), size=17)
    legend = FontProperties(fname=_font(), size=17)
    subtitle = FontProperties(fname=_font(), size=17)
    title = FontProperties(fname=_font(bold=True), size=26)

    figure = Figure(figsize=(WIDTH_IN, HEIGHT_IN), dpi=DPI)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    positions = list(range(len(chart.periods)))
    width = 0.38
    axes.bar(
        [x - width / 2 for x in positions],
        chart.new,
        width,
        color=NEW_COLOUR,
        label=chart.new_label,
        zorder=2,
    )
    axes.bar(
        [x + width / 2 for x in positions],
        chart.solved,
        width,
        color=SOLVED_COLOUR,
        label=chart.solved_label,
        zorder=2,
    )
    axes.plot(
        positions,
        chart.open_at_end,
        color=OPEN_COLOUR,
        marker="o",
        markersize=8,
        linewidth=3,
        label=chart.open_label,
        zorder=3,
    )
    top = max([*chart.new, *chart.solved, *chart.open_at_end, 1])
    axes.set_ylim(0, top * 1.1 + 0.3)
    axes.yaxis.set_major_locator(MaxNLocator(integer=True, nbins=5))
    axes.set_xticks(positions)
    axes.set_xticklabels(chart.periods, fontproperties=ticks)
    for label in axes.get_yticklabels():
        label.set_fontproperties(ticks)
    axes.grid(axis="y", color="#dddddd", zorder=0)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    axes.tick_params(length=0)
    figure.text(0.02, 0.975, chart.title, fontproperties=title, va="top")
    figure.text(0.02, 0.885, chart.subtitle, fontproperties=subtitle, va="top", color="#555555")
    handles = dict(zip(*reversed(axes.get_legend_handles_labels()), strict=True))
    # the two bars on one line, the open line under them
    for row, names in enumerate(((chart.new_label, chart.solved_label), (chart.open_label,))):
        figure.add_artist(
            figure.legend(
                [handles[name] for name in names],
                list(names),
                loc="upper left",
                bbox_to_anchor=(0.01, 0.835 - row * 0.06),
                ncols=len(names),
                prop=legend,
                frameon=False,
                handlelength=1.2,
                columnspacing=1.5,
            )
        )
    figure.subplots_adjust(left=0.07, right=0.98, top=0.66, bottom=0.14)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI)
    return buffer.getvalue()
