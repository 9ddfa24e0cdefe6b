"""Problems as people read them: labels, one-line summaries, the detail and the timeline.

Every user-supplied string goes through :func:`escape`; the output is Telegram HTML.
"""

from __future__ import annotations

import html
import re
from datetime import datetime

from bot.domain.problems import (
    MARK_CLOSE,
    MARK_OPEN,
    Category,
    EventKind,
    Organisation,
    Problem,
    ProblemLine,
    Proposal,
    ProposalStatus,
    Status,
    TimelineEntry,
    Urgency,
)
from bot.domain.tasks import Task, TaskStatus
from bot.i18n import N_, Translator
from bot.rendering.labels import former_member, org_type_name

CATEGORY_NAMES: dict[Category, str] = {
    Category.YOUTH: N_("risky children and youth"),
    Category.EX_OFFENDERS: N_("people after prison"),
    Category.PUBLIC_ORDER: N_("public order and safety"),
    Category.ADDICTION: N_("drugs and addiction"),
    Category.SEX_WORK: N_("sex work"),
    Category.OTHER: N_("other"),
}

URGENCY_NAMES: dict[Urgency, str] = {
    Urgency.NORMAL: N_("normal"),
    Urgency.HIGH: N_("high"),
    Urgency.ACUTE: N_("acute"),
}

URGENCY_MARKS: dict[Urgency, str] = {Urgency.NORMAL: "", Urgency.HIGH: "🟠", Urgency.ACUTE: "🔴"}

STATUS_NAMES: dict[Status, str] = {
    Status.NEW: N_("new"),
    Status.DISCUSSED: N_("under discussion"),
    Status.IN_PROGRESS: N_("being solved"),
    Status.SOLVED: N_("solved"),
    Status.PARTLY_SOLVED: N_("partly solved"),
    Status.CLOSED: N_("closed without a solution"),
    Status.DUPLICATE: N_("duplicate"),
    Status.WITHDRAWN: N_("withdrawn by the reporter"),
}

DESCRIPTION_IN_NOTICE = 600


def escape(text: str) -> str:
    return html.escape(text, quote=True)


def category_name(t: Translator, category: Category) -> str:
    return t._(CATEGORY_NAMES[category])


def urgency_name(t: Translator, urgency: Urgency) -> str:
    return t._(URGENCY_NAMES[urgency])


def urgency_label(t: Translator, urgency: Urgency) -> str:
    mark = URGENCY_MARKS[urgency]
    return f"{mark} {urgency_name(t, urgency)}".strip()


def status_name(t: Translator, status: Status) -> str:
    return t._(STATUS_NAMES[status])


def age(t: Translator, since: datetime, now: datetime) -> str:
    days = max((now - since).days, 0)
    if days == 0:
        return t._("today")
    return t.n_("{n} day", "{n} days", days)


def organisation(t: Translator, org: Organisation) -> str:
    """``OO PČR Poruba — Policie ČR (PČR)``: the type's own parentheses are never nested."""
    return f"{escape(org.name)} — {escape(org_type_name(t, org.org_type))}"


#: what happened to a reporter's problem, as a sentence ending with its headline
STATUS_CHANGE_SENTENCES: dict[Status, str] = {
    Status.NEW: N_("Your problem was reopened: {headline}"),
    Status.DISCUSSED: N_("The team is discussing your problem: {headline}"),
    Status.IN_PROGRESS: N_("Your problem is now being solved: {headline}"),
    Status.SOLVED: N_("Your problem was marked as solved: {headline}"),
    Status.PARTLY_SOLVED: N_("Your problem was marked as partly solved: {headline}"),
    Status.CLOSED: N_("Your problem was closed without a solution: {headline}"),
    Status.DUPLICATE: N_("Your problem was merged with another one: {headline}"),
    Status.WITHDRAWN: N_("Your report was withdrawn: {headline}"),
}


def status_change_sentence(t: Translator, status: Status, headline: str) -> str:
    """What happened to a reporter's problem, said as a sentence (``headline`` is HTML)."""
    return t._(STATUS_CHANGE_SENTENCES[status], headline=headline)


def problem_line(
    t: Translator, line: ProblemLine, now: datetime, team_name: str | None = None
) -> str:
    """``#12 · Zárubecká · drugs and addiction · 🔴 acute · 3 days · new``"""
    parts = [f"<b>#{line.id}</b>"]
    if team_name:
        parts.append(f"[{escape(team_name)}]")
    parts += [escape(line.locality), category_name(t, line.category)]
    if line.urgency is not Urgency.NORMAL:
        parts.append(urgency_label(t, line.urgency))
    parts += [age(t, line.created_at, now), status_name(t, line.status)]
    text = " · ".join(parts)
    return ("🔒 " if line.coordinators_only else "") + text


_MARKED = re.compile(f"{MARK_OPEN}([^{MARK_OPEN}{MARK_CLOSE}]*){MARK_CLOSE}")
_EXCERPT_MAX = 300


def excerpt_html(text: str) -> str:
    """A search excerpt (with :data:`MARK_OPEN` / :data:`MARK_CLOSE` around the matches) as
    HTML: the text escaped, the matches in bold, any stray mark dropped, on one line."""
    one_line = " ".join(text.split())
    if len(one_line) > _EXCERPT_MAX:
        one_line = one_line[:_EXCERPT_MAX] + "…"
    parts: list[str] = []
    position = 0
    for match in _MARKED.finditer(one_line):
        parts.append(_plain(one_line[position : match.start()]))
        if match.group(1):
            parts.append(f"<b>{escape(match.group(1))}</b>")
        position = match.end()
    parts.append(_plain(one_line[position:]))
    return "".join(parts)


def _plain(piece: str) -> str:
    return escape(piece.replace(MARK_OPEN, "").replace(MARK_CLOSE, ""))


def headline(t: Translator, problem: Problem) -> str:
    """``#12 Zárubecká — drugs and addiction``, flagged when acute."""
    text = t._(
        "#{number} {locality} — {category}",
        number=problem.id,
        locality=escape(problem.locality),
        category=category_name(t, problem.category),
    )
    if problem.urgency is Urgency.ACUTE:
        text = "🚨 " + t._("ACUTE") + " · " + text
    return text


def map_link(problem: Problem) -> str | None:
    if problem.latitude is None or problem.longitude is None:
        return None
    lat, lon = f"{problem.latitude:.6f}", f"{problem.longitude:.6f}"
    return f'<a href="https://mapy.cz/zakladni?q={lat},{lon}">{lat}, {lon}</a>'


def problem_facts(t: Translator, problem: Problem, team_name: str) -> list[str]:
    """The fields of a problem, one per line (without the description)."""
    lines = [
        t._("Team: {team}", team=escape(team_name)),
        t._("Locality: {locality}", locality=escape(problem.locality)),
    ]
    link = map_link(problem)
    if link:
        lines.append(t._("Map: {link}", link=link))
    lines += [
        t._("Category: {category}", category=category_name(t, problem.category)),
        t._("Urgency: {urgency}", urgency=urgency_label(t, problem.urgency)),
        t._("Status: {status}", status=status_name(t, problem.status)),
    ]
    if problem.duplicate_of is not None:
        lines.append(t._("Duplicate of #{number}", number=problem.duplicate_of))
    if problem.anonymised_at is not None:
        reporter = t._("anonymised")
    elif problem.reporter_name is None:
        org = problem.reporter_org
        reporter = escape(former_member(t, org.org_type if org is not None else None))
    else:
        reporter = escape(problem.reporter_name)
        if problem.reporter_org is not None and problem.reporter_org.name:
            reporter += f" ({escape(problem.reporter_org.name)})"
    lines.append(
        t._("Reported by {who}, {when}", who=reporter, when=t.short_datetime(problem.created_at))
    )
    if problem.lead is not None:
        lines.append(t._("Lead organisation: {org}", org=organisation(t, problem.lead)))
    if problem.contributors:
        orgs = ", ".join(organisation(t, o) for o in problem.contributors)
        lines.append(t._("Contributing: {orgs}", orgs=orgs))
    if problem.supporters:
        lines.append(
            t.n_("Supported by {n} member", "Supported by {n} members", len(problem.supporters))
        )
    if problem.photos:
        lines.append(t.n_("{n} photo", "{n} photos", len(problem.photos)))
    if problem.coordinators_only:
        lines.append("🔒 " + t._("Visible to coordinators only"))
    return lines


def proposal_lines(t: Translator, index: int, proposal: Proposal) -> list[str]:
    who = escape(proposal.proposer_name or former_member(t, proposal.proposer_org_type))
    head = f"<b>{index}.</b> {escape(proposal.text)}"
    meta = [who, "👍 " + str(len(proposal.supporters))]
    if proposal.responsible is not None:
        meta.append(t._("responsible: {org}", org=escape(org_type_name(t, proposal.responsible))))
    if proposal.status is ProposalStatus.ACCEPTED:
        meta.append("✅ " + t._("accepted"))
    elif proposal.status is ProposalStatus.REJECTED:
        meta.append("❌ " + t._("rejected"))
    lines = [head, "   " + " · ".join(meta)]
    if proposal.reason:
        lines.append("   " + t._("Reason: {reason}", reason=escape(proposal.reason)))
    return lines


def timeline_line(t: Translator, entry: TimelineEntry) -> str:
    who = escape(entry.actor_name or former_member(t, entry.actor_org_type))
    when = t.short_datetime(entry.at)
    return f"{when} — {who}: {_event_text(t, entry)}"


def _event_text(t: Translator, entry: TimelineEntry) -> str:
    text = escape(entry.text)
    match entry.kind:
        case EventKind.CREATED:
            return t._("reported the problem")
        case EventKind.STATUS:
            status = entry.status or Status.NEW
            return t._("changed the status to “{status}”", status=status_name(t, status))
        case EventKind.COMMENT if entry.other_problem is not None:
            return t._("(from #{number}) {text}", number=entry.other_problem, text=text)
        case EventKind.COMMENT:
            return text
        case EventKind.PROPOSAL:
            return t._("proposed: {text}", text=text)
        case EventKind.PROPOSAL_ACCEPTED:
            return t._("accepted a proposal") + (f" ({text})" if text else "")
        case EventKind.PROPOSAL_REJECTED:
            return t._("rejected a proposal") + (f" ({text})" if text else "")
        case EventKind.LEAD:
            if not text:
                return t._("removed the lead organisation")
            return t._("set the lead organisation: {org}", org=text)
        case EventKind.CONTRIBUTOR:
            return t._("added a contributing organisation: {org}", org=text)
        case EventKind.DUPLICATE:
            return t._("marked it a duplicate of #{number}", number=entry.other_problem)
        case EventKind.MERGED:
            return t._("merged duplicate #{number} into it", number=entry.other_problem)
        case EventKind.CONFIDENTIALITY if entry.text == "coordinators":
            return t._("made it visible to coordinators only")
        case EventKind.CONFIDENTIALITY:
            return t._("made it visible to the whole team")
        case EventKind.MOVED:
            return t._("moved it to another team: {teams}", teams=text)
        case EventKind.WITHDRAWN:
            return t._("withdrawn by the reporter")
        case EventKind.EDITED:  # the entry names which text, never the text itself
            return t._("text edited ({what})", what=edited_what(t, entry.text))
        case EventKind.PHOTO_REMOVED:
            return t._("removed a photo")
    return text


def edited_what(t: Translator, kind: str) -> str:
    """Which text an "edited" entry is about (the codes of :class:`TextKind`)."""
    return {
        "d": t._("description"),
        "c": t._("comment"),
        "p": t._("proposal"),
        "n": t._("minutes note"),
    }.get(kind, t._("text"))


def task_line(t: Translator, task: Task, now: datetime) -> str:
    """``• Uklidit hřiště — Jan Novák, MP Ostrava · termín 15. 12. 2026 · po termínu``"""
    owner = ", ".join(escape(x) for x in (task.owner_name, task.owner_org) if x)
    parts = [escape(task.text) + (f" — {owner}" if owner else "")]
    parts.append(t._("by {date}", date=t.date(task.deadline)))
    if task.status is TaskStatus.DONE:
        parts.append("✅ " + t._("done"))
    elif task.status is TaskStatus.BLOCKED:
        parts.append("⛔ " + t._("blocked"))
    elif task.deadline <= now:
        parts.append("⚠ " + t._("overdue"))
    else:
        parts.append(t._("in progress"))
    return "• " + " · ".join(parts)


def detail_lines(
    t: Translator,
    problem: Problem,
    team_name: str,
    proposals: list[Proposal],
    timeline: list[TimelineEntry],
    timeline_total: int,
    tasks: list[Task] | None = None,
    now: datetime | None = None,
) -> list[str]:
    lines = [f"<b>{headline(t, problem)}</b>", *problem_facts(t, problem, team_name), ""]
    if problem.anonymised_at is not None:  # retention: texts, photos and people removed
        when = t.date(problem.anonymised_at)
        return [*lines, "🗄 " + t._("The content was anonymised on {date}.", date=when)]
    lines += escape(problem.description).split("\n")
    if proposals:
        lines += ["", "<b>" + t._("Proposed solutions") + "</b>"]
        for index, proposal in enumerate(proposals, start=1):
            lines += proposal_lines(t, index, proposal)
    if tasks and now is not None:
        lines += ["", "<b>" + t._("Tasks") + "</b>"]
        lines += [task_line(t, task, now) for task in tasks]
    lines += ["", "<b>" + t._("Timeline") + "</b>"]
    hidden = timeline_total - len(timeline)
    if hidden > 0:
        lines.append(t.n_("… {n} older entry", "… {n} older entries", hidden))
    lines += [timeline_line(t, e) for e in timeline]
    return lines


def shorten(text: str, limit: int = DESCRIPTION_IN_NOTICE) -> str:
    """Cut plain text at a word boundary (before escaping, so no entity is cut)."""
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0]
    return cut.rstrip() + " …"
