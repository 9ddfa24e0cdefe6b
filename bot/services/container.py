from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from bot.config import Settings
from bot.domain.meetings import DueKind, DueOutcome, DueWork
from bot.scheduling.clock import Clock
from bot.services.admins import AdminService
from bot.services.agenda import AgendaService
from bot.services.audit import AuditService
from bot.services.base import Service
from bot.services.dialogues import DialogueService
from bot.services.digest import DigestService
from bot.services.documents import DocumentService
from bot.services.exports import ExportService
from bot.services.groups import GroupService
from bot.services.guests import GuestService
from bot.services.invites import InviteService
from bot.services.localities import LocalityService
from bot.services.locality_card import LocalityCardService
from bot.services.meetings import MeetingService
from bot.services.members import MemberService
from bot.services.minutes import MinutesService
from bot.services.privacy import PrivacyService
from bot.services.problems import ProblemService
from bot.services.proposals import ProposalService
from bot.services.quiet import QuietHoursService
from bot.services.redaction import RedactionService
from bot.services.reports import ReportService
from bot.services.retention import RetentionService
from bot.services.settings import SettingsService
from bot.services.stats import StatsService
from bot.services.tasks import TaskService
from bot.services.teams import TeamService
from bot.services.users import UserService
from bot.storage.db import Database
from bot.storage.repos import Repos


class Services:
    """Every use case, built once per application around one database and one clock."""

    def __init__(self, db: Database, clock: Clock, settings: Settings) -> None:
        self.db = db
        self.clock = clock
        #: who is a city administrator: ``user_id in services.admins``
        self.admins = AdminService(db, clock, settings.admins)
        self.teams = TeamService(db, clock)
        self.invites = InviteService(db, clock, settings.invite_ttl)
        self.members = MemberService(db, clock)
        self.groups = GroupService(db, clock, settings.unlinked_group_grace)
        self.users = UserService(db, clock)
        self.dialogues = DialogueService(db, clock)
        self.localities = LocalityService(db, clock)
        self.locality_cards = LocalityCardService(db, clock, settings.tz)
        self.reports = ReportService(db, clock)
        self.problems = ProblemService(db, clock)
        self.proposals = ProposalService(db, clock)
        self.agenda = AgendaService(db, clock)
        self.tasks = TaskService(db, clock)
        self.quiet = QuietHoursService(db, clock)
        self.minutes = MinutesService(db, clock)
        self.guests = GuestService(db, clock)
        self.documents = DocumentService(db, clock)
        self.privacy = PrivacyService(db, clock, settings.tz)
        self.audit = AuditService(db, clock)
        self.retention = RetentionService(db, clock, settings.retention, settings.audit_retention)
        self.redaction = RedactionService(db, clock)
        self.exports = ExportService(db, clock, settings.tz)
        self.stats = StatsService(db, clock, settings.timezone)
        self.meetings = MeetingService(
            db,
            clock,
            reminders=tuple(settings.reminders),
            agenda_lead=settings.agenda_lead,
            timezone=settings.timezone,
        )
        self.digest = DigestService(db, clock, settings.timezone)
        self.settings = SettingsService(db, clock, settings.timezone)
        self.invites.on_joined = self.digest.joined
        self.admins.on_joined = self.digest.joined

    async def perform_due(self, repos: Repos, work: DueWork, now: datetime) -> DueOutcome:
        """Do one piece of due work (the due-work runner's callback)."""
        if work.kind in (DueKind.TASK_REMINDER, DueKind.TASK_OVERDUE):
            return await self.tasks.perform(repos, work, now)
        if work.kind is DueKind.STILL_SOLVED:
            return await self.problems.still_solved(repos, work, now)
        if work.kind is DueKind.RETENTION:
            return await self.retention.perform(repos, work, now)
        if work.kind is DueKind.DIGEST:
            return await self.digest.perform(repos, work, now)
        return await self.meetings.perform(repos, work, now)

    def on_outbox_queued(self, wake: Callable[[], None]) -> None:
        """Have every service call ``wake`` after committing messages to the outbox."""
        for service in vars(self).values():
            if isinstance(service, Service):
                service.wake_outbox = wake
