"""``/export``: problems, tasks or meetings with attendance as XLSX or CSV, for a team
(coordinators) or the whole city (administrators), over a period.

Typed: ``/export úkoly Q3 2026 csv``, ``/export drogy akutní od 1.9. do 30.11.`` (the words of
``/problems`` filter the problems), or with buttons. Callback data
``ex:<op>:<kind>:<team>:<period>:<filter>``: op ``s`` (show the choices), ``t`` (pick a team),
``x`` / ``c`` (write XLSX / CSV); team ``0`` is the whole city, ``-`` not chosen yet; the period
as :attr:`Period.code`; the problem filter as ``/problems`` encodes it. Everything is checked
again at every press.

The file is written off the event loop, a chunk of rows at a time, and sent as one document.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, replace
from datetime import date

from telegram import Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, filters

from bot.domain.periods import (
    ALL,
    Period,
    PeriodError,
    PeriodProblem,
    parse_period,
    this_month,
    this_quarter,
    this_year,
)
from bot.domain.problems import ProblemFilter, StatusFilter
from bot.handlers.common import (
    BadButton,
    Rows,
    button,
    callback_args,
    escape,
    guarded,
    keyboard,
    require_actor,
    send_file,
    send_new,
    show,
)
from bot.handlers.context import BotContext
from bot.handlers.problem_list import _describe, decode, encode, parse_arguments, understood
from bot.i18n import Translator
from bot.rendering.exports import KIND_NAMES, file_name, period_label, writer
from bot.services.authz import Actor
from bot.services.errors import NotAllowed, NotMember
from bot.services.exports import ExportFormat, ExportKind, ExportPlan, ExportRequest
from bot.services.text import name_key

log = logging.getLogger(__name__)

_KIND_WORDS = {
    "problemy": ExportKind.PROBLEMS,
    "problems": ExportKind.PROBLEMS,
    "ukoly": ExportKind.TASKS,
    "tasks": ExportKind.TASKS,
    "schuzky": ExportKind.MEETINGS,
    "schuze": ExportKind.MEETINGS,
    "meetings": ExportKind.MEETINGS,
    "dochazka": ExportKind.MEETINGS,
}
_FORMAT_WORDS = {
    "xlsx": ExportFormat.XLSX,
    "excel": ExportFormat.XLSX,
    "csv": ExportFormat.CSV,
}
_CITY_WORDS = ("mesto", "city", "cele mesto", "whole city")
_PERIOD_SPAN = 6  # words a typed period takes at most ("od 1. 9. do 30. 11.")


@dataclass(frozen=True)
class Choice:
    kind: ExportKind
    team: int | None  # 0: the whole city; None: not chosen yet
    period: Period
    filter: ProblemFilter

    def data(self, op: str) -> str:
        team = "-" if self.team is None else str(self.team)
        code = encode(self.filter.model_copy(update={"team_id": None}))
        return f"ex:{op}:{self.kind.value}:{team}:{self.period.code}:{code}"


def _today(ctx: BotContext) -> date:
    return ctx.services.clock.now().astimezone(ctx.settings.tz).date()


# --- typed ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Typed:
    kind: ExportKind | None = None
    fmt: ExportFormat | None = None
    city: bool = False
    period: Period | None = None
    period_problem: PeriodProblem | None = None
    rest: tuple[str, ...] = ()


def read_words(words: list[str], today: date) -> Typed:
    """Kind, format, "the city" and a period out of the typed words; the rest is left for the
    problem filters."""
    typed = Typed()
    rest: list[str] = []
    i = 0
    while i < len(words):
        key = name_key(words[i]).strip(".,")
        pair = name_key(" ".join(words[i : i + 2]))
        if key in _KIND_WORDS:
            typed = replace(typed, kind=_KIND_WORDS[key])
            i += 1
            continue
        if key in _FORMAT_WORDS:
            typed = replace(typed, fmt=_FORMAT_WORDS[key])
            i += 1
            continue
        if pair in _CITY_WORDS:
            typed = replace(typed, city=True)
            i += 2
            continue
        if key in _CITY_WORDS:
            typed = replace(typed, city=True)
            i += 1
            continue
        used = 0
        for size in range(min(_PERIOD_SPAN, len(words) - i), 0, -1):
            try:
                period = parse_period(" ".join(words[i : i + size]), today)
            except PeriodError as error:
                if error.recognised and typed.period_problem is None:
                    typed = replace(typed, period_problem=error.problem)
                    used = size
                    break
                continue
            typed = replace(typed, period=period)
            used = size
            break
        if used:
            i += used
            continue
        rest.append(words[i])
        i += 1
    return replace(typed, rest=tuple(rest))


def period_problem_text(t: Translator, problem: PeriodProblem) -> str:
    reason = {
        PeriodProblem.BAD_QUARTER: t._("A year has four quarters: Q1 to Q4."),
        PeriodProblem.INVALID_DATE: t._("That day does not exist in the calendar."),
        PeriodProblem.BAD_YEAR: t._("Please give a year between 2000 and 2099."),
        PeriodProblem.REVERSED: t._("The period ends before it starts."),
    }.get(problem, t._("I did not understand the period."))
    return reason + "\n" + period_hint(t)


def period_hint(t: Translator) -> str:
    return t._(
        "Periods: <i>2026</i>, <i>Q3 2026</i>, <i>listopad 2026</i>, "
        "<i>od 1.9. do 30.11.</i>, <i>letos</i>, <i>vše</i>."
    )


@guarded
async def on_export(update: Update, ctx: BotContext) -> None:
    actor = require_actor(update, ctx)
    t = await ctx.tr(update)
    teams = await _teams(update, ctx, t, actor)
    if teams is None:
        return
    typed = read_words(list(ctx.args or []), _today(ctx))
    if typed.period_problem is not None:
        await send_new(update, period_problem_text(t, typed.period_problem))
        return
    flt = ProblemFilter()
    if typed.rest:
        # every team the person is in, so that naming one they may not export is refused
        names = {team.id: team.name for team in await ctx.services.problems.filter_teams(actor)}
        localities = await ctx.services.problems.filter_localities(actor, ProblemFilter())
        translators = [t, ctx.translator_for("cs"), ctx.translator_for("en")]
        flt, unknown = parse_arguments(list(typed.rest), translators, localities, names)
        if unknown:
            said = t._("I did not understand: {words}", words=escape(" ".join(unknown)))
            hints = [t._("What to export: problems, tasks, meetings; format: xlsx, csv.")]
            await send_new(update, "\n".join([said, *hints, period_hint(t), *understood(t)]))
            return
    team: int | None = None
    if typed.city:
        if not actor.is_admin:
            await send_new(update, _refusal(t))
            return
        team = 0
    elif flt.team_id is not None:
        if flt.team_id not in {team_id for team_id, _ in teams}:
            await send_new(update, _refusal(t))
            return
        team = flt.team_id
    elif len(teams) == 1 and not actor.is_admin:
        team = teams[0][0]
    choice = Choice(
        kind=typed.kind or ExportKind.PROBLEMS,
        team=team,
        period=typed.period or this_year(_today(ctx)),
        filter=_export_filter(flt).model_copy(update={"team_id": None}),
    )
    if choice.team is None:
        await _pick_team(update, ctx, t, actor, choice, teams, fresh=True)
    elif typed.fmt is not None:
        await _write(update, ctx, t, actor, choice, typed.fmt)
    else:
        await _choices(update, ctx, t, actor, choice, teams, fresh=True)


async def _teams(
    update: Update, ctx: BotContext, t: Translator, actor: Actor
) -> list[tuple[int, str]] | None:
    """The teams the actor may export, or None after a polite refusal."""
    try:
        teams = await ctx.services.exports.teams(actor)
    except (NotAllowed, NotMember):
        await show(update, _refusal(t))
        return None
    return [(team.id, team.name) for team in teams]


def _refusal(t: Translator) -> str:
    return t._(
        "Exports are for the coordinators of a team and for the city administrators. "
        "Your coordinator can export what you need."
    )


# --- screens -------------------------------------------------------------------------------


def _team_name(t: Translator, choice: Choice, teams: list[tuple[int, str]]) -> str:
    if choice.team == 0:
        return t._("the whole city")
    return dict(teams).get(choice.team or -1, "?")


async def _choices(
    update: Update,
    ctx: BotContext,
    t: Translator,
    actor: Actor,
    choice: Choice,
    teams: list[tuple[int, str]],
    *,
    fresh: bool = False,
) -> None:
    today = _today(ctx)
    what = t._(KIND_NAMES[choice.kind.value])
    if choice.kind is ExportKind.PROBLEMS:
        what += " (" + _describe(t, choice.filter, {}) + ")"
    lines = [
        "<b>" + t._("Export") + "</b>",
        t._("What: {what}", what=what),
        t._("Team: {team}", team=escape(_team_name(t, choice, teams))),
        t._("Period: {period}", period=period_label(t, choice.period)),
        "",
        t._(
            "Choose and press XLSX or CSV. Another period or filters can be typed, e.g. "
            "<i>/export Q3 2026</i> or <i>/export drogy od 1.9. do 30.11.</i>"
        ),
    ]
    kinds = [
        button(
            _mark(choice.kind is k, t._(KIND_NAMES[k.value]).capitalize()), _with(choice, kind=k)
        )
        for k in ExportKind
    ]
    periods = [
        (t._("This month"), this_month(today)),
        (t._("This quarter"), this_quarter(today)),
        (t._("This year"), this_year(today)),
        (t._("All time"), ALL),
    ]
    period_row = [
        button(_mark(choice.period == p, label), _with(choice, period=p)) for label, p in periods
    ]
    rows: Rows = [kinds, period_row]
    if len(teams) > 1 or actor.is_admin:
        rows.append([button("👥 " + t._("Team…"), choice.data("t"))])
    rows.append([button("📥 XLSX", choice.data("x")), button("📥 CSV", choice.data("c"))])
    text = "\n".join(lines)
    if fresh:
        await send_new(update, text, keyboard(rows))
    else:
        await show(update, text, keyboard(rows))


def _kind_label(t: Translator, kind: ExportKind) -> str:
    return t._(KIND_NAMES[kind.value]).capitalize()


def _mark(on: bool, label: str) -> str:
    return "• " + label if on else label


def _with(choice: Choice, **changes: object) -> str:
    return replace(choice, **changes).data("s")  # type: ignore[arg-type]


async def _pick_team(
    update: Update,
    ctx: BotContext,
    t: Translator,
    actor: Actor,
    choice: Choice,
    teams: list[tuple[int, str]],
    *,
    fresh: bool = False,
) -> None:
    rows: Rows = [[button(name[:40], replace(choice, team=tid).data("s"))] for tid, name in teams]
    if actor.is_admin:
        rows.insert(0, [button("🏙 " + t._("The whole city"), replace(choice, team=0).data("s"))])
    text = t._("Which team to export?")
    if fresh:
        await send_new(update, text, keyboard(rows))
    else:
        await show(update, text, keyboard(rows))


@guarded
async def on_button(update: Update, ctx: BotContext) -> None:
    op, kind_s, team_s, period_s, code = callback_args(update, "ex", 5)
    actor = require_actor(update, ctx)
    t = await ctx.tr(update)
    try:
        kind = ExportKind(kind_s)
        period = Period.from_code(period_s)
    except (ValueError, PeriodError):
        raise BadButton(kind_s) from None
    if team_s == "-":
        team: int | None = None
    elif team_s.isdigit() and len(team_s) < 16:
        team = int(team_s)
    else:
        raise BadButton(team_s)
    # refused with a pop-up like any other press (a member, a removed coordinator, a stranger)
    teams = [(team.id, team.name) for team in await ctx.services.exports.teams(actor)]
    localities = await ctx.services.problems.filter_localities(
        actor, ProblemFilter(team_id=team or None)
    )
    flt = decode(code, localities)
    if flt.team_id is not None:
        raise BadButton(code)  # the team travels on its own
    choice = Choice(kind, team, period, flt)
    if op == "t":
        await _pick_team(update, ctx, t, actor, choice, teams)
        return
    if team is None:
        raise BadButton(team_s)
    if team == 0 and not actor.is_admin:
        raise NotAllowed("export")
    if team and team not in dict(teams):
        raise NotAllowed("export")  # the same for a team that does not exist
    match op:
        case "s":
            await _choices(update, ctx, t, actor, choice, teams)
        case "x":
            await _write(update, ctx, t, actor, choice, ExportFormat.XLSX)
        case "c":
            await _write(update, ctx, t, actor, choice, ExportFormat.CSV)
        case _:
            raise BadButton(op)


async def _write(
    update: Update,
    ctx: BotContext,
    t: Translator,
    actor: Actor,
    choice: Choice,
    fmt: ExportFormat,
) -> None:
    request = ExportRequest(
        kind=choice.kind,
        team_id=choice.team or None,
        period=choice.period,
        filter=choice.filter,
    )
    plan = await ctx.services.exports.start(actor, request, fmt)
    team = plan.team_name if plan.team_name is not None else t._("the whole city")
    what = t._(KIND_NAMES[choice.kind.value])
    period = period_label(t, choice.period)
    if plan.rows == 0:
        await send_new(
            update,
            t._(
                "There is nothing to export: no {what} of {team} for {period}. Try another "
                "period or fewer filters.",
                what=what,
                team=escape(team),
                period=period,
            ),
        )
        return
    xlsx = fmt is ExportFormat.XLSX
    data = await _file(ctx, t, plan, xlsx, f"{what} {team}")
    chat = update.effective_chat
    chat_id = chat.id if chat is not None else actor.user_id
    caption = " · ".join(
        [what.capitalize(), escape(team), period, t.n_("{n} row", "{n} rows", plan.rows)]
    )
    await send_file(
        update,
        ctx,
        chat_id,
        data,
        file_name(choice.kind.value, plan.team_name, choice.period, xlsx),
        caption=caption,
    )


def _export_filter(flt: ProblemFilter) -> ProblemFilter:
    """An export covers every status unless the filter names one."""
    if "status" in flt.model_fields_set:
        return flt
    return flt.model_copy(update={"status": StatusFilter.ALL})


async def _file(ctx: BotContext, t: Translator, plan: ExportPlan, xlsx: bool, title: str) -> bytes:
    """The file, written off the event loop a chunk at a time."""
    out = await asyncio.to_thread(writer, t, plan.request.kind.value, xlsx, title)
    async for chunk in ctx.services.exports.chunks(plan):
        await asyncio.to_thread(out.add, chunk)
    return await asyncio.to_thread(out.finish)


def register(app: Application) -> None:  # type: ignore[type-arg]
    app.add_handler(CommandHandler("export", on_export, filters=filters.ChatType.PRIVATE))
    app.add_handler(CallbackQueryHandler(on_button, pattern=r"^ex:"))
