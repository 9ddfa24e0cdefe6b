"""Editing and redacting texts afterwards, from a problem's detail (``✏ Edit texts``).

``rd:l:12`` lists what this person may edit on problem 12: the description, proposals and
comments they wrote (all of them for the team's coordinators), notes about it in held minutes
and its photos (coordinators). ``rd:e:<kind>:<ref>`` asks for a new text (typed, Back/Cancel);
``rd:r:<kind>:<ref>`` asks to replace it with the marker, ``…:y`` does it; ``rd:f:12`` the photos,
``rd:f:12:<position>`` asks to remove one, ``…:y`` removes it. A note's ref is
``meeting.position``. Every press looks the text up and re-authorises.
"""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import TelegramError
from telegram.ext import Application, CallbackQueryHandler

from bot.domain.models import Draft
from bot.handlers.common import (
    BadButton,
    Rows,
    as_int,
    button,
    guarded,
    keyboard,
    nav_row,
    require_actor,
    show,
)
from bot.handlers.context import BotContext
from bot.handlers.dialogue import DialogueSteps, register_dialogue
from bot.i18n import Translator
from bot.rendering.problems import edited_what, escape
from bot.services.dialogues import REDACT
from bot.services.redaction import REDACTED, Change, Target, TextKind

log = logging.getLogger(__name__)

PREVIEW = 90


def _ref_data(target: Target) -> str:
    return f"{target.kind.value}:{'.'.join(str(x) for x in target.ref)}"


def _parse_ref(kind: str, ref: str) -> tuple[TextKind, tuple[int, ...]]:
    try:
        text_kind = TextKind(kind)
    except ValueError:
        raise BadButton(kind) from None
    numbers = tuple(as_int(x) for x in ref.split("."))
    if len(numbers) != (2 if text_kind is TextKind.NOTE else 1):
        raise BadButton(ref)
    return text_kind, numbers


def _preview(text: str) -> str:
    short = text if len(text) <= PREVIEW else text[: PREVIEW - 1].rstrip() + "…"
    return escape(short.replace("\n", " "))


def _back_to(target: Target) -> str:
    return f"rd:l:{target.problem_id}" if target.problem_id is not None else "rd:x"


# --- the list ------------------------------------------------------------------------------


async def _list(update: Update, ctx: BotContext, n: int, remark: str = "") -> None:
    actor = require_actor(update, ctx)
    t = await ctx.tr(update)
    editable = await ctx.services.redaction.editable(actor, n)
    lines = ["<b>" + t._("Edit or redact texts of problem #{n}", n=n) + "</b>"]
    if remark:
        lines = [remark, "", *lines]
    rows: Rows = []
    for index, target in enumerate(editable.texts, start=1):
        what = edited_what(t, target.kind.value).capitalize()
        lines.append(f"{index}. {what}: <i>{_preview(target.text)}</i>")
        row = [button(f"✏ {index}", f"rd:e:{_ref_data(target)}")]
        if not target.redacted:
            row.append(button(f"🗑 {index}", f"rd:r:{_ref_data(target)}"))
        rows.append(row)
    if editable.texts:
        lines.append("")
        lines.append(
            t._("✏ replaces a text with a new one, 🗑 with the mark {mark}.", mark=REDACTED)
        )
    else:
        lines.append(t._("There is no text of yours here to edit."))
    if editable.photos:
        rows.append(
            [button("📷 " + t._("Remove a photo ({n})", n=len(editable.photos)), f"rd:f:{n}")]
        )
    rows.append([button("« " + t._("Back"), f"pb:v:{n}")])
    await show(update, "\n".join(lines), keyboard(rows))


# --- buttons -------------------------------------------------------------------------------


@guarded
async def on_button(update: Update, ctx: BotContext) -> None:
    query = update.callback_query
    assert query is not None
    parts = (query.data or "").split(":")
    if len(parts) < 3:
        raise BadButton(query.data)
    action, rest = parts[1], parts[2:]
    if action == "l" and len(rest) == 1:
        await _list(update, ctx, as_int(rest[0]))
    elif action == "e" and len(rest) == 2:
        await _ask_text(update, ctx, *_parse_ref(*rest))
    elif action == "r" and len(rest) in (2, 3):
        if len(rest) == 3 and rest[2] != "y":
            raise BadButton(query.data)
        kind, ref = _parse_ref(rest[0], rest[1])
        if len(rest) == 3:
            await _redact(update, ctx, kind, ref)
        else:
            await _ask_redact(update, ctx, kind, ref)
    elif action == "f" and 1 <= len(rest) <= 3:
        if len(rest) == 3 and rest[2] != "y":
            raise BadButton(query.data)
        await _photos(update, ctx, as_int(rest[0]), rest[1:])
    else:
        raise BadButton(query.data)


async def _ask_text(update: Update, ctx: BotContext, kind: TextKind, ref: tuple[int, ...]) -> None:
    actor = require_actor(update, ctx)
    t = await ctx.tr(update)
    target = await ctx.services.redaction.target(actor, kind, ref)
    draft = await ctx.services.dialogues.start(
        actor.user_id,
        REDACT,
        "text",
        team_id=target.team_id,
        data={"kind": kind.value, "ref": list(ref), "problem_id": target.problem_id},
    )
    shown = await show(
        update,
        t._("Write the new text ({what}) in one message.", what=edited_what(t, kind.value))
        + "\n\n"
        + t._("So far:")
        + "\n<i>"
        + escape(target.text)
        + "</i>",
        keyboard([nav_row(t)]),
    )
    if shown is not None:  # the prompt shows the earlier text: it is cleared after the change
        await ctx.services.dialogues.advance(
            draft, "text", prompt=[shown.chat_id, shown.message_id]
        )


async def _ask_redact(
    update: Update, ctx: BotContext, kind: TextKind, ref: tuple[int, ...]
) -> None:
    actor = require_actor(update, ctx)
    t = await ctx.tr(update)
    target = await ctx.services.redaction.target(actor, kind, ref)
    if target.redacted:
        await _list_or_done(update, ctx, target, t._("This text has already been redacted."))
        return
    question = t._(
        "Replace this text ({what}) with the mark {mark}? The earlier text is deleted and "
        "cannot be restored.",
        what=edited_what(t, kind.value),
        mark=REDACTED,
    )
    rows: Rows = [
        [
            button("🗑 " + t._("Yes, redact"), f"rd:r:{_ref_data(target)}:y"),
            button("✖ " + t._("No"), _back_to(target)),
        ]
    ]
    await show(update, question + f"\n\n<i>{_preview(target.text)}</i>", keyboard(rows))


async def _redact(update: Update, ctx: BotContext, kind: TextKind, ref: tuple[int, ...]) -> None:
    actor = require_actor(update, ctx)
    change = await ctx.services.redaction.replace(actor, kind, ref, None)
    await _done(update, ctx, change)


async def _done(update: Update, ctx: BotContext, change: Change) -> None:
    t = await ctx.tr(update)
    if not change.changed:  # a double tap, or the same text again
        await _list_or_done(update, ctx, change.target, t._("The text is like that already."))
        return
    edited, missed = await ctx.bot_data.outbox.refresh(change.sent)
    lines = ["✅ " + t._("The text was changed; the timeline says who changed it and when.")]
    if edited or missed:
        lines.append(
            t.n_(
                "{n} notice already sent was edited.",
                "{n} notices already sent were edited.",
                edited,
            )
        )
    if missed:
        lines.append(
            "⚠ "
            + t.n_(
                "{n} notice could not be edited (Telegram refused it, or its reader no longer "
                "sees the problem).",
                "{n} notices could not be edited (Telegram refused them, or their readers no "
                "longer see the problem).",
                missed,
            )
        )
    lines.append(_unreachable(t))
    await _list_or_done(update, ctx, change.target, "\n".join(lines))


def _unreachable(t: Translator) -> str:
    return t._(
        "Documents (PDFs of agendas and minutes) already downloaded, and backups until they "
        "expire, cannot be changed."
    )


async def _list_or_done(update: Update, ctx: BotContext, target: Target, remark: str) -> None:
    if target.problem_id is not None:
        await _list(update, ctx, target.problem_id, remark)
    else:
        await show(update, remark)


async def _photos(update: Update, ctx: BotContext, n: int, extra: list[str]) -> None:
    actor = require_actor(update, ctx)
    t = await ctx.tr(update)
    if len(extra) == 2:
        removed = await ctx.services.redaction.remove_photo(actor, n, as_int(extra[0]))
        remark = (
            "✅ "
            + t._("The photo was removed.")
            + "\n"
            + t._("Copies already delivered to chats cannot be recalled from Telegram.")
            + "\n"
            + _unreachable(t)
            if removed
            else t._("This photo has already been removed.")
        )
        await _list(update, ctx, n, remark)
        return
    photos = await ctx.services.redaction.photos(actor, n)
    if extra:
        position = as_int(extra[0])
        found = [p for p in photos if p.position == position]
        if not found:
            await _list(update, ctx, n, t._("This photo has already been removed."))
            return
        chat = update.effective_chat
        if chat is not None:  # the photo itself, so the coordinator sees what goes
            try:
                if found[0].is_document:
                    await update.get_bot().send_document(chat.id, found[0].file_id)
                else:
                    await update.get_bot().send_photo(chat.id, found[0].file_id)
            except TelegramError as error:
                log.info("photo of #%s could not be shown: %s", n, error)
        index = photos.index(found[0]) + 1
        await update.get_bot().send_message(
            chat.id if chat else actor.user_id,
            t._("Remove photo {i} of problem #{n}? It cannot be restored.", i=index, n=n),
            reply_markup=keyboard(
                [
                    [
                        button("🗑 " + t._("Yes, remove"), f"rd:f:{n}:{position}:y"),
                        button("✖ " + t._("No"), f"rd:l:{n}"),
                    ]
                ]
            ),
        )
        return
    rows: Rows = [
        [button(f"📷 {index}", f"rd:f:{n}:{photo.position}")]
        for index, photo in enumerate(photos[:20], start=1)
    ]
    rows.append([button("« " + t._("Back"), f"rd:l:{n}")])
    text = t._("Which photo of problem #{n} should be removed?", n=n)
    if not photos:
        text = t._("Problem #{n} has no photos.", n=n)
    await show(update, text, keyboard(rows))


# --- the typed new text ----------------------------------------------------------------------


def _draft_target(draft: Draft) -> tuple[TextKind, tuple[int, ...]]:
    try:
        return TextKind(str(draft.data["kind"])), tuple(int(x) for x in draft.data["ref"])
    except (KeyError, ValueError, TypeError):
        raise BadButton(draft.step) from None


async def _on_text(update: Update, ctx: BotContext, draft: Draft) -> None:
    actor = require_actor(update, ctx)
    message = update.effective_message
    kind, ref = _draft_target(draft)
    change = await ctx.services.redaction.replace(actor, kind, ref, message.text if message else "")
    await ctx.services.dialogues.finish(actor.user_id)
    await _done(update, ctx, change)  # the notices first, then the prompt
    prompt = draft.data.get("prompt")
    if isinstance(prompt, list) and len(prompt) == 2:  # the prompt showed the earlier text
        t = await ctx.tr(update)
        try:
            await update.get_bot().edit_message_text(
                "✏ " + t._("Text edited."), chat_id=int(prompt[0]), message_id=int(prompt[1])
            )
        except TelegramError as error:
            log.info("the edit prompt could not be cleared: %s", error)


async def _on_back(update: Update, ctx: BotContext, draft: Draft) -> None:
    await ctx.services.dialogues.finish(draft.user_id)
    problem_id = draft.data.get("problem_id")
    if problem_id is None:
        t = await ctx.tr(update)
        await show(update, t._("Nothing was changed."))
        return
    await _list(update, ctx, int(problem_id))


def register(app: Application) -> None:  # type: ignore[type-arg]
    register_dialogue(REDACT, DialogueSteps(on_text=_on_text, on_back=_on_back))
    app.add_handler(CallbackQueryHandler(on_button, pattern=r"^rd:"))
