"""``/audit``: city administrators read the audit log — the latest entries, paged, filtered by
person, team and period (typed: ``/audit tým Poruba``, ``/audit 30d``, ``/audit Petra``; or
with buttons) — and export it as CSV.

Callback data ``au:<op>:<page>:<team id>:<period in s>:<user id>`` (0 = no filter), where op is
``p`` (show a page), ``c`` (export CSV) or ``t`` (pick a team). Everything is re-checked:
administrators only.
"""

from __future__ import annotations

from datetime import timedelta

from telegram import Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, filters

from bot.handlers.common import (
    BadButton,
    Rows,
    as_int,
    button,
    callback_args,
    escape,
    guarded,
    keyboard,
    require_actor,
    send_file,
    show,
)
from bot.handlers.context import BotContext
from bot.i18n import Translator
from bot.rendering.audit import audit_csv, entry_line
from bot.rendering.meetings import duration_text
from bot.services import authz
from bot.services.audit import MAX_PERIOD, AuditFilter, AuditPage
from bot.services.authz import Action

PERIODS = (timedelta(days=1), timedelta(days=7), timedelta(days=30), timedelta(days=365))


def _data(op: str, page: int, flt: AuditFilter) -> str:
    period = int(flt.period.total_seconds()) if flt.period is not None else 0
    return f"au:{op}:{page}:{flt.team_id or 0}:{period}:{flt.user_id or 0}"


def _filter(team: int, period: int, user: int) -> AuditFilter:
    if min(team, period, user) < 0:
        raise BadButton("negative")  # forged
    return AuditFilter(
        user_id=user or None,
        team_id=team or None,
        period=timedelta(seconds=min(period, int(MAX_PERIOD.total_seconds()))) if period else None,
    )


def _render(t: Translator, view: AuditPage) -> tuple[str, Rows]:
    flt = view.filter
    lines = ["<b>" + t._("Audit log") + "</b>"]
    shown = []
    if view.person:
        shown.append(t._("person: {who}", who=escape(view.person)))
    if view.team:
        shown.append(t._("team {team}", team=escape(view.team)))
    if flt.period is not None:
        shown.append(t._("last {period}", period=duration_text(t, flt.period)))
    if shown:
        lines.append(t._("Filter: {filter}", filter=", ".join(shown)))
    if not view.entries:
        lines.append(t._("No entries."))
    else:
        lines.append(
            t.n_("{n} entry", "{n} entries", view.total)
            + " · "
            + t._("page {page} of {pages}", page=view.page + 1, pages=view.pages)
        )
        lines.append("")
        lines += [entry_line(t, e, view.object_names) for e in view.entries]
    rows: Rows = []
    paging = []
    if view.page > 0:
        paging.append(button("« " + t._("Newer"), _data("p", view.page - 1, flt)))
    if view.page + 1 < view.pages:
        paging.append(button(t._("Older") + " »", _data("p", view.page + 1, flt)))
    rows.append(paging)
    periods = []
    for period in PERIODS:
        label = duration_text(t, period)
        if flt.period == period:
            label = "• " + label
        periods.append(button(label, _data("p", 0, AuditFilter(flt.user_id, flt.team_id, period))))
    rows.append(periods)
    rows.append(
        [
            button("👥 " + t._("Team…"), _data("t", 0, flt)),
            button("📄 " + t._("Export CSV"), _data("c", 0, flt)),
        ]
    )
    if not flt.empty:
        rows.append([button("✖ " + t._("Clear the filter"), "au:p:0:0:0:0")])
    return "\n".join(lines), rows


async def _show(update: Update, ctx: BotContext, flt: AuditFilter, page: int) -> None:
    actor = require_actor(update, ctx)
    t = await ctx.tr(update)
    view = await ctx.services.audit.page(actor, flt, page)
    text, rows = _render(t, view)
    await show(update, text, keyboard(rows))


@guarded
async def on_audit(update: Update, ctx: BotContext) -> None:
    actor = require_actor(update, ctx)
    authz.require_admin(actor, Action.VIEW_AUDIT)
    t = await ctx.tr(update)
    text = " ".join(ctx.args or [])
    parsed = await ctx.services.audit.parse(actor, text)
    if parsed.unknown_team is not None:
        await show(update, t._("No team is called “{name}”.", name=escape(parsed.unknown_team)))
        return
    if parsed.unknown_person is not None:
        await show(
            update, t._("Nobody called “{name}” was found.", name=escape(parsed.unknown_person))
        )
        return
    if parsed.several:
        people = "\n".join(f"• {escape(name)} — /audit {uid}" for uid, name in parsed.several)
        await show(update, t._("Several people match; pick one:") + "\n" + people)
        return
    await _show(update, ctx, parsed.filter, 0)


@guarded
async def on_button(update: Update, ctx: BotContext) -> None:
    op, page_s, team_s, period_s, user_s = callback_args(update, "au", 5)
    page = as_int(page_s)
    flt = _filter(as_int(team_s), as_int(period_s), as_int(user_s))
    actor = require_actor(update, ctx)
    t = await ctx.tr(update)
    match op:
        case "p":
            await _show(update, ctx, flt, page)
        case "t":
            teams = await ctx.services.audit.teams(actor)
            rows: Rows = [
                [button(name[:40], _data("p", 0, AuditFilter(flt.user_id, team_id, flt.period)))]
                for team_id, name in teams
            ]
            rows.append(
                [
                    button(
                        t._("All teams"), _data("p", 0, AuditFilter(flt.user_id, None, flt.period))
                    )
                ]
            )
            await show(update, t._("The audit of which team?"), keyboard(rows))
        case "c":
            entries, names = await ctx.services.audit.export(actor, flt)
            chat = update.effective_chat
            if chat is not None:
                stamp = f"{ctx.services.clock.now():%Y-%m-%d}"
                await send_file(
                    update,
                    ctx,
                    chat.id,
                    audit_csv(t, entries, names),
                    f"audit-{stamp}.csv",
                    t.n_("{n} entry", "{n} entries", len(entries)),
                )
        case _:
            raise BadButton(op)


def register(app: Application) -> None:  # type: ignore[type-arg]
    app.add_handler(CommandHandler("audit", on_audit, filters=filters.ChatType.PRIVATE))
    app.add_handler(CallbackQueryHandler(on_button, pattern=r"^au:"))
