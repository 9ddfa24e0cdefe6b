"""Telegram's command menus: per chat type and language, and a fuller one for administrators."""

from __future__ import annotations

import logging
from typing import Any

from telegram import (
    Bot,
    BotCommand,
    BotCommandScopeAllGroupChats,
    BotCommandScopeAllPrivateChats,
    BotCommandScopeChat,
)
from telegram.error import TelegramError

from bot.config import SUPPORTED_LANGUAGES, Settings
from bot.i18n import N_, Translator

log = logging.getLogger(__name__)

# (command, description) per audience; also used for Telegram's command menus
EVERYONE_COMMANDS = [
    ("start", N_("Start, or join a team with an invite")),
    ("help", N_("What I can do for you")),
    ("lang", N_("Language: Czech / English")),
    ("settings", N_("Settings: language, weekly digest, team notices")),
    ("cancel", N_("Cancel the current step")),
]
MEMBER_COMMANDS = [
    ("report", N_("Report a problem")),
    ("problems", N_("Open problems of my teams")),
    ("problem", N_("Detail of a problem: /problem 12")),
    ("propose", N_("Propose a solution: /propose 12")),
    ("locality", N_("A locality at a glance: /locality Dubina")),
    ("meeting", N_("Team meetings: when, where, will I come")),
    ("agenda", N_("Agenda of the next meeting")),
    ("tasks", N_("My tasks: done / blocked")),
    ("stats", N_("Statistics of my team: figures and charts")),
    ("members", N_("Members of my team")),
    ("profile", N_("My name and organisation")),
    ("mydata", N_("Everything stored about me (a file)")),
    ("leave", N_("Leave a team")),
]
COORDINATOR_COMMANDS = [
    ("team", N_("Localities and settings of the team (coordinator)")),
    ("minutes", N_("Minutes of a meeting (coordinator)")),
    ("documents", N_("Documents of past meetings: agenda, zápis (coordinator)")),
    ("invite", N_("Invite a new member (coordinator)")),
    ("invites", N_("Open invites, cancel one (coordinator)")),
    ("export", N_("Export problems, tasks, meetings: XLSX / CSV (coordinator)")),
]
GROUP_COMMANDS = [
    ("linkgroup", N_("Link this group to my team (coordinator)")),
    ("help", N_("What I can do for you")),
]
ADMIN_COMMANDS = [
    ("newteam", N_("Create a team (administrator)")),
    ("teams", N_("All teams (administrator)")),
    ("admins", N_("City administrators (administrator)")),
    ("erase", N_("Erase a person on their request (administrator)")),
    ("audit", N_("Audit log (administrator)")),
]


PRIVATE_COMMANDS = EVERYONE_COMMANDS + MEMBER_COMMANDS + COORDINATOR_COMMANDS


async def set_command_menus(bot: Bot, settings: Settings, admins: list[int]) -> None:
    """Set every menu; a server that refuses one is not fatal. ``admins``: the administrators
    who have written to the bot (Telegram refuses a menu for a chat that does not exist yet;
    the others get theirs when they first write)."""
    scopes: list[tuple[Any, list[tuple[str, str]]]] = [
        (BotCommandScopeAllPrivateChats(), PRIVATE_COMMANDS),
        (BotCommandScopeAllGroupChats(), GROUP_COMMANDS),
    ]
    for language in (None, *SUPPORTED_LANGUAGES):
        t = Translator(language or settings.language, settings.tz)
        for scope, commands in scopes:
            await _set_menu(bot, t, commands, scope, language)
    for admin_id in admins:
        await set_admin_menu(bot, settings, admin_id, settings.language)


async def set_admin_menu(bot: Bot, settings: Settings, admin_id: int, language: str) -> None:
    """An administrator's own chat gets the admin commands too (possible once they wrote)."""
    t = Translator(language, settings.tz)
    scope = BotCommandScopeChat(admin_id)
    await _set_menu(bot, t, PRIVATE_COMMANDS + ADMIN_COMMANDS, scope, None, quiet=True)


async def _set_menu(
    bot: Bot,
    t: Translator,
    commands: list[tuple[str, str]],
    scope: Any,
    language: str | None,
    *,
    quiet: bool = False,
) -> None:
    menu = [BotCommand(name, t._(description)) for name, description in commands]
    try:
        await bot.set_my_commands(menu, scope=scope, language_code=language)
    except TelegramError as error:
        log.log(
            logging.INFO if quiet else logging.WARNING,
            "could not set the command menu for %s: %s",
            scope.type,
            error,
        )
