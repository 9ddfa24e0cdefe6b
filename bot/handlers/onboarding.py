"""Who a person is: joining a team (``/start <code>`` → name → organisation type →
organisation name) and correcting it later (``/profile``). Both dialogues share the steps."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, filters

from bot.domain.models import Draft, OrgType
from bot.handlers.common import (
    BadButton,
    Rows,
    button,
    callback_args,
    escape,
    guarded,
    keyboard,
    lead_in,
    nav_row,
    require_actor,
    show,
)
from bot.handlers.context import BotContext
from bot.handlers.dialogue import DialogueSteps, current_draft, register_dialogue, stale_press
from bot.i18n import Translator
from bot.rendering.labels import org_type_name, role_name
from bot.services.dialogues import JOIN, PROFILE
from bot.services.members import Joined, Profile, clean_display_name, clean_org_name

log = logging.getLogger(__name__)

NAME, ORG_TYPE, ORG_NAME = "name", "org_type", "org_name"


async def start_with_code(update: Update, ctx: BotContext, code: str) -> None:
    """Open an invite; known people join at once, new people are asked who they are (the
    invite is used up only when they have answered; it is checked again at every step)."""
    actor = require_actor(update, ctx)
    t = await ctx.tr(update)
    opened = await ctx.services.invites.open(code, actor.user_id)
    user = await ctx.services.members.profile(actor.user_id)
    if user is not None and user.has_profile:
        joined = await ctx.services.invites.join(
            actor.user_id, opened.team.id, opened.invite.id, None
        )
        await _welcome(update, ctx, t, joined)
        return
    await ctx.services.dialogues.start(
        actor.user_id, JOIN, NAME, team_id=opened.team.id, data={"invite_id": opened.invite.id}
    )
    intro = t._(
        "Welcome! You have been invited to the MDT team <b>{team}</b> (role: {role}).",
        team=escape(opened.team.name),
        role=role_name(t, opened.invite.role),
    )
    await show(update, intro + "\n\n" + _ask_name(t), keyboard([_name_nav(t, JOIN, "full")]))


def _ask_name(t: Translator) -> str:
    return t._(
        "What is your name? Write it as your colleagues know you, e.g. <i>Jana Nováková</i>."
    )


def _name_nav(t: Translator, kind: str, mode: object) -> list:  # type: ignore[type-arg]
    """Cancel; and Back to the profile overview when only the name is being changed."""
    return nav_row(t, back=kind == PROFILE and mode == "name", step=NAME)


def _ask_org_type(t: Translator, draft: Draft) -> tuple[str, Rows]:
    buttons = [button(org_type_name(t, org), f"org:{org.value}") for org in OrgType]
    rows = [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
    prompt = t._("Which type of organisation do you represent?")
    # a change of the organisation only goes back to the profile overview
    back = _asks_name(draft) or draft.kind == PROFILE
    return prompt, [*rows, nav_row(t, back=back, step=ORG_TYPE)]


def _asks_name(draft: Draft) -> bool:
    return draft.kind == JOIN or draft.data.get("mode") in ("full", "name")


def _ask_org_name(t: Translator, org: OrgType) -> str:
    return t._(
        "{type}: what is the name of your organisation or unit? "
        "E.g. <i>OO PČR Poruba</i> or <i>Charita Ostrava</i>.",
        type=escape(org_type_name(t, org)),
    )


async def _on_text(update: Update, ctx: BotContext, draft: Draft) -> None:
    t = await ctx.tr(update)
    message = update.effective_message
    text = message.text if message else None
    if draft.step == NAME:
        name = clean_display_name(text)
        if draft.kind == PROFILE and draft.data.get("mode") == "name":
            await ctx.services.members.update_profile(require_actor(update, ctx), display_name=name)
            await ctx.services.dialogues.finish(draft.user_id)
            await show(update, t._("Saved. Your name is now {name}.", name=escape(name)))
            return
        draft = await ctx.services.dialogues.advance(draft, ORG_TYPE, name=name)
        prompt, rows = _ask_org_type(t, draft)
        await show(update, prompt, keyboard(rows))
    elif draft.step == ORG_NAME:
        org_name = clean_org_name(text)
        await _finish(update, ctx, t, draft, org_name)
    else:  # ORG_TYPE expects a button
        prompt, rows = _ask_org_type(t, draft)
        again = t._("Please choose one of the buttons.")
        await show(update, again + "\n\n" + prompt, keyboard(rows))


async def _finish(
    update: Update, ctx: BotContext, t: Translator, draft: Draft, org_name: str
) -> None:
    org_type = OrgType(draft.data["org_type"])
    if draft.kind == PROFILE:
        name = draft.data.get("name")
        await ctx.services.members.update_profile(
            require_actor(update, ctx),
            display_name=str(name) if name else None,
            org_type=org_type,
            org_name=org_name,
        )
        await ctx.services.dialogues.finish(draft.user_id)
        await show(
            update,
            t._(
                "Saved. Your organisation is now: {type}, {org}.",
                type=escape(org_type_name(t, org_type)),
                org=escape(org_name),
            ),
        )
        return
    profile = Profile(display_name=str(draft.data["name"]), org_type=org_type, org_name=org_name)
    assert draft.team_id is not None
    joined = await ctx.services.invites.join(
        draft.user_id, draft.team_id, int(draft.data["invite_id"]), profile
    )
    await ctx.services.dialogues.finish(draft.user_id)
    await _welcome(update, ctx, t, joined)


@guarded
async def on_org_type(update: Update, ctx: BotContext) -> None:
    (value,) = callback_args(update, "org", 1)
    try:
        org = OrgType(value)
    except ValueError:
        raise BadButton(value) from None
    draft = await current_draft(update, ctx)
    if draft is None or draft.kind not in (JOIN, PROFILE) or draft.step != ORG_TYPE:
        await stale_press(update, ctx, draft, draft.kind if draft else JOIN)
    assert draft is not None
    t = await ctx.tr(update)
    await ctx.services.dialogues.advance(draft, ORG_NAME, org_type=org.value)
    await show(update, _ask_org_name(t, org), keyboard([nav_row(t, step=ORG_NAME)]))


async def _on_show(update: Update, ctx: BotContext, draft: Draft, lead: str = "") -> None:
    """The current step's question again."""
    t = await ctx.tr(update)
    if draft.step == ORG_NAME and draft.data.get("org_type"):
        org = OrgType(str(draft.data["org_type"]))
        text = _ask_org_name(t, org)
        await show(update, lead_in(lead, text), keyboard([nav_row(t, step=ORG_NAME)]))
    elif draft.step == ORG_TYPE:
        prompt, rows = _ask_org_type(t, draft)
        await show(update, lead_in(lead, prompt), keyboard(rows))
    else:
        current = draft.data.get("name")
        hint = "\n" + t._("So far: {name}", name=escape(str(current))) if current else ""
        nav = _name_nav(t, draft.kind, draft.data.get("mode"))
        await show(update, lead_in(lead, _ask_name(t) + hint), keyboard([nav]))


async def _on_back(update: Update, ctx: BotContext, draft: Draft) -> None:
    t = await ctx.tr(update)
    if draft.step == ORG_NAME:
        draft = await ctx.services.dialogues.advance(draft, ORG_TYPE)
        prompt, rows = _ask_org_type(t, draft)
        await show(update, prompt, keyboard(rows))
    elif draft.step == ORG_TYPE and _asks_name(draft):
        draft = await ctx.services.dialogues.advance(draft, NAME)
        await _on_show(update, ctx, draft)
    elif draft.kind == PROFILE and draft.data.get("mode") in ("name", "org"):
        # the first step of a change: back to the profile overview, nothing changed
        await ctx.services.dialogues.finish(draft.user_id)
        await _profile_overview(update, ctx, t)
    else:  # nothing before the first question of joining
        await _on_show(update, ctx, draft)


async def _welcome(update: Update, ctx: BotContext, t: Translator, joined: Joined) -> None:
    await show(
        update,
        t._(
            "Done: you are a member of the team <b>{team}</b> (role: {role}).\n"
            "/help shows what you can do.",
            role=role_name(t, joined.role),
            team=escape(joined.team.name),
        ),
    )


@guarded
async def on_profile(update: Update, ctx: BotContext) -> None:
    actor = require_actor(update, ctx)
    t = await ctx.tr(update)
    await ctx.services.members.require_member(actor)
    user = await ctx.services.members.profile(actor.user_id)
    if user is None or not user.has_profile:
        await ctx.services.dialogues.start(actor.user_id, PROFILE, NAME, data={"mode": "full"})
        await show(update, _ask_name(t), keyboard([_name_nav(t, PROFILE, "full")]))
        return
    await _profile_overview(update, ctx, t)


async def _profile_overview(update: Update, ctx: BotContext, t: Translator) -> None:
    actor = require_actor(update, ctx)
    user = await ctx.services.members.profile(actor.user_id)
    if user is None or not user.has_profile:
        raise BadButton("profile")
    assert user.display_name and user.org_type and user.org_name
    text = "\n".join(
        [
            t._("Your profile, as your teams see it:"),
            f"<b>{escape(user.display_name)}</b>",
            f"{escape(org_type_name(t, user.org_type))}, {escape(user.org_name)}",
        ]
    )
    rows = [
        [button(t._("Change name"), "prof:name")],
        [button(t._("Change organisation"), "prof:org")],
    ]
    await show(update, text, keyboard(rows))


@guarded
async def on_profile_change(update: Update, ctx: BotContext) -> None:
    (mode,) = callback_args(update, "prof", 1)
    if mode not in ("name", "org"):
        raise BadButton(mode)
    actor = require_actor(update, ctx)
    t = await ctx.tr(update)
    await ctx.services.members.require_member(actor)
    draft = await ctx.services.dialogues.start(
        actor.user_id, PROFILE, NAME if mode == "name" else ORG_TYPE, data={"mode": mode}
    )
    if mode == "name":
        await show(update, _ask_name(t), keyboard([_name_nav(t, PROFILE, mode)]))
    else:
        prompt, rows = _ask_org_type(t, draft)
        await show(update, prompt, keyboard(rows))


def register(app: Application) -> None:  # type: ignore[type-arg]
    steps = DialogueSteps(on_text=_on_text, on_back=_on_back, on_show=_on_show)
    register_dialogue(JOIN, steps)
    register_dialogue(PROFILE, steps)
    app.add_handler(CommandHandler("profile", on_profile, filters=filters.ChatType.PRIVATE))
    app.add_handler(CallbackQueryHandler(on_profile_change, pattern=r"^prof:"))
    app.add_handler(CallbackQueryHandler(on_org_type, pattern=r"^org:"))
