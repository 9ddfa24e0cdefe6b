"""``/documents``: a coordinator (or an administrator, for any team) takes the documents of a
past meeting — agenda, attendance sheet, zápis as PDF or DOCX — generated afresh at each
press, so redactions and anonymisation since the meeting apply.

Callback data ``dc:t:<team>`` (team picked), ``dc:l:<team>:<page>`` (the list),
``dc:m:<meeting>`` (one meeting's documents), ``dc:g:<meeting>:<kind>:<format>`` (a document:
kind ``a`` agenda, ``s`` attendance sheet, ``z`` zápis; format ``p`` PDF, ``d`` DOCX),
``dc:c`` (closes the picker). The service re-checks the coordinator role at every press.
"""

from __future__ import annotations

import asyncio

from telegram import Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, filters

from bot.handlers.common import (
    BadButton,
    Rows,
    as_int,
    button,
    guarded,
    keyboard,
    require_actor,
    send_file,
    show,
)
from bot.handlers.context import BotContext
from bot.i18n import Translator
from bot.rendering.agenda import agenda_document, agenda_filename
from bot.rendering.attendance import attendance_document, attendance_filename
from bot.rendering.document import to_docx, to_pdf
from bot.rendering.minutes import zapis_docx, zapis_filename, zapis_pdf
from bot.rendering.problems import escape
from bot.services.documents import DocFormat, DocKind, PastMeeting
from bot.services.errors import NoMinutes

_KINDS = {"a": DocKind.AGENDA, "s": DocKind.SHEET, "z": DocKind.ZAPIS}
_FORMATS = {"p": DocFormat.PDF, "d": DocFormat.DOCX}


@guarded
async def on_documents(update: Update, ctx: BotContext) -> None:
    actor = require_actor(update, ctx)
    t = await ctx.tr(update)
    teams = await ctx.services.documents.teams(actor)
    if not teams:
        await show(update, t._("There are no teams yet."))
        return
    if len(teams) > 1:
        rows: Rows = [[button(team.name, f"dc:t:{team.id}")] for team in teams[:40]]
        rows.append([button("✖ " + t._("Cancel"), "dc:c")])
        await show(update, t._("Documents of which team?"), keyboard(rows))
        return
    await _list(update, ctx, t, teams[0].id, 0)


def _label(t: Translator, past: PastMeeting) -> str:
    mark = "📝 " if past.minuted else "🗓 "
    place = past.meeting.place
    place = place if len(place) <= 24 else place[:23] + "…"
    return mark + t.short_datetime(past.meeting.starts_at) + " · " + place


async def _list(update: Update, ctx: BotContext, t: Translator, team_id: int, page: int) -> None:
    actor = require_actor(update, ctx)
    found = await ctx.services.documents.page(actor, team_id, page)
    if not found.meetings:
        await show(
            update,
            t._(
                "The team {team} has no past meetings yet: documents appear here once a "
                "meeting has taken place.",
                team=escape(found.team.name),
            ),
        )
        return
    lines = [
        t._(
            "Documents of the meetings of the team {team}, newest first.",
            team=escape(found.team.name),
        ),
        t._("📝 the minutes are written; 🗓 the agenda and attendance sheet only."),
    ]
    if found.pages > 1:
        lines.append(t._("Page {page} of {pages}", page=found.page + 1, pages=found.pages))
    rows: Rows = [[button(_label(t, past), f"dc:m:{past.meeting.id}")] for past in found.meetings]
    nav = []
    if found.page > 0:
        nav.append(button("« " + t._("Newer"), f"dc:l:{team_id}:{found.page - 1}"))
    if found.page < found.pages - 1:
        nav.append(button(t._("Older") + " »", f"dc:l:{team_id}:{found.page + 1}"))
    rows.append(nav)
    await show(update, "\n".join(lines), keyboard(rows))


async def _meeting(update: Update, ctx: BotContext, t: Translator, meeting_id: int) -> None:
    actor = require_actor(update, ctx)
    past, team = await ctx.services.documents.meeting(actor, meeting_id)
    meeting = past.meeting
    lines = [
        t._(
            "Meeting of the team {team}: {when} · {place}",
            team=escape(team.name),
            when=t.datetime(meeting.starts_at),
            place=escape(meeting.place),
        ),
        t._("Which document? It is made afresh from what is stored now."),
    ]
    rows: Rows = [
        [
            button("📋 " + t._("Agenda (PDF)"), f"dc:g:{meeting_id}:a:p"),
            button("📋 " + t._("Agenda (DOCX)"), f"dc:g:{meeting_id}:a:d"),
        ],
        [button("🖊 " + t._("Attendance sheet (PDF)"), f"dc:g:{meeting_id}:s:p")],
    ]
    if past.minuted:
        rows.append(
            [
                button("📝 " + t._("Minutes (PDF)"), f"dc:g:{meeting_id}:z:p"),
                button("📝 " + t._("Minutes (DOCX)"), f"dc:g:{meeting_id}:z:d"),
            ]
        )
    else:
        lines.append(
            t._("The minutes of this meeting have not been finished, so there is no zápis.")
        )
    rows.append([button("« " + t._("Back"), f"dc:l:{team.id}:0")])
    await show(update, "\n".join(lines), keyboard(rows))


async def _send(
    update: Update, ctx: BotContext, t: Translator, meeting_id: int, kind: DocKind, fmt: DocFormat
) -> None:
    actor = require_actor(update, ctx)
    chat = update.effective_chat
    if chat is None:
        return
    match kind:
        case DocKind.ZAPIS:
            try:
                zapis = await ctx.services.documents.zapis(actor, meeting_id, fmt)
            except NoMinutes:  # a stale or forged press: the meeting's screen says why
                await _meeting(update, ctx, t, meeting_id)
                return
            render = zapis_pdf if fmt is DocFormat.PDF else zapis_docx
            data = await asyncio.to_thread(render, t, zapis)
            name = zapis_filename(zapis, fmt.value)
        case DocKind.AGENDA:
            papers = await ctx.services.documents.papers(actor, meeting_id, kind, fmt)
            document = agenda_document(t, papers, ctx.services.documents.clock.now())
            data = await asyncio.to_thread(to_pdf if fmt is DocFormat.PDF else to_docx, document)
            name = agenda_filename(papers.agenda, fmt.value)
        case DocKind.SHEET if fmt is DocFormat.PDF:
            papers = await ctx.services.documents.papers(actor, meeting_id, kind, fmt)
            sheet = attendance_document(t, papers, ctx.services.documents.clock.now())
            data = await asyncio.to_thread(to_pdf, sheet)
            name = attendance_filename(papers, fmt.value)
        case _:
            raise BadButton(kind)
    await send_file(update, ctx, chat.id, data, name)


@guarded
async def on_button(update: Update, ctx: BotContext) -> None:
    query = update.callback_query
    parts = (query.data or "").split(":") if query else []
    if len(parts) < 2 or parts[0] != "dc":
        raise BadButton(parts)
    t = await ctx.tr(update)
    match parts[1:]:
        case ["c"]:
            await show(update, t._("Cancelled."))
        case ["t", team]:
            await _list(update, ctx, t, as_int(team), 0)
        case ["l", team, page]:
            await _list(update, ctx, t, as_int(team), as_int(page))
        case ["m", meeting]:
            await _meeting(update, ctx, t, as_int(meeting))
        case ["g", meeting, kind, fmt] if kind in _KINDS and fmt in _FORMATS:
            await _send(update, ctx, t, as_int(meeting), _KINDS[kind], _FORMATS[fmt])
        case _:
            raise BadButton(parts)


def register(app: Application) -> None:  # type: ignore[type-arg]
    app.add_handler(CommandHandler("documents", on_documents, filters=filters.ChatType.PRIVATE))
    app.add_handler(CallbackQueryHandler(on_button, pattern=r"^dc:"))
