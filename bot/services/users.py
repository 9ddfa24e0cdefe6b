"""Per-user preferences (language) and reachability."""

from __future__ import annotations

from bot.config import SUPPORTED_LANGUAGES
from bot.services import notify
from bot.services.base import Service


class UserService(Service):
    async def language(self, user_id: int) -> str | None:
        async with self.db.read() as repos:
            user = await repos.users.get(user_id)
        return user.language if user else None

    async def known(self, user_ids: list[int]) -> list[int]:
        """Those of ``user_ids`` who have written to the bot (the bot may address them)."""
        async with self.db.read() as repos:
            return [uid for uid in user_ids if await repos.users.get(uid) is not None]

    async def set_reachable(self, user_id: int, reachable: bool) -> None:
        """Remember that a person blocked the bot (their coordinators are told) or came back."""
        now = self.clock.now()
        told = False
        async with self.db.transaction() as repos:
            await repos.users.ensure(user_id, now)
            if reachable:
                await repos.users.set_unreachable(user_id, False)
            else:
                told = await notify.member_unreachable(repos, user_id, now)
        if told:
            self.wake_outbox()

    async def set_language(self, user_id: int, language: str) -> None:
        if language not in SUPPORTED_LANGUAGES:
            raise ValueError(language)
        async with self.db.transaction() as repos:
            await repos.users.ensure(user_id, self.clock.now())
            await repos.users.set_language(user_id, language)
