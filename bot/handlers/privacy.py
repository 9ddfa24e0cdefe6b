"""People's rights: ``/mydata`` (a JSON copy of everything stored about oneself; an
administrator may ask for anybody's), ``/leave`` (one team or all, after a confirming tap) and
``/erase <user id>`` (an administrator erases a person on their request).

Callback data ``prv:<action>:<argument>``: ``l``/``lok`` ask/confirm leaving a team (or ``all``),
``x`` an administrator's export of a person, ``e``/``eok`` ask/confirm an erasure, ``no``
changes nothing.
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, filters

from bot.handlers.common import (
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
from bot.i18n import N_, Translator
from bot.rendering.labels import erased_person
from bot.services.authz import Actor
from bot.services.errors import InputProblem, InvalidInput, NotAllowed, NotMember
from bot.services.privacy import EXPORT_KINDS, DataExport

KIND_LABELS: dict[str, str] = {
    "memberships": N_("Teams (memberships and roles)"),
    "reports": N_("Problems you reported"),
    "comments": N_("Comments"),
    "proposals": N_("Proposed solutions"),
    "supports": N_("Supports"),
    "attendance": N_("Meeting answers and attendance"),
    "tasks": N_("Tasks"),
    "audit": N_("Audit log entries about you or by you"),
}


def _user_id_argument(ctx: BotContext) -> int | None:
    args = ctx.args or []
    if not args:
        return None
    try:
        value = int(args[0])
    except ValueError:
        raise InvalidInput(InputProblem.NOT_A_USER_ID) from None
    if not 0 < value < 2**53:
        raise InvalidInput(InputProblem.NOT_A_USER_ID)
    return value


def _summary(t: Translator, export: DataExport, actor: Actor) -> str:
    if export.user_id == actor.user_id:
        head = t._("<b>Your data</b> — everything I keep about you is in the file below.")
    else:
        head = t._(
            "<b>Data of {name}</b> (id {id}) — the file below; the request is recorded in the "
            "audit log.",
            name=escape(export.display_name or "?"),
            id=export.user_id,
        )
    lines = [head, ""]
    lines += [f"• {t._(KIND_LABELS[kind])}: {export.counts[kind]}" for kind in EXPORT_KINDS]
    return "\n".join(lines)


async def _send_export(update: Update, ctx: BotContext, user_id: int | None) -> None:
    actor = require_actor(update, ctx)
    t = await ctx.tr(update)
    export = await ctx.services.privacy.export(actor, user_id)
    if export is None:
        await show(
            update,
            t._(
                "I keep no data about you: you are not a member of any team. "
                "(At most your language setting, if you chose one.)"
            ),
        )
        return
    chat = update.effective_chat
    chat_id = chat.id if chat is not None else actor.user_id
    await update.get_bot().send_message(chat_id, _summary(t, export, actor))
    day = ctx.services.clock.now().date().isoformat()
    await send_file(
        update, ctx, chat_id, export.document, f"mdtbot-data-{export.user_id}-{day}.json"
    )


@guarded
async def on_mydata(update: Update, ctx: BotContext) -> None:
    target = _user_id_argument(ctx)
    actor = require_actor(update, ctx)
    if target is not None and target != actor.user_id and not actor.is_admin:
        raise NotAllowed("export")
    await _send_export(update, ctx, target)


# --- /leave --------------------------------------------------------------------------------


@guarded
async def on_leave(update: Update, ctx: BotContext) -> None:
    actor = require_actor(update, ctx)
    t = await ctx.tr(update)
    teams = await ctx.services.privacy.teams_to_leave(actor)
    if not teams:
        await show(update, t._("You are not a member of any team."))
        return
    rows: Rows = [[button(team.name, f"prv:l:{team.id}")] for team in teams]
    if len(teams) > 1:
        rows.append([button(t._("All my teams"), "prv:l:all")])
    rows.append([button("« " + t._("No, I stay"), "prv:no:0")])
    await show(update, t._("Which team do you want to leave?"), keyboard(rows))


def _team_choice(value: str) -> int | None:
    return None if value == "all" else as_int(value)


@guarded
async def on_leave_ask(update: Update, ctx: BotContext) -> None:
    (value,) = callback_args(update, "prv:l", 1)
    actor = require_actor(update, ctx)
    t = await ctx.tr(update)
    choice = _team_choice(value)
    teams = await ctx.services.privacy.teams_to_leave(actor)
    chosen = [team for team in teams if choice is None or team.id == choice]
    if not chosen:
        raise NotMember("leave")
    names = ", ".join(escape(team.name) for team in chosen)
    text = "\n\n".join(
        [
            t.n_(
                "Leave the team {teams}?",
                "Leave the teams {teams}?",
                len(chosen),
                teams=f"<b>{names}</b>",
            ),
            t._(
                "You lose access at once. There, your reports, comments and proposals stay "
                "for the team's record, shown as “former member” with your organisation type "
                "only; your open tasks go back to the coordinators."
            ),
            t._("In your other teams nothing changes.")
            if choice is not None and len(teams) > 1
            else t._("To join a team again you will need a new invite."),
        ]
    )
    rows: Rows = [
        [button(t._("Yes, leave"), f"prv:lok:{value}")],
        [button("« " + t._("No, I stay"), "prv:no:0")],
    ]
    await show(update, text, keyboard(rows))


@guarded
async def on_leave_confirm(update: Update, ctx: BotContext) -> None:
    (value,) = callback_args(update, "prv:lok", 1)
    actor = require_actor(update, ctx)
    t = await ctx.tr(update)
    left = await ctx.services.privacy.leave(actor, _team_choice(value))
    names = ", ".join(escape(team.name) for team in left.teams)
    lines = [
        t.n_(
            "You have left the team {teams}.",
            "You have left the teams {teams}.",
            len(left.teams),
            teams=f"<b>{names}</b>",
        )
    ]
    if left.tasks_returned:
        lines.append(
            t.n_(
                "{n} open task went back to the coordinators.",
                "{n} open tasks went back to the coordinators.",
                left.tasks_returned,
            )
        )
    await show(update, "\n".join(lines))


@guarded
async def on_no(update: Update, ctx: BotContext) -> None:
    callback_args(update, "prv:no", 1)
    t = await ctx.tr(update)
    await show(update, t._("Nothing has changed."))


# --- an administrator: a person's data, erasure ---------------------------------------------


@guarded
async def on_export_button(update: Update, ctx: BotContext) -> None:
    (value,) = callback_args(update, "prv:x", 1)
    await _send_export(update, ctx, as_int(value))


async def _ask_erase(update: Update, ctx: BotContext, user_id: int) -> None:
    actor = require_actor(update, ctx)
    t = await ctx.tr(update)
    target = await ctx.services.privacy.erasure_target(actor, user_id)
    teams = ", ".join(escape(team.name) for team in target.teams) or "—"
    text = "\n\n".join(
        [
            t._(
                "Erase <b>{name}</b> (id {id}) entirely, on their request?",
                name=escape(target.display_name or "?"),
                id=target.user_id,
            ),
            t._("Teams: {teams}", teams=teams),
            t._(
                "They leave every team; their profile, dialogues and messages are deleted; "
                "their reports, comments and proposals stay for the teams' records as "
                "“former member”; the audit log keeps only a number. This cannot be undone."
            ),
        ]
    )
    rows: Rows = [
        [button("🗑 " + t._("Yes, erase everything"), f"prv:eok:{target.user_id}")],
        [button("« " + t._("No, keep"), "prv:no:0")],
    ]
    await show(update, text, keyboard(rows))


@guarded
async def on_erase(update: Update, ctx: BotContext) -> None:
    actor = require_actor(update, ctx)
    if not actor.is_admin:
        raise NotAllowed("erase")
    target = _user_id_argument(ctx)
    if target is None:
        t = await ctx.tr(update)
        await show(
            update,
            t._(
                "Write /erase followed by the person's Telegram user id, e.g. "
                "<i>/erase 123456789</i>. Only on the person's request."
            ),
        )
        return
    await _ask_erase(update, ctx, target)


@guarded
async def on_erase_button(update: Update, ctx: BotContext) -> None:
    (value,) = callback_args(update, "prv:e", 1)
    await _ask_erase(update, ctx, as_int(value))


@guarded
async def on_erase_confirm(update: Update, ctx: BotContext) -> None:
    (value,) = callback_args(update, "prv:eok", 1)
    actor = require_actor(update, ctx)
    t = await ctx.tr(update)
    number = await ctx.services.privacy.erase(actor, as_int(value))
    await show(
        update,
        t._(
            "Erased. The audit log now calls the person “{pseudonym}”.",
            pseudonym=erased_person(t, number),
        ),
    )


def register(app: Application) -> None:  # type: ignore[type-arg]
    private = filters.ChatType.PRIVATE
    app.add_handler(CommandHandler("mydata", on_mydata, filters=private))
    app.add_handler(CommandHandler("leave", on_leave, filters=private))
    app.add_handler(CommandHandler("erase", on_erase, filters=private))
    app.add_handler(CallbackQueryHandler(on_leave_ask, pattern=r"^prv:l:"))
    app.add_handler(CallbackQueryHandler(on_leave_confirm, pattern=r"^prv:lok:"))
    app.add_handler(CallbackQueryHandler(on_export_button, pattern=r"^prv:x:"))
    app.add_handler(CallbackQueryHandler(on_erase_button, pattern=r"^prv:e:"))
    app.add_handler(CallbackQueryHandler(on_erase_confirm, pattern=r"^prv:eok:"))
    app.add_handler(CallbackQueryHandler(on_no, pattern=r"^prv:no:"))
