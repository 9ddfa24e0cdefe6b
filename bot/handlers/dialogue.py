"""Routing of typed answers and Back/Cancel presses to the running dialogue's current step.

Each dialogue registers a :class:`DialogueSteps`; the draft in the database says which step is
next, so a restart between two answers changes nothing for the person.
"""

from __future__ import annotations

import secrets
from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from dataclasses import dataclass

from telegram import Message, Update
from telegram.ext import (
    Application,
    ApplicationHandlerStop,
    CallbackQueryHandler,
    CommandHandler,
    MessageHandler,
    filters,
)

from bot.domain.models import Draft
from bot.handlers.common import (
    BACK_DATA,
    CANCEL_DATA,
    BadButton,
    Handled,
    button,
    callback_args,
    escape,
    guarded,
    keyboard,
    nav_row,
    require_actor,
    show,
)
from bot.handlers.context import BotContext
from bot.i18n import Translator
from bot.services.personal_data import Finding, PersonalDataKind, find_personal_data

Step = Callable[[Update, BotContext, Draft], Awaitable[None]]
#: shows the current step's question, after a short remark (may be "")
Show = Callable[[Update, BotContext, Draft, str], Awaitable[None]]


@dataclass(frozen=True)
class DialogueSteps:
    on_text: Step
    on_back: Step
    #: photos, files and location pins; None if the dialogue takes none
    on_media: Step | None = None
    #: shows the question of the draft's current step again (for a stale press, or an answer
    #: of a kind the step does not take); None if the dialogue cannot
    on_show: Show | None = None
    #: on_media answers each photo of an album itself; else only the first one reaches it
    takes_albums: bool = False


_DIALOGUES: dict[str, DialogueSteps] = {}


def register_dialogue(kind: str, steps: DialogueSteps) -> None:
    _DIALOGUES[kind] = steps


async def current_draft(update: Update, ctx: BotContext) -> Draft | None:
    """The sender's running dialogue, re-authorised (raises if they may no longer go on)."""
    return await ctx.services.dialogues.resume(require_actor(update, ctx))


async def stale_press(update: Update, ctx: BotContext, draft: Draft | None, kind: str) -> None:
    """Answer a press of dialogue ``kind`` that does not fit ``draft`` (the sender's running
    dialogue, or None), and go no further (raises :class:`Handled`, or BadButton).

    A button of an earlier step (scrolled up, pressed twice, or redelivered) re-shows the
    current step; a button of a dialogue that has ended says so briefly. Either way the press
    has no other effect."""
    t = await ctx.tr(update)
    steps = _DIALOGUES.get(draft.kind) if draft is not None else None
    if draft is None or draft.kind != kind or steps is None:
        raise Handled(t._("This dialogue has already ended."))
    if steps.on_show is None:
        raise BadButton(draft.step)
    await steps.on_show(update, ctx, draft, "")
    raise Handled(t._("That step is already saved; here is where you are now."))


# --- the personal-data warning on typed texts -------------------------------------------------

#: the draft's key for a typed text held back by the warning: {"token", "step", "text"}
PENDING = "pd"
#: the text confirmed with "Save anyway", while its step runs again on that press
_CONFIRMED: ContextVar[str | None] = ContextVar("confirmed_text", default=None)


def finding_kind(t: Translator, finding: Finding) -> str:
    return {
        PersonalDataKind.BIRTH_NUMBER: t._("birth number"),
        PersonalDataKind.PHONE: t._("phone number"),
        PersonalDataKind.EMAIL: t._("e-mail"),
        PersonalDataKind.CAR_PLATE: t._("car registration plate"),
        PersonalDataKind.FULL_NAME: t._("name of a person"),
    }[finding.kind]


def finding_lines(t: Translator, findings: list[Finding]) -> list[str]:
    """ "This looks like personal data:" and one line per finding (at most ten), as HTML."""
    lines = ["⚠️ <b>" + t._("This looks like personal data:") + "</b>"]
    return lines + [f"• {finding_kind(t, f)}: {escape(f.text)}" for f in findings[:10]]


async def checked_text(
    update: Update, ctx: BotContext, draft: Draft, text: str | None, *, names: bool = True
) -> str | None:
    """The typed ``text`` ("" for none) if the step may save it; else None, and the step
    saves nothing.

    A text in which nothing looks like personal data goes on. Otherwise it is held in the
    draft, and the person sees what was found, with "Edit" (type it again), "Save anyway" and
    Cancel; "Save anyway" runs the step again, and then this gives the held text back.
    ``names=False`` for texts that name places or organisations, often after people."""
    confirmed = _CONFIRMED.get()
    if confirmed is not None:
        _CONFIRMED.set(None)  # once: a step saves one text per press
        return confirmed
    text = text or ""
    findings = find_personal_data(text, names=names)
    if not findings:
        return text
    token = secrets.token_hex(4)
    pending = {"token": token, "step": draft.step, "text": text}
    await ctx.services.dialogues.advance(draft, draft.step, **{PENDING: pending})
    t = await ctx.tr(update)
    lines = [
        *finding_lines(t, findings),
        t._("Please write it again without them, or save it as typed if it is needed."),
    ]
    rows = [
        [button("✏️ " + t._("Edit the text"), f"pd:ed:{token}")],
        [button(t._("Save anyway"), f"pd:ok:{token}")],
        [button("✖ " + t._("Cancel"), CANCEL_DATA)],
    ]
    await show(update, "\n".join(lines), keyboard(rows))
    return None


def _without_pending(draft: Draft) -> Draft:
    """The draft without a held-back text: the step answered now replaces it."""
    if PENDING not in draft.data:
        return draft
    data = {key: value for key, value in draft.data.items() if key != PENDING}
    return draft.model_copy(update={"data": data})


@guarded
async def on_pending(update: Update, ctx: BotContext) -> None:
    """ "Save anyway" (pd:ok:<token>) or "Edit" (pd:ed:<token>) on a personal-data warning.

    Only the warning of the text held now counts: a second tap, a redelivered or an older
    press re-shows the current step (or says the dialogue has ended) and saves nothing."""
    action, token = callback_args(update, "pd", 2)
    if action not in ("ok", "ed"):
        raise BadButton(action)
    t = await ctx.tr(update)
    draft = await current_draft(update, ctx)
    steps = _DIALOGUES.get(draft.kind) if draft is not None else None
    pending = draft.data.get(PENDING) if draft is not None else None
    if (
        draft is None
        or steps is None
        or not isinstance(pending, dict)
        or pending.get("token") != token
        or pending.get("step") != draft.step
    ):
        if draft is not None and steps is not None and steps.on_show is None:
            raise Handled(t._("That step is already saved."))
        await stale_press(update, ctx, draft, draft.kind if draft is not None else "")
        return
    typed = str(pending.get("text", ""))
    if action == "ed":  # the step's question again, with the text to copy and change
        draft = await ctx.services.dialogues.advance(draft, draft.step, **{PENDING: None})
        again = t._("Please write it again. What you wrote:")
        shown = typed if len(typed) <= 3000 else typed[:3000] + "…"  # a message: ≤ 4096
        again += "\n<code>" + escape(shown) + "</code>"
        if steps.on_show is not None:
            await steps.on_show(update, ctx, _without_pending(draft), again)
        else:
            await show(update, again, keyboard([nav_row(t, back=False)]))
        return
    reset = _CONFIRMED.set(typed)
    try:
        await steps.on_text(update, ctx, _without_pending(draft))
    finally:
        _CONFIRMED.reset(reset)


@guarded
async def on_text(update: Update, ctx: BotContext) -> None:
    t = await ctx.tr(update)
    draft = await current_draft(update, ctx)
    steps = _DIALOGUES.get(draft.kind) if draft else None
    if draft is None or steps is None:
        await show(update, t._("I did not understand that. /help lists what I can do."))
        return
    await steps.on_text(update, ctx, _without_pending(draft))


@guarded
async def on_media(update: Update, ctx: BotContext) -> None:
    draft = await current_draft(update, ctx)
    steps = _DIALOGUES.get(draft.kind) if draft else None
    if (steps is None or not steps.takes_albums) and not first_of_album(update, ctx):
        return  # the rest of an album already answered
    if draft is None or steps is None:
        t = await ctx.tr(update)
        await show(
            update,
            t._("I take photos and locations only while you report a problem. Start with /report."),
        )
        return
    if steps.on_media is None:
        t = await ctx.tr(update)
        await _explain_step(update, ctx, t, t._("I cannot take photos, files or locations here."))
        return
    await steps.on_media(update, ctx, _without_pending(draft))


def first_of_album(update: Update, ctx: BotContext) -> bool:
    """False for the second and later photos of an album (Telegram delivers each photo of an
    album as its own message, with one ``media_group_id``): one answer is enough for them all.
    Kept in memory only: after a restart an album may be answered once more."""
    message = update.effective_message
    group = message.media_group_id if message is not None else None
    if group is None or ctx.user_data is None:
        return True
    if ctx.user_data.get("answered_album") == group:
        return False
    ctx.user_data["answered_album"] = group
    return True


def _kind_refused(t: Translator, message: Message) -> str:
    """What the person sent that no step takes, in one sentence."""
    if message.voice is not None or message.audio is not None:
        return t._("I cannot listen to voice messages or audio files.")
    if message.video is not None or message.video_note is not None:
        return t._("I cannot take videos.")
    if message.sticker is not None:
        return t._("I cannot take stickers.")
    if message.contact is not None:
        return t._("I do not take contacts: they are personal data.")
    return t._("I cannot take this kind of message.")


@guarded
async def on_other(update: Update, ctx: BotContext) -> None:
    """A voice note, video, video note, sticker, audio file or contact: say what is taken."""
    message = update.effective_message
    assert message is not None
    t = await ctx.tr(update)
    refused = _kind_refused(t, message)
    await _explain_step(update, ctx, t, refused)


async def _explain_step(update: Update, ctx: BotContext, t: Translator, remark: str) -> None:
    """``remark``, then the running dialogue's current question (which says what it takes)."""
    draft = await current_draft(update, ctx)
    steps = _DIALOGUES.get(draft.kind) if draft else None
    if draft is None or steps is None:
        await show(update, remark + " " + t._("/help lists what I can do."))
    elif steps.on_show is None:
        await show(update, remark + " " + t._("Please answer the last question in writing."))
    else:
        await steps.on_show(update, ctx, draft, remark + " " + t._("What I need now:"))


@guarded
async def _on_edited(update: Update, ctx: BotContext) -> None:
    t = await ctx.tr(update)
    remark = t._("I do not take edited messages. Please send the corrected text as a new message.")
    await _explain_step(update, ctx, t, remark)


async def on_edited(update: Update, ctx: BotContext) -> None:
    """An edited message (in a private chat) is never taken as an answer or a command: an
    edit of an earlier answer must not answer the current, different question. A live
    location moving (also an edit, every few seconds) is passed over in silence."""
    message = update.edited_message
    if message is None or message.location is None:
        await _on_edited(update, ctx)
    raise ApplicationHandlerStop


@guarded
async def on_back(update: Update, ctx: BotContext) -> None:
    draft = await current_draft(update, ctx)
    steps = _DIALOGUES.get(draft.kind) if draft else None
    if draft is None or steps is None:
        t = await ctx.tr(update)
        raise Handled(t._("This dialogue has already ended."))
    query = update.callback_query
    data = (query.data or "") if query is not None else ""
    left = data[len(BACK_DATA) + 1 :] if data.startswith(BACK_DATA + ":") else None
    if left is not None and left != draft.step:
        # pressed twice, or on an older message: Back has been done already
        await stale_press(update, ctx, draft, draft.kind)
    await steps.on_back(update, ctx, _without_pending(draft))


@guarded
async def on_cancel(update: Update, ctx: BotContext) -> None:
    t = await ctx.tr(update)
    actor = require_actor(update, ctx)
    if await ctx.services.dialogues.finish(actor.user_id):
        await show(update, t._("Cancelled. Nothing was saved."))
    elif update.callback_query is not None:
        raise Handled(t._("This dialogue has already ended."))
    else:
        await show(update, t._("There is nothing to cancel."))


def register(app: Application) -> None:  # type: ignore[type-arg]
    private = filters.ChatType.PRIVATE
    app.add_handler(CommandHandler("cancel", on_cancel, filters=private))
    app.add_handler(CallbackQueryHandler(on_cancel, pattern=f"^{CANCEL_DATA}$"))
    app.add_handler(CallbackQueryHandler(on_back, pattern=f"^{BACK_DATA}(:[a-z_]+)?$"))
    app.add_handler(CallbackQueryHandler(on_pending, pattern=r"^pd:"))
    app.add_handler(MessageHandler(private & filters.TEXT & ~filters.COMMAND, on_text))
    media = filters.PHOTO | filters.Document.ALL | filters.LOCATION | filters.VENUE
    app.add_handler(MessageHandler(private & media, on_media))
    # anything else a person sends (voice, video, sticker, contact, dice, poll…), but not
    # commands (unknown ones are answered last, in fallback) and not service messages
    other = filters.UpdateType.MESSAGE & ~filters.COMMAND & ~filters.StatusUpdate.ALL
    app.add_handler(MessageHandler(private & other, on_other))
    # before every other handler (group -1), and stops them: see on_edited
    edited = private & filters.UpdateType.EDITED_MESSAGE
    app.add_handler(MessageHandler(edited, on_edited), group=-1)
