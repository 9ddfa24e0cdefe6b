"""Half-finished dialogues, stored at every step so that a restart loses nothing.

Each dialogue kind names the permission it needs; :meth:`DialogueService.resume` re-checks it
before every step, so a member removed mid-dialogue is stopped at their next step.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.domain.models import Draft
from bot.services import authz
from bot.services.authz import Action, Actor
from bot.services.base import Service
from bot.services.errors import InviteUnusable, NotAllowed, ServiceError
from bot.services.invites import check_joinable
from bot.storage.repos import Repos

#: what the owner of a team-bound dialogue must still be allowed to do at each step
REPORT = "report"
COMMENT = "comment"
PROPOSE = "propose"
DUPLICATE = "duplicate"
REJECT = "reject"
LEAD = "lead"  # the lead organisation's name, typed
LOCALITY = "locality"
MEETING = "meeting"
AGENDA_TOPIC = "agenda_topic"
TASK = "task"
TASK_EDIT = "task_edit"
MINUTES_NOTE = "minutes_note"
TEAM_TIMING = "team_timing"
GUEST = "guest"
REDACT = "redact"  # a new text for one already saved (author or coordinator)
TEAM_DIALOGUE_ACTIONS: dict[str, Action] = {
    REPORT: Action.REPORT,
    COMMENT: Action.REPORT,
    PROPOSE: Action.REPORT,
    DUPLICATE: Action.MANAGE_PROBLEMS,
    REJECT: Action.MANAGE_PROBLEMS,
    LEAD: Action.MANAGE_PROBLEMS,
    LOCALITY: Action.MANAGE_TEAM,
    MEETING: Action.MANAGE_MEETINGS,
    AGENDA_TOPIC: Action.MANAGE_MEETINGS,
    TASK: Action.MANAGE_MEETINGS,
    TASK_EDIT: Action.MANAGE_MEETINGS,
    MINUTES_NOTE: Action.MANAGE_MEETINGS,
    TEAM_TIMING: Action.MANAGE_TEAM,
    GUEST: Action.MANAGE_MEETINGS,
    REDACT: Action.REPORT,  # the service re-checks author or coordinator at saving
}
#: dialogues of the city administrator
RENAME_TEAM = "renameteam"
ADD_ADMIN = "addadmin"
ADMIN_DIALOGUE_ACTIONS: dict[str, Action] = {
    "newteam": Action.CREATE_TEAM,
    RENAME_TEAM: Action.EDIT_TEAM,
    ADD_ADMIN: Action.MANAGE_ADMINS,
}
JOIN = "join"
PROFILE = "profile"
DIGEST_TIME = "digest_time"  # /settings: the digest's time, typed


class DialogueService(Service):
    async def start(
        self,
        user_id: int,
        kind: str,
        step: str,
        *,
        team_id: int | None = None,
        data: dict[str, Any] | None = None,
    ) -> Draft:
        draft = Draft(
            user_id=user_id,
            kind=kind,
            step=step,
            team_id=team_id,
            data=data or {},
            updated_at=self.clock.now(),
        )
        async with self.db.transaction() as repos:
            await repos.users.ensure(user_id, draft.updated_at)
            await repos.drafts.save(draft)
        return draft

    async def resume(self, actor: Actor) -> Draft | None:
        """The actor's running dialogue, if they may still continue it; else it is dropped."""
        refusal: ServiceError | None = None
        async with self.db.transaction() as repos:
            draft = await repos.drafts.get(actor.user_id)
            if draft is None:
                return None
            try:
                await _recheck(repos, actor, draft, self.clock.now())
            except (NotAllowed, InviteUnusable) as error:
                await repos.drafts.delete(actor.user_id)
                refusal = error  # raised after the commit, so the deletion stays
        if refusal is not None:
            raise refusal
        return draft

    async def advance(self, draft: Draft, step: str, **data: Any) -> Draft:
        updated = draft.model_copy(
            update={"step": step, "data": {**draft.data, **data}, "updated_at": self.clock.now()}
        )
        async with self.db.transaction() as repos:
            await repos.drafts.save(updated)
        return updated

    async def finish(self, user_id: int) -> bool:
        """Drop the dialogue; True if there was one."""
        async with self.db.transaction() as repos:
            existed = await repos.drafts.get(user_id) is not None
            await repos.drafts.delete(user_id)
        return existed


async def _recheck(repos: Repos, actor: Actor, draft: Draft, now: datetime) -> None:
    if draft.kind in ADMIN_DIALOGUE_ACTIONS:
        authz.require_admin(actor, ADMIN_DIALOGUE_ACTIONS[draft.kind])
    elif draft.kind in TEAM_DIALOGUE_ACTIONS:
        action = TEAM_DIALOGUE_ACTIONS[draft.kind]
        if draft.team_id is None:
            # the team is not chosen yet: the actor must be allowed this in some team
            await authz.teams_for(repos, actor, action)
        else:
            await authz.require(repos, actor, action, draft.team_id)
    elif draft.kind in (PROFILE, DIGEST_TIME):
        await authz.require_member(repos, actor)
    elif draft.kind == JOIN:
        # the invite must still let this person join: not used by someone who finished first,
        # not cancelled, not expired, and they were not removed from the team meanwhile
        invite_id = draft.data.get("invite_id")
        invite = (
            await repos.invites.get(draft.team_id, int(invite_id))
            if draft.team_id is not None and invite_id is not None
            else None
        )
        await check_joinable(repos, invite, actor.user_id, now)
    else:
        raise NotAllowed(draft.kind)
