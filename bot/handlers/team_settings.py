"""``/team``: a coordinator's team settings — the named localities (add, rename, retire,
restore, pin on the map) and whether the linked group gets notices of new problems."""

from __future__ import annotations

from telegram import Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, filters

from bot.domain.models import Draft
from bot.domain.problems import Locality
from bot.handlers.common import (
    BadButton,
    Rows,
    as_int,
    button,
    escape,
    guarded,
    keyboard,
    lead_in,
    nav_row,
    require_actor,
    show,
)
from bot.handlers.context import BotContext
from bot.handlers.dialogue import DialogueSteps, checked_text, register_dialogue
from bot.handlers.team_timing import quiet_line
from bot.i18n import Translator
from bot.rendering.meetings import timing_lines
from bot.services.authz import Action
from bot.services.dialogues import LOCALITY

ADD, RENAME, PIN = "add", "rename", "pin"


@guarded
async def on_team(update: Update, ctx: BotContext) -> None:
    actor = require_actor(update, ctx)
    t = await ctx.tr(update)
    teams = await ctx.services.teams.teams_for(actor, Action.MANAGE_TEAM)
    if len(teams) == 1:
        await _settings(update, ctx, teams[0].id)
        return
    if not teams:
        await show(update, t._("There are no teams yet."))
        return
    rows = [[button(team.name, f"ts:t:{team.id}")] for team in teams]
    await show(update, t._("Which team?"), keyboard(rows))


async def _settings(update: Update, ctx: BotContext, team_id: int) -> None:
    actor = require_actor(update, ctx)
    t = await ctx.tr(update)
    team = await ctx.services.teams.get_for(actor, Action.MANAGE_TEAM, team_id)
    localities = await ctx.services.localities.all(actor, team_id)
    active = [loc for loc in localities if not loc.retired]
    lines = [
        f"<b>{escape(team.name)}</b>",
        t.n_(
            "{n} locality offered when reporting",
            "{n} localities offered when reporting",
            len(active),
        ),
        (
            t._("The linked group gets a short notice of each new problem.")
            if team.group_notices
            else t._("The linked group gets no notices of new problems.")
        ),
    ]
    if team.group_chat_id is None:
        lines.append(t._("No group is linked yet (/linkgroup in the group)."))
    lines += timing_lines(t, await ctx.services.meetings.timing(actor, team_id))
    lines.append(quiet_line(t, (await ctx.services.quiet.get(actor, team_id))[0]))
    rows: Rows = [
        [button("📍 " + t._("Localities"), f"ts:l:{team_id}")],
        [button("⏰ " + t._("Meeting reminders and agenda"), f"tt:v:{team_id}")],
        [
            button(
                t._("Turn group notices off")
                if team.group_notices
                else t._("Turn group notices on"),
                f"ts:g:{team_id}:{0 if team.group_notices else 1}",
            )
        ],
    ]
    await show(update, "\n".join(lines), keyboard(rows))


async def _locality_list(update: Update, ctx: BotContext, team_id: int) -> None:
    actor = require_actor(update, ctx)
    t = await ctx.tr(update)
    localities = await ctx.services.localities.all(actor, team_id)
    lines = [t._("Localities of the team (tap one to change it):")]
    if not localities:
        lines.append(t._("None yet. Members can still type any place when reporting."))
    rows: Rows = []
    for loc in localities:
        label = _label(t, loc)
        rows.append([button(label, f"ts:v:{team_id}:{loc.id}")])
    rows.append([button("➕ " + t._("Add a locality"), f"ts:a:{team_id}")])
    rows.append([button("« " + t._("Back"), f"ts:t:{team_id}")])
    await show(update, "\n".join(lines), keyboard(rows))


def _label(t: Translator, loc: Locality) -> str:
    label = loc.name
    if loc.latitude is not None:
        label = "📍 " + label
    if loc.retired:
        label += " (" + t._("retired") + ")"
    return label


async def _locality(update: Update, ctx: BotContext, team_id: int, locality_id: int) -> None:
    actor = require_actor(update, ctx)
    t = await ctx.tr(update)
    loc = await ctx.services.localities.get(actor, team_id, locality_id)
    lines = [f"<b>{escape(loc.name)}</b>"]
    if loc.latitude is not None and loc.longitude is not None:
        lines.append(t._("On the map: {lat:.5f}, {lon:.5f}", lat=loc.latitude, lon=loc.longitude))
    else:
        lines.append(t._("Not on the map yet: a pin lets reports with a location find it."))
    if loc.retired:
        lines.append(t._("Retired: not offered when reporting; its problems keep it."))
    base = f"{team_id}:{locality_id}"
    rows: Rows = [
        [button("✏️ " + t._("Rename"), f"ts:r:{base}")],
        [button("📍 " + t._("Set the place on the map"), f"ts:p:{base}")],
        [
            button(t._("Offer it again"), f"ts:x:{base}:0")
            if loc.retired
            else button(t._("Retire"), f"ts:x:{base}:1")
        ],
        [button("« " + t._("Back"), f"ts:l:{team_id}")],
    ]
    await show(update, "\n".join(lines), keyboard(rows))


@guarded
async def on_button(update: Update, ctx: BotContext) -> None:
    query = update.callback_query
    assert query is not None
    parts = (query.data or "").split(":")
    if len(parts) < 3:
        raise BadButton(query.data)
    action, numbers = parts[1], [as_int(p) for p in parts[2:]]
    actor = require_actor(update, ctx)
    match action, numbers:
        case "t", [team_id]:
            await _settings(update, ctx, team_id)
        case "g", [team_id, enabled] if enabled in (0, 1):
            await ctx.services.teams.set_group_notices(actor, team_id, bool(enabled))
            await _settings(update, ctx, team_id)
        case "l", [team_id]:
            await _locality_list(update, ctx, team_id)
        case "v", [team_id, locality_id]:
            await _locality(update, ctx, team_id, locality_id)
        case "x", [team_id, locality_id, retired] if retired in (0, 1):
            await ctx.services.localities.set_retired(actor, team_id, locality_id, bool(retired))
            await _locality(update, ctx, team_id, locality_id)
        case "a", [team_id]:
            await ctx.services.teams.get_for(actor, Action.MANAGE_TEAM, team_id)
            draft = await ctx.services.dialogues.start(
                actor.user_id, LOCALITY, ADD, team_id=team_id
            )
            await _on_show(update, ctx, draft)
        case ("r" | "p") as kind, [team_id, locality_id]:
            loc = await ctx.services.localities.get(actor, team_id, locality_id)
            step = RENAME if kind == "r" else PIN
            draft = await ctx.services.dialogues.start(
                actor.user_id, LOCALITY, step, team_id=team_id, data={"locality_id": loc.id}
            )
            await _on_show(update, ctx, draft)
        case _:
            raise BadButton(query.data)


async def _on_show(update: Update, ctx: BotContext, draft: Draft, lead: str = "") -> None:
    """The question of the locality dialogue's step."""
    t = await ctx.tr(update)
    assert draft.team_id is not None
    if draft.step == ADD:
        question = t._("Name of the new locality (e.g. <i>Dubina – Horní náměstí</i>):")
    else:
        loc = await ctx.services.localities.get(
            require_actor(update, ctx), draft.team_id, int(draft.data["locality_id"])
        )
        question = (
            t._("Locality {name} — new name:", name=escape(loc.name))
            if draft.step == RENAME
            else t._(
                "Share the location of {name} (📎 → Location, move the pin to the place).",
                name=escape(loc.name),
            )
        )
    await show(update, lead_in(lead, question), keyboard([nav_row(t, step=draft.step)]))


async def _on_text(update: Update, ctx: BotContext, draft: Draft) -> None:
    actor = require_actor(update, ctx)
    t = await ctx.tr(update)
    message = update.effective_message
    text = message.text if message else None
    assert draft.team_id is not None
    if draft.step in (ADD, RENAME):
        # streets and squares are named after people: there only numbers and addresses
        text = await checked_text(update, ctx, draft, text, names=False)
        if text is None:  # held back by the personal-data warning
            return
    if draft.step == ADD:
        loc = await ctx.services.localities.add(actor, draft.team_id, text)
    elif draft.step == RENAME:
        loc = await ctx.services.localities.rename(
            actor, draft.team_id, int(draft.data["locality_id"]), text
        )
    else:
        await show(
            update,
            t._("Please share a location (📎 → Location)."),
            keyboard([nav_row(t, step=draft.step)]),
        )
        return
    await ctx.services.dialogues.finish(actor.user_id)
    await show(
        update,
        t._("Saved: {name}.", name=escape(loc.name)),
        keyboard([[button("« " + t._("Localities"), f"ts:l:{draft.team_id}")]]),
    )


async def _on_media(update: Update, ctx: BotContext, draft: Draft) -> None:
    actor = require_actor(update, ctx)
    t = await ctx.tr(update)
    message = update.effective_message
    location = message.location if message else None
    if draft.step != PIN or location is None or draft.team_id is None:
        await show(update, t._("Please write the name."), keyboard([nav_row(t, step=draft.step)]))
        return
    loc = await ctx.services.localities.set_position(
        actor, draft.team_id, int(draft.data["locality_id"]), location.latitude, location.longitude
    )
    await ctx.services.dialogues.finish(actor.user_id)
    await show(
        update,
        t._("{name} is now on the map.", name=escape(loc.name)),
        keyboard([[button("« " + t._("Localities"), f"ts:l:{draft.team_id}")]]),
    )


async def _on_back(update: Update, ctx: BotContext, draft: Draft) -> None:
    """Back to where the dialogue started: the list (adding) or the locality (rename, pin)."""
    await ctx.services.dialogues.finish(draft.user_id)
    assert draft.team_id is not None
    if draft.step == ADD:
        await _locality_list(update, ctx, draft.team_id)
    else:
        await _locality(update, ctx, draft.team_id, int(draft.data["locality_id"]))


def register(app: Application) -> None:  # type: ignore[type-arg]
    register_dialogue(
        LOCALITY,
        DialogueSteps(on_text=_on_text, on_back=_on_back, on_media=_on_media, on_show=_on_show),
    )
    app.add_handler(CommandHandler("team", on_team, filters=filters.ChatType.PRIVATE))
    app.add_handler(CallbackQueryHandler(on_button, pattern=r"^ts:"))
