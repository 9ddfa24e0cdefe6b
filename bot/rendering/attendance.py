"""The attendance sheet (prezenční listina) of a meeting, in the documents' one style: every
member with their organisation and their answer to the invitation, the guests recorded so far,
empty rows for more guests, and an empty column to sign in."""

from __future__ import annotations

from datetime import datetime

from bot.domain.agenda import AgendaPapers
from bot.domain.meetings import Answer
from bot.i18n import N_, Translator
from bot.rendering import document as doc

#: the answer as the sheet writes it (přijdu / nepřijdu / možná)
ANSWER_CELLS = {
    Answer.YES: N_("will come"),
    Answer.NO: N_("will not come"),
    Answer.MAYBE: N_("maybe"),
}
#: at least this many empty rows for guests who come unannounced
BLANK_GUEST_ROWS = 5
#: and the guests' table has at least this many rows
MIN_GUEST_ROWS = 8


def answer_cell(t: Translator, answer: Answer | None) -> str:
    return t._(ANSWER_CELLS[answer]) if answer else t._("no answer")


def attendance_document(t: Translator, papers: AgendaPapers, now: datetime) -> doc.Document:
    agenda = papers.agenda
    meeting = agenda.meeting
    b = doc.Builder(
        t, team=doc.team_label(t, agenda.team_name), title=t._("Attendance sheet"), created=now
    )
    b.title_block(
        subtitle=doc.meeting_heading(t, agenda.team_name, papers.number, meeting),
        fields=doc.meeting_fields(t, meeting),
    )
    number, name, org = t._("No."), t._("Name"), t._("Organisation")
    signature = t._("Signature")
    b.heading(t._("Members of the team ({n})", n=len(papers.attendance)))
    b.table(
        [
            doc.Column(number, 0.6, "R"),
            doc.Column(name, 3.2),
            doc.Column(org, 3.6),
            doc.Column(t._("Answer"), 1.6, "C"),
            doc.Column(signature, 2.6),
        ],
        [
            (f"{n}.", line.display_name, line.org_name, answer_cell(t, line.answer), "")
            for n, line in enumerate(papers.attendance, start=1)
        ],
        tall=True,
    )
    b.paragraph(
        t._(
            "Answers as given to the invitation in Telegram by {moment}.",
            moment=t.short_datetime(now),
        ),
        muted=True,
    )
    b.heading(t._("Guests"))
    guests = [(guest.name, guest.org or "") for guest in papers.guests]
    guests += [("", "")] * max(BLANK_GUEST_ROWS, MIN_GUEST_ROWS - len(guests))
    # numbered to the last empty row, as a sheet passed round the table is
    guest_rows = [(f"{n}.", name, org, "") for n, (name, org) in enumerate(guests, start=1)]
    b.table(
        [
            doc.Column(number, 0.6, "R"),
            doc.Column(name, 3.2),
            doc.Column(org, 5.2),
            doc.Column(signature, 2.6),
        ],
        guest_rows,
        tall=True,
    )
    b.paragraph(t._("Present in total: ________"), bold=True)
    return b.build()


def attendance_filename(papers: AgendaPapers, ext: str = "pdf") -> str:
    return doc.filename("prezencni-listina", papers.agenda.meeting.local_start, ext)
