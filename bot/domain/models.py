"""Domain objects: plain pydantic models and enums, no I/O."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict


class Role(StrEnum):
    MEMBER = "member"
    COORDINATOR = "coordinator"


class OrgType(StrEnum):
    """Organisation types of the teams (docs/user-guide.md), in the order members see them."""

    NNO = "NNO"
    PCR = "PCR"
    MPO = "MPO"
    UMOB = "UMOB"
    ZS = "ZS"
    MMO = "MMO"
    APK = "APK"
    JINE = "JINE"


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True)


class Team(_Model):
    id: int
    name: str
    area: str = ""
    group_chat_id: int | None = None
    group_notices: bool = True
    created_at: datetime
    archived_at: datetime | None = None  # archived teams are kept only for the record

    @property
    def archived(self) -> bool:
        return self.archived_at is not None


class User(_Model):
    """A Telegram user the bot knows; a *member* once they have a profile and a membership."""

    id: int
    display_name: str | None = None
    org_type: OrgType | None = None
    org_name: str | None = None
    language: str | None = None
    unreachable: bool = False
    created_at: datetime

    @property
    def has_profile(self) -> bool:
        return bool(self.display_name and self.org_type and self.org_name)


class Membership(_Model):
    team_id: int
    user_id: int
    role: Role
    joined_at: datetime


class MemberView(_Model):
    """A team member with the profile needed to list them."""

    user_id: int
    display_name: str
    org_type: OrgType
    org_name: str
    role: Role
    joined_at: datetime


class Invite(_Model):
    id: int
    team_id: int
    role: Role
    created_by: int
    created_at: datetime
    expires_at: datetime
    used_by: int | None = None
    used_at: datetime | None = None
    revoked_at: datetime | None = None


class GroupChat(_Model):
    chat_id: int
    title: str
    team_id: int | None
    added_by: int | None
    added_at: datetime


class Draft(_Model):
    """A half-finished dialogue, stored at every step so a restart loses nothing."""

    user_id: int
    kind: str
    step: str
    team_id: int | None = None
    data: dict[str, Any] = {}
    updated_at: datetime


class AuditEvent(_Model):
    id: int
    at: datetime
    actor_id: int | None
    action: str
    team_id: int | None
    object_type: str | None
    object_id: str | None
    details: dict[str, Any] = {}
