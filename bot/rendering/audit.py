"""Audit entries said in the reader's language: ``12. 11. 2026 9:05 · Petra Koordinátorová ·
otevření #3 (jen pro koordinátory) · tým Poruba`` (nouns, never gendered verbs), and the CSV
export (UTF-8 with BOM, ``;`` separator, as spreadsheet programs in Czech expect)."""

from __future__ import annotations

import csv
import io

from bot.domain.periods import Period, PeriodError
from bot.i18n import N_, Translator
from bot.rendering.exports import period_label
from bot.rendering.problems import escape
from bot.storage.audit_log import AuditEntry


def actor_name(t: Translator, entry: AuditEntry) -> str:
    if entry.actor_id is None:
        return t._("the bot")
    return entry.actor_name or f"id {entry.actor_id}"


def action_text(t: Translator, entry: AuditEntry, names: dict[int, str]) -> str:
    """What was done, as a noun phrase (plain text)."""
    number = entry.object_id or "?"
    who = ""
    if entry.object_type == "user" and entry.object_id:
        who = names.get(int(entry.object_id), f"id {entry.object_id}")
    labels = {
        "problem.read_confidential": lambda: t._("opening of #{n} (coordinators only)", n=number),
        "problem.create": lambda: t._("report of #{n}", n=number),
        "problem.status": lambda: t._("status change of #{n}", n=number),
        "problem.duplicate": lambda: t._(
            "merge of #{n} into #{original}",
            n=number,
            original=entry.details.get("original", "?"),
        ),
        "problem.confidentiality": lambda: t._("visibility change of #{n}", n=number),
        "problem.anonymised": lambda: t._("anonymisation of #{n}", n=number),
        "problem.still_solved": lambda: t._("answer whether #{n} is still solved", n=number),
        "problem.personal_data_confirmed": lambda: t._(
            "report #{n} sent despite the personal data warning", n=number
        ),
        "member.join": lambda: t._("joining the team with an invite"),
        "member.role": lambda: t._("role change: {who}", who=who),
        "member.remove": lambda: t._("removal from the team: {who}", who=who),
        "invite.create": lambda: t._("invite created"),
        "invite.open": lambda: t._("invite opened"),
        "text.edited": lambda: t._("text edited on #{n}", n=number),
        "text.redacted": lambda: t._("text redacted on #{n}", n=number),
        "photo.removed": lambda: t._("photo removed from #{n}", n=number),
        "invite.lockout": lambda: t._("too many wrong invite codes: locked out for a while"),
        "invite.revoke": lambda: t._("invite revoked"),
        "team.create": lambda: t._("team created"),
        "team.rename": lambda: t._("team renamed"),
        "team.archive": lambda: t._("team archived"),
        "team.quiet_hours": lambda: t._("quiet hours changed"),
        "problem.move": lambda: t._("#{n} moved to another team", n=number),
        "problem.withdraw": lambda: t._("#{n} withdrawn by its reporter", n=number),
        "task.reassign": lambda: t._("task given to someone else"),
        "task.deadline": lambda: t._("task deadline changed"),
        "task.release": lambda: t._("tasks of a departed member back to the coordinators"),
        "member.leave": lambda: t._("member left the team"),
        "privacy.export": lambda: t._("personal data export (/mydata): {who}", who=who),
        "privacy.erase": lambda: t._("person erased on request"),
        "admin.add": lambda: t._("administrator added: {who}", who=who),
        "admin.remove": lambda: t._("administrator removed: {who}", who=who),
        "audit.export": lambda: t._("audit export"),
        "data.export": lambda: _data_export(t, entry),
        "audit.purged": lambda: t._(
            "old audit entries deleted: {n}", n=entry.details.get("removed", "?")
        ),
        "team.group_notices": lambda: t._("group notices setting changed"),
        "group.link": lambda: t._("linking of a group"),
        "group.unlink": lambda: t._("unlinking of a group"),
        "locality.add": lambda: t._("locality added"),
        "locality.rename": lambda: t._("locality renamed"),
        "locality.retire": lambda: t._("locality retired"),
        "locality.restore": lambda: t._("locality restored"),
        "meeting.schedule": lambda: t._("meeting scheduled"),
        "meeting.move": lambda: t._("meeting moved"),
        "meeting.place": lambda: t._("meeting place changed"),
        "meeting.cancel": lambda: t._("meeting cancelled"),
        "meeting.series_end": lambda: t._("meeting series cancelled"),
        "meeting.minutes": lambda: t._("meeting minutes"),
        "meeting.document": lambda: t._("meeting document taken (/documents)"),
        "meeting.guest_add": lambda: t._("meeting guest added"),
        "meeting.guest_remove": lambda: t._("meeting guest removed"),
        "task.create": lambda: t._("task created"),
        "proposal.accepted": lambda: t._("acceptance of a proposal"),
        "proposal.rejected": lambda: t._("rejection of a proposal"),
        "profile.update": lambda: t._("profile updated"),
        "retention.notice": lambda: t._("notice of an anonymisation"),
        "retention.guests": lambda: t._("guests of old meetings removed"),
    }
    label = labels.get(entry.action)
    if label is not None:
        return label()
    if entry.object_type == "problem":
        return f"{entry.action} #{number}"
    return entry.action


_EXPORTED = {"p": N_("problems"), "t": N_("tasks"), "m": N_("meetings")}


def _data_export(t: Translator, entry: AuditEntry) -> str:
    """``export (/export): problémy, 2026, 120 řádků, celé město``"""
    details = entry.details
    what = _EXPORTED.get(str(details.get("what")), "")
    parts = [t._(what)] if what else []
    if details.get("period"):
        try:
            parts.append(period_label(t, Period.from_code(str(details["period"]))))
        except PeriodError:
            parts.append(str(details["period"]))
    if isinstance(details.get("rows"), int):
        parts.append(t.n_("{n} row", "{n} rows", details["rows"]))
    if details.get("city"):
        parts.append(t._("the whole city"))
    return t._("export (/export)") + (": " + ", ".join(parts) if parts else "")


def entry_line(t: Translator, entry: AuditEntry, names: dict[int, str]) -> str:
    """One line of the list (HTML)."""
    parts = [
        t.short_datetime(entry.at),
        escape(actor_name(t, entry)),
        escape(action_text(t, entry, names)),
    ]
    if entry.team_name:
        parts.append(t._("team {team}", team=escape(entry.team_name)))
    return " · ".join(parts)


def _cell(value: object) -> str:
    """A cell a spreadsheet shows as text (a name like ``=1+1`` is not run as a formula)."""
    text = str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


def audit_csv(t: Translator, entries: list[AuditEntry], names: dict[int, str]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(
        [t._("time"), t._("who"), t._("user id"), t._("what"), t._("action"), t._("team")]
    )
    for entry in entries:
        writer.writerow(
            [
                _cell(v)
                for v in (
                    t.short_datetime(entry.at),
                    actor_name(t, entry),
                    entry.actor_id if entry.actor_id is not None else "",
                    action_text(t, entry, names),
                    entry.action,
                    entry.team_name or "",
                )
            ]
        )
    return out.getvalue().encode("utf-8-sig")
