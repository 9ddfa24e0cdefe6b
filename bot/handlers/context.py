"""Typed callback context: services, settings and the reader's translator, per update."""

from __future__ import annotations

import asyncio
from typing import Any

from telegram import Update
from telegram.ext import Application, CallbackContext, ExtBot

from bot.config import Settings
from bot.i18n import Translator, pick_language
from bot.scheduling.due import DueWorkRunner
from bot.scheduling.outbox import OutboxSender
from bot.services.authz import Actor
from bot.services.container import Services
from bot.storage.lease import InstanceLease
from bot.updates import UpdateJournal


class BotData:
    """Application-wide objects, set once by :func:`bot.app.build_application`."""

    services: Services
    settings: Settings
    outbox: OutboxSender
    due: DueWorkRunner
    lease: InstanceLease
    journal: UpdateJournal
    #: :func:`bot.app.on_startup` while it runs (a stop during start-up cancels it)
    starting: asyncio.Task[None] | None = None


class BotContext(CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], BotData]):
    def __init__(
        self,
        application: Application[Any, Any, Any, Any, Any, Any],
        chat_id: int | None = None,
        user_id: int | None = None,
    ) -> None:
        super().__init__(application, chat_id, user_id)
        self._translator: Translator | None = None

    @property
    def services(self) -> Services:
        return self.bot_data.services

    @property
    def settings(self) -> Settings:
        return self.bot_data.settings

    def translator_for(self, language: str) -> Translator:
        return Translator(language, self.settings.tz)

    async def tr(self, update: object) -> Translator:
        """The translator for whoever reads the answer: the person in a private chat, else the
        group (which gets the configured default language)."""
        if self._translator is None:
            language = self.settings.language
            if isinstance(update, Update):
                user = update.effective_user
                chat = update.effective_chat
                if user is not None and (chat is None or chat.type == chat.PRIVATE):
                    stored = await self.services.users.language(user.id)
                    language = pick_language(stored, user.language_code, language)
            self._translator = self.translator_for(language)
        return self._translator

    def reset_translator(self) -> None:
        self._translator = None

    def actor(self, update: Update) -> Actor | None:
        """Who acts, by Telegram user id; None for anonymous admins, channels and bots."""
        message = update.effective_message
        user = update.effective_user
        if user is None or user.is_bot or (message is not None and message.sender_chat):
            return None
        return Actor(user_id=user.id, is_admin=user.id in self.services.admins)
