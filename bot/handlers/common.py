"""What every handler shares: error-to-message mapping, replying, buttons, callback parsing."""

from __future__ import annotations

import functools
import html
import logging
from collections.abc import Callable, Coroutine, Sequence
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.error import BadRequest, TelegramError

from bot.handlers.context import BotContext
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
    NotAllowed,
    NotFound,
    NotMember,
    ProblemNotFound,
    ServiceError,
)

log = logging.getLogger(__name__)

Handler = Callable[[Update, BotContext], Coroutine[Any, Any, None]]
Keyboard = Sequence[Sequence[InlineKeyboardButton]]
Rows = list[list[InlineKeyboardButton]]

CANCEL_DATA = "dlg:cancel"
BACK_DATA = "dlg:back"


class BadButton(Exception):
    """Callback data that is malformed, forged or belongs to an older screen."""


class NoIdentity(Exception):
    """The update has no person behind it (anonymous group admin, channel)."""


def explain(t: Translator, error: Exception) -> str:
    """A short, polite sentence for anything a service or a stale button refused."""
    if isinstance(error, NotMember):
        return t._(
            "You are not a member of this team (any more). "
            "If you should be, ask your coordinator for an invite link."
        )
    if isinstance(error, NotAllowed):
        return t._("Sorry, you are not allowed to do that.")
    if isinstance(error, ProblemNotFound):
        return t._("Problem #{n} does not exist, or you have no access to it.", n=error.number)
    if isinstance(error, MeetingNotFound):
        return t._("This meeting does not exist, or you have no access to it.")
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
    return t._("Something went wrong. Nothing was lost; please try again.")


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
                "Please write a number of days between 1 and {n}, e.g. <i>28d</i>.", n=error.limit
            )
        case InputProblem.NOT_A_DURATION:
            return t._(
                "Please write durations between 1 minute and 14 days, e.g. <i>24h, 1h</i> or "
                "<i>90m</i>."
            )
        case InputProblem.TOO_FAR:
            return t._("That is too far ahead: at most two years, please.")
        case InputProblem.NOT_QUIET_HOURS:
            return t._(
                "Please write two different times, from and until, e.g. <i>20:00–7:00</i> or "
                "<i>21–6:30</i>."
            )
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


def guarded(fn: Handler) -> Handler:
    """Run a handler; turn refusals into a polite answer and answer every button press once."""

    @functools.wraps(fn)
    async def wrapper(update: Update, ctx: BotContext) -> None:
        query = update.callback_query
        try:
            await fn(update, ctx)
        except (ServiceError, BadButton, NoIdentity) as error:
            t = await ctx.tr(update)
            text = explain(t, error)
            if query is not None:
                await _answer(query, text[:200], alert=True)
            elif update.effective_message is not None:
                await update.effective_message.reply_text(text)
            return
        if query is not None:
            await _answer(query, None, alert=False)

    return wrapper


async def _answer(query: Any, text: str | None, *, alert: bool) -> None:
    try:
        await query.answer(text, show_alert=alert)
    except TelegramError as error:  # answered already, or too old: nothing left to tell
        log.debug("callback answer refused: %s", error)


def require_actor(update: Update, ctx: BotContext) -> Actor:
    actor = ctx.actor(update)
    if actor is None:
        raise NoIdentity()
    return actor


def keyboard(rows: Keyboard) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([list(row) for row in rows if row])


def button(text: str, data: str) -> InlineKeyboardButton:
    if len(data.encode()) > 64:  # Telegram's limit; a bug here must not reach users
        raise ValueError(f"callback data too long: {data!r}")
    return InlineKeyboardButton(text, callback_data=data)


def nav_row(t: Translator, *, back: bool = True) -> list[InlineKeyboardButton]:
    row = [button("« " + t._("Back"), BACK_DATA)] if back else []
    row.append(button("✖ " + t._("Cancel"), CANCEL_DATA))
    return row


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
    """Answer on the current screen: edit the pressed message, or reply to a typed one."""
    query = update.callback_query
    if query is not None and isinstance(query.message, Message):
        try:
            result = await query.edit_message_text(text, reply_markup=markup)
            return result if isinstance(result, Message) else None
        except BadRequest as error:
            if "not modified" in str(error).lower():
                return query.message
            # e.g. the message was deleted meanwhile: say it in a new message instead
            log.info("could not edit the pressed message, sending a new one: %s", error)
    chat_id = _reply_chat_id(update)
    if chat_id is None:
        return None
    return await update.get_bot().send_message(chat_id, text, reply_markup=markup)


def _reply_chat_id(update: Update) -> int | None:
    """The chat to answer in; a button on an inaccessible message is answered privately."""
    if update.effective_chat is not None:
        return update.effective_chat.id
    return update.effective_user.id if update.effective_user is not None else None


async def send_long(
    update: Update, lines: list[str], markup: InlineKeyboardMarkup | None = None
) -> None:
    """Send a list that may exceed one message; the buttons go with the last part."""
    chat_id = _reply_chat_id(update)
    if chat_id is None:
        return
    parts = split_lines(lines)
    for index, part in enumerate(parts):
        last = index == len(parts) - 1
        await update.get_bot().send_message(chat_id, part, reply_markup=markup if last else None)
