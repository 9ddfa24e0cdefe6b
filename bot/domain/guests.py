"""Guests at a meeting: people from outside the team (no Telegram needed), for the zápis."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class Guest(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: int
    meeting_id: int
    name: str
    org: str | None
