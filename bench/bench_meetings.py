"""Meetings at scale, in-process against the emulator (no network).

Run: .venv/bin/python bench/bench_meetings.py [members] [problems]
Prints the time of /agenda (compiling and splitting a draft), of a cold agenda PDF, of the agenda
fan-out at the lead time (text + PDF to every member) and of a reminder fan-out.
"""

from __future__ import annotations

import asyncio
import os
import sys
import time
from datetime import UTC, datetime, timedelta

os.environ.setdefault("PTB_TIMEDELTA", "1")


from harness import add_member, ms, running_bot

from bot.domain.models import Role
from bot.domain.problems import Category, Urgency
from bot.i18n import Translator
from bot.rendering import document
from bot.rendering.agenda import agenda_document
from bot.sandbox.emulator import TelegramEmulator
from bot.scheduling.clock import FakeClock
from bot.services.authz import Actor
from bot.services.reports import ReportDraft


async def main(members: int, problems: int) -> None:
    clock = FakeClock(datetime(2026, 11, 24, 8, 0, tzinfo=UTC))
    emu = TelegramEmulator(clock=clock.now)
    admin = emu.user("Správce")
    async with running_bot(emu, admin, clock) as app:
        services = app.bot_data.services
        boss = Actor(user_id=admin.id, is_admin=True)
        team = await services.teams.create(boss, "Poruba")
        people = [
            await add_member(
                app, emu, admin, team.id, f"Člen{i}", Role.COORDINATOR if i == 0 else Role.MEMBER
            )
            for i in range(members)
        ]
        coordinator = people[0]
        categories = list(Category)
        for i in range(problems):
            draft = ReportDraft.new().model_copy(
                update={
                    "category": categories[i % len(categories)],
                    "locality": f"Lokalita s dlouhým názvem číslo {i % 37}",
                    "description": f"Popis situace číslo {i}, opakuje se každý večer u domu.",
                    "urgency": Urgency.ACUTE if i % 10 == 0 else Urgency.NORMAL,
                }
            )
            await services.reports.submit(
                Actor(user_id=people[1].id), team.id, draft, personal_data_confirmed=True
            )
        start = clock.now() + timedelta(days=7)
        meeting = await services.meetings.schedule(
            Actor(user_id=coordinator.id), team.id, start, "Radnice Poruba"
        )
        await app.bot_data.outbox.settle()

        drafts: list[float] = []
        for _ in range(10):
            began = time.perf_counter()
            await coordinator.send("/agenda")
            drafts.append(time.perf_counter() - began)

        papers = await services.agenda.papers(Actor(user_id=coordinator.id), meeting.id)
        t = Translator("cs", app.bot_data.settings.tz)
        pdfs: list[float] = []
        docxs: list[float] = []
        for _ in range(5):
            document._pdf.cache_clear()
            document._docx.cache_clear()
            began = time.perf_counter()
            document.to_pdf(agenda_document(t, papers, clock.now()))
            pdfs.append(time.perf_counter() - began)
            began = time.perf_counter()
            document.to_docx(agenda_document(t, papers, clock.now()))
            docxs.append(time.perf_counter() - began)

        clock.set(start - timedelta(hours=48))
        began = time.perf_counter()
        await app.bot_data.due.run_due()
        app.bot_data.outbox.kick()
        await app.bot_data.outbox.settle()
        fan_out = time.perf_counter() - began
        sent = sum(1 for p in people for m in emu.messages(p.id) if m.document is not None)

        clock.set(start - timedelta(hours=24))
        began = time.perf_counter()
        await app.bot_data.due.run_due()
        app.bot_data.outbox.kick()
        await app.bot_data.outbox.settle()
        reminder = time.perf_counter() - began

        print(f"{members} members, {problems} open problems")
        print(f"/agenda (draft compiled, split, sent): {ms(drafts)}")
        print(f"agenda PDF, cold: {ms(pdfs)}")
        print(f"agenda DOCX, cold: {ms(docxs)}")
        print(f"agenda fan-out at the lead time (text parts + PDF to all): {fan_out:.2f} s")
        print(f"documents delivered so far (.ics + PDF + attendance sheets): {sent}")
        print(f"reminder fan-out: {reminder * 1000:.0f} ms")


if __name__ == "__main__":
    args = [int(a) for a in sys.argv[1:]]
    asyncio.run(main(*(args or [30, 150])))
