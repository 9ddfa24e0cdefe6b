"""``/start`` (welcome or joining), ``/help`` for the user's role, ``/lang``."""

from __future__ import annotations

from telegram import Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, filters

from bot.config import SUPPORTED_LANGUAGES
from bot.domain.models import Role
from bot.handlers import menus
from bot.handlers.common import (
    BadButton,
    button,
    callback_args,
    guarded,
    keyboard,
    require_actor,
    show,
)
from bot.handlers.context import BotContext
from bot.handlers.menus import (
    ADMIN_COMMANDS,
    COORDINATOR_COMMANDS,
    EVERYONE_COMMANDS,
    GROUP_COMMANDS,
    MEMBER_COMMANDS,
)
from bot.handlers.onboarding import start_with_code
from bot.i18n import Translator

LANGUAGE_NAMES = {"cs": "Čeština", "en": "English"}


def command_lines(t: Translator, commands: list[tuple[str, str]]) -> list[str]:
    return [f"/{name} — {t._(description)}" for name, description in commands]


@guarded
async def on_start(update: Update, ctx: BotContext) -> None:
    if ctx.args:
        await start_with_code(update, ctx, ctx.args[0])
        return
    actor = require_actor(update, ctx)
    t = await ctx.tr(update)
    if actor.is_admin:
        await menus.set_admin_menu(ctx.bot, ctx.settings, actor.user_id, t.language)
    roles = await ctx.services.teams.roles_of(actor.user_id)
    if roles or actor.is_admin:
        text = t._(
            "Hello! I help the multidisciplinary teams (MDT) of Ostrava: members report "
            "problems in their localities, coordinators prepare meetings.\n/help lists "
            "what you can do."
        )
    else:
        text = t._(
            "Hello! I help the multidisciplinary crime-prevention teams (MDT) of Ostrava.\n\n"
            "I work only for team members. To join, open the invite link your team's "
            "coordinator sent you."
        )
    await show(update, text)


@guarded
async def on_help(update: Update, ctx: BotContext) -> None:
    t = await ctx.tr(update)
    chat = update.effective_chat
    if chat is not None and chat.type != chat.PRIVATE:
        lines = [t._("In a group I post notices for the linked team.")]
        lines += command_lines(t, GROUP_COMMANDS)
        await show(update, "\n".join(lines))
        return
    actor = require_actor(update, ctx)
    roles = set((await ctx.services.teams.roles_of(actor.user_id)).values())
    commands = list(EVERYONE_COMMANDS)
    if roles or actor.is_admin:
        commands += MEMBER_COMMANDS
    if Role.COORDINATOR in roles or actor.is_admin:
        commands += COORDINATOR_COMMANDS
        commands += [GROUP_COMMANDS[0]]
    if actor.is_admin:
        commands += ADMIN_COMMANDS
    header = t._("What you can do:")
    await show(update, "\n".join([header, *command_lines(t, commands)]))


@guarded
async def on_lang(update: Update, ctx: BotContext) -> None:
    t = await ctx.tr(update)
    rows = [[button(LANGUAGE_NAMES[code], f"lang:{code}") for code in SUPPORTED_LANGUAGES]]
    await show(update, t._("Choose your language:"), keyboard(rows))


@guarded
async def on_lang_pick(update: Update, ctx: BotContext) -> None:
    (code,) = callback_args(update, "lang", 1)
    if code not in SUPPORTED_LANGUAGES:
        raise BadButton(code)
    actor = require_actor(update, ctx)
    await ctx.services.users.set_language(actor.user_id, code)
    t = ctx.translator_for(code)
    await show(update, t._("Language set: English."))


def register(app: Application) -> None:  # type: ignore[type-arg]
    private = filters.ChatType.PRIVATE
    app.add_handler(CommandHandler("start", on_start, filters=private))
    app.add_handler(CommandHandler("help", on_help))
    app.add_handler(CommandHandler("lang", on_lang, filters=private))
    app.add_handler(CallbackQueryHandler(on_lang_pick, pattern=r"^lang:"))
