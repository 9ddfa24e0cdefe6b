from __future__ import annotations

from bot.config import Settings
from bot.scheduling.clock import Clock
from bot.services.dialogues import DialogueService
from bot.services.groups import GroupService
from bot.services.invites import InviteService
from bot.services.members import MemberService
from bot.services.teams import TeamService
from bot.services.users import UserService
from bot.storage.db import Database


class Services:
    """Every use case, built once per application around one database and one clock."""

    def __init__(self, db: Database, clock: Clock, settings: Settings) -> None:
        self.db = db
        self.clock = clock
        self.admins = frozenset(settings.admins)
        self.teams = TeamService(db, clock)
        self.invites = InviteService(db, clock, settings.invite_ttl)
        self.members = MemberService(db, clock)
        self.groups = GroupService(db, clock, settings.unlinked_group_grace)
        self.users = UserService(db, clock)
        self.dialogues = DialogueService(db, clock)
