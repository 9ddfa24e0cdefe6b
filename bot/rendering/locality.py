"""The locality card as Telegram HTML lines (``/locality``)."""

from __future__ import annotations

from datetime import datetime

from bot.domain.locality_card import NEAR_METRES, LocalityCard, LocalityRef, PinnedLine
from bot.domain.problems import Urgency
from bot.i18n import Translator
from bot.rendering.agenda import task_item
from bot.rendering.minutes import outcome_name
from bot.rendering.problems import (
    age,
    category_name,
    escape,
    shorten,
    status_name,
    urgency_label,
)

#: characters of a task's text on the card
TASK_TEXT_MAX = 80


def locality_title(t: Translator, ref: LocalityRef) -> str:
    """``📍 Dubina · team Jih``"""
    return "📍 <b>{name}</b> · {team}".format(
        name=escape(ref.name), team=t._("team {name}", name=escape(ref.team_name))
    )


def choice_label(ref: LocalityRef, with_team: bool) -> str:
    return f"{ref.name} · {ref.team_name}" if with_team else ref.name


def _open_line(t: Translator, p: PinnedLine, now: datetime) -> str:
    """``#12 · drugs and addiction · 🔴 acute · 35 days``"""
    parts = [f"<b>#{p.id}</b>", category_name(t, p.category)]
    if p.urgency is not Urgency.NORMAL:
        parts.append(urgency_label(t, p.urgency))
    parts.append(age(t, p.created_at, now))
    return ("🔒 " if p.coordinators_only else "") + " · ".join(parts)


def card_lines(t: Translator, card: LocalityCard, now: datetime) -> list[str]:
    lines = [locality_title(t, card.locality)]
    if card.empty:
        lines.append(
            t._(
                "No problem has been reported in this locality yet. "
                "When one is, you will find it here."
            )
        )
        return lines
    lines.append(
        t._(
            "Problems: {total} · open: {open} · solved: {solved}",
            total=card.total,
            open=card.open_total,
            solved=card.solved_total,
        )
    )
    if card.has_trend:
        lines += [
            "",
            "<b>" + t._("By quarter") + "</b> " + t._("(reported / solved / open at the end)"),
        ]
        for q in card.quarters:
            lines.append(
                t._("Q{quarter} {year}", quarter=q.quarter, year=q.year)
                + f": {q.new} / {q.solved} / {q.open_at_end}"
            )
    lines += ["", "<b>" + t._("Open problems") + "</b>"]
    if not card.open_problems:
        lines.append(t._("None open."))
    lines += [_open_line(t, p, now) for p in card.open_problems]
    if card.open_total > len(card.open_problems):
        more = card.open_total - len(card.open_problems)
        lines.append(t.n_("… and {n} more (/problems)", "… and {n} more (/problems)", more))
    if card.discussions:
        lines += ["", "<b>" + t._("Discussed at meetings") + "</b>"]
        for d in card.discussions:
            lines.append(
                f"{t.date(d.starts_at)} · #{d.problem_id} · {escape(outcome_name(t, d.outcome))}"
            )
    if card.tasks:
        lines += ["", "<b>" + t._("Open tasks") + "</b>"]
        for task in card.tasks:  # shortened, so that the card stays one message
            short = task.model_copy(update={"text": shorten(task.text, TASK_TEXT_MAX)})
            lines.append("• " + escape(task_item(t, short, now)))
        if card.tasks_total > len(card.tasks):
            more = card.tasks_total - len(card.tasks)
            lines.append(t.n_("… and {n} more (/tasks)", "… and {n} more (/tasks)", more))
    if card.nearby:
        lines += ["", "<b>" + t._("Nearby (within {m} m)", m=round(NEAR_METRES)) + "</b>"]
        for near in card.nearby:
            p = near.problem
            parts = [
                f"<b>#{p.id}</b>",
                escape(p.locality),
                category_name(t, p.category),
                t._("{m} m", m=round(near.metres)),
                status_name(t, p.status),
            ]
            lines.append(("🔒 " if p.coordinators_only else "") + " · ".join(parts))
        if card.centre == "problems":
            lines.append(
                "<i>"
                + t._("Measured from the pins of its problems (the locality has no pin).")
                + "</i>"
            )
    return lines
