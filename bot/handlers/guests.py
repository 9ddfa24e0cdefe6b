"""Guests at a meeting: a coordinator lists, adds (name, then organisation) and removes them,
from the meeting's screen in /meeting or from the attendance step of /minutes.

Callback data ``gs:<action>:<meeting>:<origin>[:<guest>]``; ``origin`` is where Back leads
(``m`` the meeting's screen, ``n`` the minutes' attendance). Every press re-checks in the
service that the person coordinates the meeting's team and the meeting is still to be held
or minuted.
"""

from __future__ import annotations

from telegram import InlineKeyboardButton, Update
from telegram.ext import Application, CallbackQueryHandler

from bot.domain.guests import Guest
from bot.domain.models import Draft
from bot.handlers.common import (
    BadButton,
    Rows,
    as_int,
    button,
    explain,
    guarded,
    keyboard,
    nav_row,
    require_actor,
    show,
)
from bot.handlers.context import BotContext
from bot.handlers.dialogue import DialogueSteps, checked_text, current_draft, register_dialogue
from bot.i18n import Translator
from bot.rendering.problems import escape
from bot.services.dialogues import GUEST
from bot.services.errors import InvalidInput
from bot.services.guests import MAX_GUESTS, GuestsFull, clean_name, clean_org

NAME, ORG = "name", "org"
#: where Back from the list leads
_ORIGINS = {"m": "mt:v:{meeting}", "n": "mn:w:{meeting}"}


def guest_text(guest: Guest) -> str:
    """``Eva Malá — SVJ Zárubecká`` (plain text)."""
    return guest.name + (f" — {guest.org}" if guest.org else "")


def guests_button(
    t: Translator, meeting_id: int, origin: str, count: int | None = None
) -> list[InlineKeyboardButton]:
    """The entry button for other screens (the meeting's, the minutes' attendance)."""
    label = "🧑‍💼 " + t._("Guests") + (f" ({count})" if count else "")
    return [button(label, f"gs:l:{meeting_id}:{origin}")]


async def _list(
    update: Update, ctx: BotContext, t: Translator, meeting_id: int, origin: str, note: str = ""
) -> None:
    meeting, guests = await ctx.services.guests.of_meeting(require_actor(update, ctx), meeting_id)
    lines = [note, ""] if note else []
    lines.append(t._("Guests of the meeting of {when}:", when=t.datetime(meeting.starts_at)))
    lines += [f"• {escape(guest_text(g))}" for g in guests] or [t._("No guests yet.")]
    rows: Rows = [
        [button("✖ " + _short(g.name), f"gs:x:{meeting_id}:{origin}:{g.id}")] for g in guests
    ]
    if len(guests) < MAX_GUESTS:
        rows.append([button("➕ " + t._("Add a guest"), f"gs:a:{meeting_id}:{origin}")])
    rows.append([button("« " + t._("Back"), _ORIGINS[origin].format(meeting=meeting_id))])
    await show(update, "\n".join(lines), keyboard(rows))


def _short(text: str, limit: int = 30) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


@guarded
async def on_button(update: Update, ctx: BotContext) -> None:
    query = update.callback_query
    parts = (query.data or "").split(":") if query else []
    if len(parts) not in (4, 5) or parts[0] != "gs" or parts[3] not in _ORIGINS:
        raise BadButton(parts)
    action, meeting_id, origin = parts[1], as_int(parts[2]), parts[3]
    t = await ctx.tr(update)
    actor = require_actor(update, ctx)
    match action, parts[4:]:
        case "l", []:
            await _list(update, ctx, t, meeting_id, origin)
        case "x", [guest_id]:
            guest = await ctx.services.guests.remove(actor, meeting_id, as_int(guest_id))
            note = t._("Removed: {guest}", guest=escape(guest_text(guest)))
            await _list(update, ctx, t, meeting_id, origin, note)
        case "a", []:
            try:
                meeting = await ctx.services.guests.check(actor, meeting_id)
            except GuestsFull:
                await _list(update, ctx, t, meeting_id, origin, _full(t))
                return
            draft = await ctx.services.dialogues.start(
                actor.user_id,
                GUEST,
                NAME,
                team_id=meeting.team_id,
                data={"meeting_id": meeting_id, "origin": origin},
            )
            await _prompt(update, t, draft)
        case "s", []:  # no organisation
            running = await current_draft(update, ctx)
            if running is None or running.kind != GUEST or running.step != ORG:
                raise BadButton("gs:s")
            if running.data.get("meeting_id") != meeting_id:
                raise BadButton("gs:s")
            await _save(update, ctx, t, running, None)
        case _:
            raise BadButton(parts)


def _full(t: Translator) -> str:
    return t._("A meeting can have at most {n} guests.", n=MAX_GUESTS)


async def _prompt(update: Update, t: Translator, draft: Draft, note: str = "") -> None:
    meeting_id, origin = draft.data.get("meeting_id"), draft.data.get("origin")
    if draft.step == NAME:
        text = t._("The guest's name? (e.g. <i>Eva Malá</i>)")
        rows: Rows = [nav_row(t)]
    else:
        text = t._(
            "Guest: {name}. Which organisation? (e.g. <i>SVJ Zárubecká</i>)",
            name=escape(str(draft.data.get("name", ""))),
        )
        skip = button(t._("No organisation"), f"gs:s:{meeting_id}:{origin}")
        rows = [[skip], nav_row(t)]
    await show(update, (note + "\n\n" if note else "") + text, keyboard(rows))


async def _on_show(update: Update, ctx: BotContext, draft: Draft, lead: str) -> None:
    await _prompt(update, await ctx.tr(update), draft, lead)


async def _on_text(update: Update, ctx: BotContext, draft: Draft) -> None:
    t = await ctx.tr(update)
    message = update.effective_message
    # a guest's name is a name by design: only numbers and addresses are flagged
    typed = await checked_text(
        update, ctx, draft, message.text if message is not None else None, names=False
    )
    if typed is None:  # held back by the personal-data warning
        return
    try:
        if draft.step == NAME:
            draft = await ctx.services.dialogues.advance(draft, ORG, name=clean_name(typed))
            await _prompt(update, t, draft)
        else:
            await _save(update, ctx, t, draft, clean_org(typed))
    except InvalidInput as error:  # asked again, with Back and Cancel
        await _prompt(update, t, draft, explain(t, error))


async def _save(
    update: Update, ctx: BotContext, t: Translator, draft: Draft, org: str | None
) -> None:
    meeting_id, origin = draft.data.get("meeting_id"), draft.data.get("origin")
    if not isinstance(meeting_id, int) or origin not in _ORIGINS:
        raise BadButton("draft")
    actor = require_actor(update, ctx)
    try:
        guest = await ctx.services.guests.add(
            actor, meeting_id, str(draft.data.get("name", "")), org
        )
    except GuestsFull:
        await ctx.services.dialogues.finish(draft.user_id)
        await _list(update, ctx, t, meeting_id, str(origin), _full(t))
        return
    await ctx.services.dialogues.finish(draft.user_id)
    note = "✅ " + t._("Added: {guest}", guest=escape(guest_text(guest)))
    await _list(update, ctx, t, meeting_id, str(origin), note)


async def _on_back(update: Update, ctx: BotContext, draft: Draft) -> None:
    t = await ctx.tr(update)
    if draft.step == ORG:
        draft = await ctx.services.dialogues.advance(draft, NAME)
        await _prompt(update, t, draft)
        return
    meeting_id, origin = draft.data.get("meeting_id"), draft.data.get("origin")
    await ctx.services.dialogues.finish(draft.user_id)
    if not isinstance(meeting_id, int) or origin not in _ORIGINS:
        raise BadButton("draft")
    await _list(update, ctx, t, meeting_id, str(origin))


def register(app: Application) -> None:  # type: ignore[type-arg]
    register_dialogue(GUEST, DialogueSteps(on_text=_on_text, on_back=_on_back, on_show=_on_show))
    app.add_handler(CallbackQueryHandler(on_button, pattern=r"^gs:"))
