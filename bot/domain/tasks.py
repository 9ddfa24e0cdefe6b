"""Tasks (úkoly): actions agreed at a meeting, with an owner and a deadline."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict


class TaskStatus(StrEnum):
    OPEN = "open"  # otevřený
    DONE = "done"  # hotovo
    BLOCKED = "blocked"  # zablokováno


class Task(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: int
    team_id: int
    problem_id: int | None
    meeting_id: int | None
    text: str
    owner_id: int | None
    owner_name: str | None  # the owner's display name, when the owner is a member
    owner_org: str | None  # an organisation responsible (with or without a member)
    deadline: datetime
    status: TaskStatus
    created_at: datetime
    updated_at: datetime

    @property
    def is_finished(self) -> bool:
        return self.status is TaskStatus.DONE
