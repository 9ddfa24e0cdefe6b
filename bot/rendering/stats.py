"""``/stats`` as a person reads it: one phone screen of text and up to four charts."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from babel.dates import format_date

from bot.domain.models import OrgType
from bot.domain.periods import Period, PeriodKind, PeriodProblem
from bot.domain.stats import Bucket, Median, StatsView, TeamFigures
from bot.i18n import Translator
from bot.rendering.charts import Chart, Series
from bot.rendering.problems import category_name, escape, status_name

#: organisation types as the teams abbreviate them (short enough for a chart's axis)
ORG_SHORT = {
    OrgType.NNO: "NNO",
    OrgType.PCR: "PČR",
    OrgType.MPO: "MPO",
    OrgType.UMOB: "ÚMOb",
    OrgType.ZS: "ZŠ",
    OrgType.MMO: "MMO",
    OrgType.APK: "APK",
}


def org_short(t: Translator, org_type: OrgType | None) -> str:
    if org_type is None:
        return t._("no lead yet")
    return ORG_SHORT.get(org_type) or t._("other")


def period_label(t: Translator, period: Period | None) -> str:
    if period is None or period.is_all:
        return t._("all time")
    match period.kind:
        case PeriodKind.YEAR if period.start is not None:
            return t._("year {year}", year=period.start.year)
        case PeriodKind.QUARTER if period.start is not None:
            return t._("Q{q} {year}", q=period.quarter, year=period.start.year)
        case PeriodKind.MONTH if period.start is not None:
            return _month(t, period.start, "LLLL y")
    if period.start is None:
        assert period.end is not None
        return t._("until {day}", day=_day(t, period.end))
    if period.end is None:
        return t._("since {day}", day=_day(t, period.start))
    return f"{_day(t, period.start)} – {_day(t, period.end)}"


def _day(t: Translator, day: date) -> str:
    return t.date(datetime.combine(day, time(12), t.timezone))


def _month(t: Translator, day: date, pattern: str) -> str:
    return str(format_date(day, pattern, locale="cs_CZ" if t.language == "cs" else "en_GB"))


def period_problem(t: Translator, problem: PeriodProblem) -> str:
    match problem:
        case PeriodProblem.REVERSED:
            return t._("The end of the period is before its start.")
        case PeriodProblem.INVALID_DATE:
            return t._("That date does not exist.")
        case PeriodProblem.BAD_QUARTER:
            return t._("A year has quarters 1 to 4.")
        case PeriodProblem.BAD_YEAR:
            return t._("Please write a year between 2000 and 2099.")
    return t._(
        "I did not understand the period. Write e.g. /stats 2026, /stats Q3 2026, "
        "/stats září 2026 or /stats od 1.9. do 30.11."
    )


def _days(t: Translator, median: Median) -> str:
    if median.days is None:
        return "–"
    return t.n_("{n} day", "{n} days", round(median.days))


def _age(t: Translator, age: timedelta) -> str:
    return t.n_("{n} day", "{n} days", max(age.days, 0))


def _top(pairs: list[tuple[str, int]], limit: int = 3) -> str:
    return ", ".join(f"{name} ({n})" for name, n in pairs[:limit])


def stats_text(t: Translator, view: StatsView, period: Period | None, now: datetime) -> str:
    """One screen: the headline figures; details are on the charts."""
    name = escape(view.name) if view.team_id is not None else t._("Whole city")
    if view.figures is None:
        head = "📊 " + t._("<b>{team}</b>: open problems", team=name)
    else:
        head = f"📊 <b>{name}</b> · {period_label(t, period)}"
    if view.is_empty:
        return "\n".join(
            [
                head,
                "",
                t._(
                    "Nothing to count yet: there are no open problems, and nothing happened "
                    "in this period."
                ),
            ]
        )
    counts = view.open
    statuses = ", ".join(f"{status_name(t, s)} {n}" for s, n in counts.by_status)
    lines = [head, "", t._("Open: {n}", n=counts.total) + (f" ({statuses})" if statuses else "")]
    if counts.by_category:
        categories = [(category_name(t, c), n) for c, n in counts.by_category]
        lines.append(t._("Themes: {list}", list=_top(categories)))
    if counts.by_locality:
        localities = [(escape(name), n) for name, n in counts.by_locality]
        lines.append(t._("Localities: {list}", list=_top(localities)))
    f = view.figures
    if f is None:
        lines += ["", t._("Coordinators see the full statistics.")]
        return "\n".join(lines)
    if f.by_team:
        lines.append(t._("Teams: {list}", list=_top([(escape(n), c) for n, c in f.by_team])))
    if f.by_lead:
        leads = [(org_short(t, o), n) for o, n in f.by_lead]
        lines.append(t._("Lead: {list}", list=_top(leads, 4)))
    lines += [
        "",
        t._("In the period: reported {new}, solved {solved}", new=f.new, solved=f.solved),
        t._(
            "Median to first discussion: {days}, to solution: {solution}",
            days=_days(t, f.to_discussion),
            solution=_days(t, f.to_solution),
        ),
    ]
    if f.meetings:
        present = sum(n for _, n in f.attendance)
        average = f"{present / f.meetings:.1f}".replace(".", "," if t.language == "cs" else ".")
        lines.append(
            t.n_(
                "{n} meeting held, on average {average} present",
                "{n} meetings held, on average {average} present",
                f.meetings,
                average=average,
            )
        )
    else:
        lines.append(t._("No meeting held in the period."))
    if f.tasks_on_time or f.tasks_late or f.tasks_overdue:
        lines.append(
            t._(
                "Tasks: {on_time} on time, {late} late, {overdue} overdue",
                on_time=f.tasks_on_time,
                late=f.tasks_late,
                overdue=f.tasks_overdue,
            )
        )
    if f.oldest:
        oldest = ", ".join(
            f"#{p.id} {escape(p.locality)} ({_age(t, now - p.created_at)})" for p in f.oldest[:3]
        )
        lines.append(t._("Oldest open: {list}", list=oldest))
    return "\n".join(lines)


def _flow_labels(t: Translator, f: TeamFigures) -> tuple[str, ...]:
    """Months as "led" (one year) or "led\n26" (several), years as "2026"."""
    if f.bucket is Bucket.YEAR:
        return tuple(str(flow.start.year) for flow in f.flow)
    one_year = len({flow.start.year for flow in f.flow}) == 1
    pattern = "LLL" if one_year else "LLL'\n'yy"
    return tuple(_month(t, flow.start, pattern) for flow in f.flow)


def stats_charts(t: Translator, view: StatsView) -> list[Chart]:
    """The charts worth drawing (none with nothing on it); members get none."""
    f = view.figures
    if f is None or view.is_empty:
        return []
    charts: list[Chart] = []
    counts = view.open
    if counts.by_category:
        charts.append(
            _bars(
                t._("Open problems by theme"),
                [(category_name(t, c), n) for c, n in counts.by_category],
            )
        )
    if f.by_team:
        charts.append(_bars(t._("Open problems by team"), f.by_team))
    elif counts.by_locality:
        pairs = list(counts.by_locality)
        if counts.other_localities:
            pairs.append((t._("other localities"), counts.other_localities))
        charts.append(_bars(t._("Open problems by locality"), pairs, keep_order=True))
    if any(flow.new or flow.solved for flow in f.flow):
        months = _flow_labels(t, f)
        charts.append(
            Chart(
                title=t._("Reported and solved")
                if f.bucket is Bucket.MONTH
                else t._("Reported and solved by year"),
                categories=months,
                series=(
                    Series(t._("reported problems"), tuple(flow.new for flow in f.flow)),
                    Series(t._("solved problems"), tuple(flow.solved for flow in f.flow)),
                ),
                horizontal=False,
                value_labels=len(months) <= 13,
            )
        )
    if f.attendance:
        charts.append(
            _bars(
                t._("Present at meetings by organisation"),
                [(org_short(t, o), n) for o, n in f.attendance],
            )
        )
    return charts


def _bars(title: str, pairs: list[tuple[str, int]], *, keep_order: bool = False) -> Chart:
    if not keep_order:
        pairs = sorted(pairs, key=lambda pair: (-pair[1], pair[0]))
    return Chart(
        title=title,
        categories=tuple(name for name, _ in pairs),
        series=(Series(title, tuple(n for _, n in pairs)),),
    )
