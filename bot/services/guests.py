"""Guests at a meeting: a coordinator records people from outside the team (name and
organisation; they need no Telegram) before the meeting or while minuting it; they appear in
the zápis's attendance. Their names stay with that meeting only.
"""

from __future__ import annotations

from bot.domain.guests import Guest
from bot.domain.meetings import Meeting, MeetingStatus
from bot.services import authz
from bot.services.authz import Action, Actor
from bot.services.base import Service
from bot.services.errors import MeetingOver, NotFound, ServiceError
from bot.services.text import clean_line
from bot.storage.repos import Repos

NAME_MIN, NAME_MAX = 2, 80
ORG_MIN, ORG_MAX = 2, 80
#: guests one meeting may have
MAX_GUESTS = 40


class GuestsFull(ServiceError):
    """The meeting has as many guests as it may."""


def clean_name(text: str | None) -> str:
    return clean_line(text, min_len=NAME_MIN, max_len=NAME_MAX)


def clean_org(text: str | None) -> str:
    return clean_line(text, min_len=ORG_MIN, max_len=ORG_MAX)


class GuestService(Service):
    async def of_meeting(self, actor: Actor, meeting_id: int) -> tuple[Meeting, list[Guest]]:
        """The meeting (for a coordinator of its team) and its guests."""
        async with self.db.read() as repos:
            meeting = await _editable(repos, actor, meeting_id)
            return meeting, await repos.guests.of_meeting(meeting_id)

    async def check(self, actor: Actor, meeting_id: int) -> Meeting:
        """Whether the actor may still add guests to the meeting (before asking for a name)."""
        async with self.db.read() as repos:
            meeting = await _editable(repos, actor, meeting_id)
            if len(await repos.guests.of_meeting(meeting_id)) >= MAX_GUESTS:
                raise GuestsFull(str(meeting_id))
            return meeting

    async def add(self, actor: Actor, meeting_id: int, name: str | None, org: str | None) -> Guest:
        clean = clean_name(name)
        organisation = clean_org(org) if org is not None else None
        now = self.clock.now()
        async with self.db.transaction() as repos:
            meeting = await _editable(repos, actor, meeting_id)
            if len(await repos.guests.of_meeting(meeting_id)) >= MAX_GUESTS:
                raise GuestsFull(str(meeting_id))
            guest = await repos.guests.add(meeting_id, clean, organisation, actor.user_id, now)
            await repos.audit.add(
                now,
                actor.user_id,
                "meeting.guest_add",
                team_id=meeting.team_id,
                object_type="meeting",
                object_id=meeting_id,
            )
        return guest

    async def remove(self, actor: Actor, meeting_id: int, guest_id: int) -> Guest:
        now = self.clock.now()
        async with self.db.transaction() as repos:
            meeting = await _editable(repos, actor, meeting_id)
            guest = await repos.guests.remove(meeting_id, guest_id)
            if guest is None:
                raise NotFound(str(guest_id))
            await repos.audit.add(
                now,
                actor.user_id,
                "meeting.guest_remove",
                team_id=meeting.team_id,
                object_type="meeting",
                object_id=meeting_id,
            )
        return guest


async def _editable(repos: Repos, actor: Actor, meeting_id: int) -> Meeting:
    """A scheduled meeting (its minutes not yet finished) the actor coordinates."""
    access = await authz.require_meeting(repos, actor, Action.MANAGE_MEETINGS, meeting_id)
    meeting = access.meeting
    if meeting.status is not MeetingStatus.SCHEDULED:
        raise MeetingOver(meeting.status.value)
    return meeting
