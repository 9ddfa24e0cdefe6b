"""What every handler shares: error-to-message mapping, replying, buttons, callback parsing."""

from __future__ import annotations

import functools
import html
import logging
import weakref
from collections import OrderedDict
from collections.abc import Callable, Coroutine, Sequence
from html.parser import HTMLParser
from typing import Any

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.constants import ChatType
from telegram.error import BadRequest, ChatMigrated, Forbidden, TelegramError

from bot.handlers import delivery
from bot.handlers.context import BotContext
from bot.handlers.delivery import Undelivered, with_retries
from bot.i18n import Translator
from bot.rendering.split import split_lines
from bot.services.authz import Actor
from bot.services.errors import (
    AlreadyDone,
    BadTransition,
    InputProblem,
    InvalidInput,
    InviteProblem,
    InviteUnusable,
    MeetingNotFound,
    MeetingOver,
    NoMinutes,
    NotAllowed,
    NotFound,
    NotMember,
    ProblemNotFound,
    ServiceError,
)
from bot.storage.db import StorageUnavailable

log = logging.getLogger(__name__)

Handler = Callable[[Update, BotContext], Coroutine[Any, Any, None]]
Keyboard = Sequence[Sequence[InlineKeyboardButton]]
Rows = list[list[InlineKeyboardButton]]

CANCEL_DATA = "dlg:cancel"
BACK_DATA = "dlg:back"


class BadButton(Exception):
    """Callback data that is malformed, forged or belongs to an older screen."""


class Handled(Exception):
    """The handler has answered already (e.g. re-shown the current step of a dialogue for a
    stale press); ``toast`` is the short pop-up for the pressed button, if any."""

    def __init__(self, toast: str | None = None) -> None:
        super().__init__(toast)
        self.toast = toast


class NoIdentity(Exception):
    """The update has no person behind it (anonymous group admin, channel)."""


def explain(t: Translator, error: Exception) -> str:
    """A short, polite sentence for anything a service or a stale button refused."""
    if isinstance(error, NotMember):
        return t._(
            "This is only for members of the team. "
            "If you should be one, ask your coordinator for an invite link."
        )
    if isinstance(error, NotAllowed):
        return t._("Sorry, you are not allowed to do that.")
    if isinstance(error, ProblemNotFound):
        return t._("Problem #{n} does not exist, or you have no access to it.", n=error.number)
    if isinstance(error, MeetingNotFound):
        return t._("This meeting does not exist, or you have no access to it.")
    if isinstance(error, NoMinutes):
        return t._("The minutes of this meeting have not been finished, so there is no zápis.")
    if isinstance(error, NotFound):
        return t._("This no longer exists.")
    if isinstance(error, MeetingOver):
        return t._("This meeting has already started, taken place or been cancelled.")
    if isinstance(error, AlreadyDone):
        return t._("Someone has already decided this.")
    if isinstance(error, BadTransition):
        return t._("That is not possible in the problem's current status.")
    if isinstance(error, InviteUnusable):
        return _explain_invite(t, error)
    if isinstance(error, InvalidInput):
        return _explain_input(t, error)
    if isinstance(error, BadButton):
        return t._("This button is no longer valid. Please start again.")
    if isinstance(error, NoIdentity):
        return t._("Please write as yourself, not anonymously on behalf of the group.")
    if isinstance(error, StorageUnavailable):
        return cannot_save(t)
    return t._("Something went wrong. Nothing was lost; please try again.")


def cannot_save(t: Translator) -> str:
    """The database cannot take a write now (locked, disk full): nothing was half-saved."""
    return t._("Cannot save right now, please try again in a moment.")


def _explain_invite(t: Translator, error: InviteUnusable) -> str:
    team = error.team_name or "?"
    match error.problem:
        case InviteProblem.USED:
            return t._(
                "This invite link has already been used. Ask your coordinator for a new one."
            )
        case InviteProblem.EXPIRED:
            return t._("This invite link has expired. Ask your coordinator for a new one.")
        case InviteProblem.REVOKED:
            return t._("This invite link was cancelled. Ask your coordinator for a new one.")
        case InviteProblem.ALREADY_MEMBER:
            return t._("You are already a member of the team {team}.", team=escape(team))
        case InviteProblem.REMOVED:
            return t._(
                "This invite link no longer works for you. Ask your coordinator for a new one."
            )
        case InviteProblem.THROTTLED:
            return t.n_(
                "Too many invalid invites. Please try again in {n} minute.",
                "Too many invalid invites. Please try again in {n} minutes.",
                error.wait_minutes,
            )
        case _:
            return t._("This invite link is not valid. Please check it or ask for a new one.")


def _explain_input(t: Translator, error: InvalidInput) -> str:
    match error.problem:
        case InputProblem.EMPTY:
            return t._("Please write some text.")
        case InputProblem.TOO_SHORT:
            return t.n_(
                "That is too short: at least {n} character, please.",
                "That is too short: at least {n} characters, please.",
                error.limit,
            )
        case InputProblem.TOO_LONG:
            return t.n_(
                "That is too long: at most {n} character, please.",
                "That is too long: at most {n} characters, please.",
                error.limit,
            )
        case InputProblem.DUPLICATE:
            return t._("That name is already taken.")
        case InputProblem.LAST_COORDINATOR:
            return t._("The team must keep at least one coordinator.")
        case InputProblem.SELF:
            return t._("You cannot change your own membership here.")
        case InputProblem.FEW_WORDS:
            return t.n_(
                "Please write a little more: at least {n} word.",
                "Please write a little more: at least {n} words.",
                error.limit,
            )
        case InputProblem.SAME_PROBLEM:
            return t._("A problem cannot be a duplicate of itself.")
        case InputProblem.NOT_ORIGINAL:
            return t._("That problem is itself a duplicate; give the number of the original.")
        case InputProblem.TOO_MANY_PHOTOS:
            return t.n_("At most {n} photo, please.", "At most {n} photos, please.", error.limit)
        case InputProblem.PERSONAL_DATA:
            return t._("The text looks like it contains personal data; please check it.")
        case InputProblem.TOO_LARGE:
            return t._("That file is too large: at most {n} MB, please.", n=error.limit)
        case InputProblem.PAST:
            return t._("That moment has already passed. Please give a time in the future.")
        case InputProblem.NOT_A_DURATION if error.limit > 14:
            return t._(
                "Please write a number of days between 1 and {n}, e.g. <i>28d</i> or "
                "<i>4 weeks</i>.",
                n=error.limit,
            )
        case InputProblem.NOT_A_DURATION:
            return t._(
                "Please write durations between 1 minute and 14 days, e.g. <i>24h</i>, "
                "<i>2 days 2 hours</i>, <i>90 minutes</i> or <i>1 week</i>."
            )
        case InputProblem.NOT_A_USER_ID:
            return t._("Please write a Telegram user id: a number such as <i>123456789</i>.")
        case InputProblem.CONFIGURED_ADMIN:
            return t._(
                "This administrator is set in the configuration (MDTBOT_ADMINS) and can only be "
                "removed there."
            )
        case InputProblem.TOO_FAR:
            return t._("That is too far ahead: at most two years, please.")
        case InputProblem.NOT_QUIET_HOURS:
            return t._(
                "Please write two different times, from and until, e.g. <i>20:00–7:00</i> or "
                "<i>21–6:30</i>."
            )
        case InputProblem.TOO_MANY_REMINDERS:
            return t.n_(
                "At most {n} reminder, please.", "At most {n} reminders, please.", error.limit
            )
        case InputProblem.NOT_A_DIGEST_TIME:
            return t._(
                "Please write a time between 7:00 and 19:59, e.g. <i>7:30</i> or <i>18</i> "
                "(at night I send no digests)."
            )
        case InputProblem.LAST_HEARD_TEAM:
            return t._("At least one of your teams must stay heard: switch another one on first.")
        case InputProblem.NOT_A_PHOTO:
            return t._("Please send a photo (JPG, PNG or WebP), not another kind of file.")
    return t._("Please check what you wrote.")


async def no_teams_yet(update: Update, t: Translator) -> None:
    await show(
        update, t._("There are no teams yet. Create one with /newteam followed by its name.")
    )


def escape(text: str) -> str:
    """Escape user text for parse_mode=HTML (quotes too, so it is safe inside attributes)."""
    return html.escape(text, quote=True)


#: per running application, the callback queries handled lately (id → answered yet):
#: Telegram may deliver the same update again (after a lost getUpdates answer); it must
#: neither act twice nor answer the query twice
_HANDLED: weakref.WeakKeyDictionary[Any, OrderedDict[str, bool]] = weakref.WeakKeyDictionary()
_HANDLED_KEEP = 2000


def _handled(ctx: BotContext) -> OrderedDict[str, bool]:
    seen = _HANDLED.get(ctx.bot_data)
    if seen is None:
        seen = _HANDLED[ctx.bot_data] = OrderedDict()
    return seen


def _first_delivery(ctx: BotContext, query: Any) -> bool:
    seen = _handled(ctx)
    if query.id in seen:
        return False
    seen[query.id] = False  # handled, not answered yet
    while len(seen) > _HANDLED_KEEP:
        seen.popitem(last=False)
    return True


def _answered(ctx: BotContext, query: Any) -> bool:
    return _handled(ctx).get(query.id, False)


async def answer_query(
    ctx: BotContext, query: Any, text: str | None, *, alert: bool = False
) -> None:
    """Answer a button press with a short note; the guard then does not answer it again."""
    _handled(ctx)[query.id] = True
    await _answer(query, text, alert=alert)


def guarded(fn: Handler) -> Handler:
    """Run a handler; turn refusals into a polite answer and answer every button press once
    (a press delivered again is ignored).

    A press on a bot message in a group is not handled: whatever it would show (a detail, a
    document, a changed screen) belongs in the presser's private chat, not in the group.
    Handlers meant for group buttons use :func:`guarded_in_groups`.
    """
    return _guard(fn, in_groups=False)


def guarded_in_groups(fn: Handler) -> Handler:
    """:func:`guarded` for the few buttons whose answer belongs in the group (linking it)."""
    return _guard(fn, in_groups=True)


def pressed_in_group(update: Update) -> bool:
    query = update.callback_query
    message = query.message if query is not None else None
    return message is not None and message.chat.type != ChatType.PRIVATE


def _guard(fn: Handler, *, in_groups: bool) -> Handler:
    @functools.wraps(fn)
    async def wrapper(update: Update, ctx: BotContext) -> None:
        query = update.callback_query
        if query is not None and not _first_delivery(ctx, query):
            log.info("callback query %s delivered again: ignored", query.id)
            return
        if query is not None and not in_groups and pressed_in_group(update):
            t = await ctx.tr(update)
            text = t._("I show this only in a private chat with me. Open it and write /start.")
            await answer_query(ctx, query, text, alert=True)
            return
        with delivery.deferring_to(ctx.bot_data.outbox):
            await _run(fn, update, ctx)

    return wrapper


async def _run(fn: Handler, update: Update, ctx: BotContext) -> None:
    query = update.callback_query
    try:
        await fn(update, ctx)
    except Handled as handled:
        if query is not None and not _answered(ctx, query):
            toast = handled.toast[:200] if handled.toast else None
            await answer_query(ctx, query, toast)
        return
    except (ServiceError, BadButton, NoIdentity, StorageUnavailable) as error:
        t = await ctx.tr(update)
        text = explain(t, error)
        if query is not None and not _answered(ctx, query):
            await answer_query(ctx, query, text[:200], alert=True)
        elif query is None and update.effective_message is not None:
            await send_new(update, text)
        return
    if query is not None and not _answered(ctx, query):
        await answer_query(ctx, query, None)


def answered(ctx: BotContext, query: Any) -> bool:
    """Whether the press was answered already (a query is answered once)."""
    return _answered(ctx, query)


async def _answer(query: Any, text: str | None, *, alert: bool) -> None:
    try:
        await query.answer(text, show_alert=alert)
    except BadRequest as error:
        # too old: a press handled late (after a restart, from the update journal); what the
        # pop-up would have said goes to the presser's private chat instead
        if text and "too old" in str(error).lower():
            await _tell_instead(query, text)
        else:
            log.debug("callback answer refused: %s", error)
    except TelegramError as error:
        log.debug("callback answer refused: %s", error)


async def _tell_instead(query: Any, text: str) -> None:
    try:
        await query.get_bot().send_message(query.from_user.id, escape(text))
    except TelegramError as error:  # e.g. the person never opened a private chat
        log.info("a late press could not be answered: %s", error)


def require_actor(update: Update, ctx: BotContext) -> Actor:
    actor = ctx.actor(update)
    if actor is None:
        raise NoIdentity()
    return actor


def keyboard(rows: Keyboard) -> InlineKeyboardMarkup | None:
    """The inline keyboard of ``rows`` (empty rows dropped); None when there is no button at
    all, since Telegram refuses an empty inline keyboard."""
    kept = [list(row) for row in rows if row]
    return InlineKeyboardMarkup(kept) if kept else None


def button(text: str, data: str) -> InlineKeyboardButton:
    if len(data.encode()) > 64:  # Telegram's limit; a bug here must not reach users
        raise ValueError(f"callback data too long: {data!r}")
    return InlineKeyboardButton(text, callback_data=data)


def nav_row(
    t: Translator, *, back: bool = True, step: str | None = None
) -> list[InlineKeyboardButton]:
    """Back and Cancel; with ``step``, Back names the step it leaves, so a second press (a
    double tap, or Back on an older message) re-shows the current step instead of going back
    once more."""
    back_data = f"{BACK_DATA}:{step}" if step else BACK_DATA
    row = [button("« " + t._("Back"), back_data)] if back else []
    row.append(button("✖ " + t._("Cancel"), CANCEL_DATA))
    return row


def lead_in(lead: str, text: str) -> str:
    """``text`` after a short remark (e.g. why the question is asked again), if any."""
    return f"{lead}\n\n{text}" if lead else text


def callback_args(update: Update, prefix: str, count: int) -> list[str]:
    """The ``count`` fields after ``prefix:`` in the pressed button's data; BadButton otherwise."""
    query = update.callback_query
    data = query.data if query is not None else None
    if not data or not data.startswith(prefix + ":"):
        raise BadButton(data)
    parts = data[len(prefix) + 1 :].split(":")
    if len(parts) != count or any(not p for p in parts):
        raise BadButton(data)
    return parts


def as_int(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise BadButton(value) from None
    if not -(2**53) < number < 2**53:
        raise BadButton(value)
    return number


async def show(
    update: Update, text: str, markup: InlineKeyboardMarkup | None = None
) -> Message | None:
    """Answer on the current screen: edit the pressed message, or reply to a typed one.

    Transient failures are retried briefly; a reply that still cannot go out is queued in the
    outbox (:mod:`bot.handlers.delivery`): what the handler did stays done and is confirmed
    later, never reported as failed."""
    query = update.callback_query
    if query is not None and isinstance(query.message, Message):
        message = query.message
        if _same_screen(message, text, markup):
            return message  # Telegram refuses an edit that changes nothing
        try:
            edited = await edit_message(
                update.get_bot(), message.chat_id, message.message_id, text, markup
            )
            return edited or message
        except BadRequest as error:
            # e.g. the message was deleted meanwhile: say it in a new message instead
            log.info("could not edit the pressed message, sending a new one: %s", error)
        except Undelivered as failure:
            await _defer(update, [text], markup, failure)
            return None
    return await send_new(update, text, markup)


async def send_file(
    update: Update,
    ctx: BotContext,
    chat_id: int,
    data: bytes,
    filename: str,
    caption: str | None = None,
) -> bool:
    """Send a document someone asked for, retried briefly on transient errors; when it still
    cannot go, say so plainly (the request itself is done: ask again for a new copy)."""
    bot = update.get_bot()
    try:
        await with_retries(
            lambda: bot.send_document(chat_id, document=data, filename=filename, caption=caption)
        )
    except Undelivered as error:
        log.warning("document %s not delivered: %s", filename, error)
        t = await ctx.tr(update)
        await send_new(update, t._("The file could not be sent just now; please ask again."))
        return False
    return True


async def send_new(
    update: Update, text: str, markup: InlineKeyboardMarkup | None = None
) -> Message | None:
    """Answer with a new message in the current chat (retried, else queued like :func:`show`)."""
    chat_id = _reply_chat_id(update)
    if chat_id is None:
        return None
    bot = update.get_bot()
    try:
        return await with_retries(
            lambda: bot.send_message(
                chat_id, text, reply_markup=markup, **delivery.rate_limit_args(bot)
            )
        )
    except Undelivered as failure:
        await _defer(update, [text], markup, failure)
    except ChatMigrated as error:  # the outbox follows the group to its new id
        await _defer(update, [text], markup, Undelivered(error))
    except Forbidden as error:  # blocked meanwhile: nobody to tell
        log.info("chat %s refuses the reply: %s", chat_id, error)
    return None


async def edit_message(
    bot: Bot,
    chat_id: int,
    message_id: int,
    text: str,
    markup: InlineKeyboardMarkup | None = None,
) -> Message | None:
    """The one place a handler edits a message's text: retried like a reply; an edit that
    changes nothing counts as done (None). Raises BadRequest for any other refusal (the caller
    sends a new message instead) and :class:`Undelivered` after the retries."""
    try:
        result = await with_retries(
            lambda: bot.edit_message_text(
                text,
                chat_id=chat_id,
                message_id=message_id,
                reply_markup=markup,
                **delivery.rate_limit_args(bot),
            )
        )
    except BadRequest as error:
        if "not modified" in str(error).lower():
            return None
        raise
    return result if isinstance(result, Message) else None


async def edit_buttons(update: Update, markup: InlineKeyboardMarkup | None) -> None:
    """Replace the buttons of the pressed message (nothing if they are the same already). A
    failure is only logged: the press was answered, the buttons are a convenience."""
    query = update.callback_query
    message = query.message if query is not None else None
    if not isinstance(message, Message):
        return
    current = message.reply_markup
    if (current.to_dict() if current else None) == (markup.to_dict() if markup else None):
        return  # Telegram refuses an edit that changes nothing
    bot = update.get_bot()
    try:
        await with_retries(
            lambda: bot.edit_message_reply_markup(
                chat_id=message.chat_id,
                message_id=message.message_id,
                reply_markup=markup,
                **delivery.rate_limit_args(bot),
            )
        )
    except (Undelivered, TelegramError) as error:
        if "not modified" not in str(error).lower():
            log.warning("could not update the buttons of message %s: %s", message.id, error)


async def _defer(
    update: Update, texts: list[str], markup: InlineKeyboardMarkup | None, failure: Undelivered
) -> None:
    chat_id = _reply_chat_id(update)
    if chat_id is None:
        raise failure.error
    chat = update.effective_chat
    private = chat is None or chat.type == ChatType.PRIVATE
    await delivery.defer(chat_id, texts, markup, failure, user_id=chat_id if private else None)


def _same_screen(message: Message, text: str, markup: InlineKeyboardMarkup | None) -> bool:
    """Whether editing ``message`` to ``text`` (HTML) and ``markup`` would change nothing."""
    if message.text is None or message.text != plain_text(text):
        return False
    current = message.reply_markup
    current_rows = current.inline_keyboard if current is not None else ()
    new_rows = markup.inline_keyboard if markup is not None else ()
    return tuple(map(tuple, current_rows)) == tuple(map(tuple, new_rows))


class _TextOnly(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def plain_text(html_text: str) -> str:
    """What Telegram shows of an HTML message: the text without tags, entities decoded."""
    parser = _TextOnly()
    parser.feed(html_text)
    parser.close()
    return "".join(parser.parts)


def _reply_chat_id(update: Update) -> int | None:
    """The chat to answer in; a button on an inaccessible message is answered privately."""
    if update.effective_chat is not None:
        return update.effective_chat.id
    return update.effective_user.id if update.effective_user is not None else None


async def send_long(
    update: Update, lines: list[str], markup: InlineKeyboardMarkup | None = None
) -> None:
    """Send a list that may exceed one message; the buttons go with the last part. Each part
    is retried like a reply; what cannot go out is queued in the outbox (:func:`show`)."""
    chat_id = _reply_chat_id(update)
    if chat_id is None:
        return
    bot = update.get_bot()
    parts = split_lines(lines)
    for index, part in enumerate(parts):
        last = index == len(parts) - 1
        try:
            await with_retries(
                lambda part=part, last=last: bot.send_message(  # type: ignore[misc]
                    chat_id,
                    part,
                    reply_markup=markup if last else None,
                    **delivery.rate_limit_args(bot),
                )
            )
        except Undelivered as failure:
            await _defer(update, parts[index:], markup, failure)
            return
        except ChatMigrated as error:
            await _defer(update, parts[index:], markup, Undelivered(error))
            return
        except Forbidden as error:
            log.info("chat %s refuses the reply: %s", chat_id, error)
            return
