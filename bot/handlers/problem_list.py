"""``/problems``: the open problems of my teams, newest first, ten to a page, with filters as
buttons and as arguments (``/problems drogy akutní starší 30 PCR``).

The filter travels in the callback data in a compact form (``pl:2:cA.uA.a30``), decoded and
validated at every press; a locality is named there by a short hash of its key.
"""

from __future__ import annotations

import hashlib
import re
from typing import Any

from telegram import Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, filters

from bot.domain.models import OrgType
from bot.domain.problems import Category, ProblemFilter, Status, StatusFilter, Urgency
from bot.handlers.common import (
    BadButton,
    Rows,
    button,
    guarded,
    keyboard,
    require_actor,
    send_new,
    show,
)
from bot.handlers.context import BotContext
from bot.i18n import N_, Translator
from bot.rendering.labels import org_type_name
from bot.rendering.problems import (
    category_name,
    escape,
    excerpt_html,
    problem_line,
    status_name,
    urgency_label,
    urgency_name,
)
from bot.rendering.split import split_lines
from bot.services.authz import Actor
from bot.services.problems import ProblemPage, SearchResult, search_terms
from bot.services.text import name_key

AGE_CHOICES = (7, 30, 90, 180)

_CATEGORY_CODES = {
    Category.YOUTH: "Y",
    Category.EX_OFFENDERS: "X",
    Category.PUBLIC_ORDER: "P",
    Category.ADDICTION: "A",
    Category.SEX_WORK: "S",
    Category.OTHER: "O",
}
_STATUS_CODES: dict[Status | StatusFilter, str] = {
    Status.NEW: "n",
    Status.DISCUSSED: "d",
    Status.IN_PROGRESS: "i",
    Status.SOLVED: "s",
    Status.PARTLY_SOLVED: "p",
    Status.CLOSED: "c",
    Status.DUPLICATE: "u",
    Status.WITHDRAWN: "w",
    StatusFilter.ALL: "a",
}
_URGENCY_CODES = {Urgency.NORMAL: "N", Urgency.HIGH: "H", Urgency.ACUTE: "A"}


def locality_hash(key: str) -> str:
    return hashlib.sha1(key.encode()).hexdigest()[:8]


# --- the compact filter in callback data ---------------------------------------------------


def encode(flt: ProblemFilter) -> str:
    parts = []
    if flt.team_id is not None:
        parts.append(f"t{flt.team_id}")
    if flt.category is not None:
        parts.append("c" + _CATEGORY_CODES[flt.category])
    if flt.locality_key is not None:
        parts.append("l" + locality_hash(flt.locality_key))
    if flt.status != StatusFilter.OPEN:
        parts.append("s" + _STATUS_CODES[flt.status])
    if flt.urgency is not None:
        parts.append("u" + _URGENCY_CODES[flt.urgency])
    if flt.older_than_days is not None:
        parts.append(f"a{flt.older_than_days}")
    if flt.org_type is not None:
        parts.append("o" + flt.org_type.value)
    return ".".join(parts) or "-"


def decode(code: str, localities: list[tuple[str, str]]) -> ProblemFilter:
    """Read :func:`encode`'s form back; anything malformed is a bad button."""
    values: dict[str, object] = {}
    if code == "-":
        return ProblemFilter()
    seen: set[str] = set()
    for part in code.split("."):
        tag, value = part[:1], part[1:]
        if not value or tag in seen:
            raise BadButton(code)
        seen.add(tag)
        if tag == "t" and value.isdigit() and len(value) < 16:
            values["team_id"] = int(value)
        elif tag == "c":
            values["category"] = _reverse(_CATEGORY_CODES, value, code)
        elif tag == "l":
            matches = [(k, n) for k, n in localities if locality_hash(k) == value]
            if not matches:
                raise BadButton(code)  # the locality has no problems any more
            values["locality_key"], values["locality"] = matches[0]
        elif tag == "s":
            values["status"] = _reverse(_STATUS_CODES, value, code)
        elif tag == "u":
            values["urgency"] = _reverse(_URGENCY_CODES, value, code)
        elif tag == "a" and value.isdigit() and 0 < int(value) <= 3650:
            values["older_than_days"] = int(value)
        elif tag == "o" and value in OrgType.__members__:
            values["org_type"] = OrgType(value)
        else:
            raise BadButton(code)
    return ProblemFilter.model_validate(values)


def _reverse(codes: dict, value: str, code: str):  # type: ignore[no-untyped-def, type-arg]
    for key, short in codes.items():
        if short == value:
            return key
    raise BadButton(code)


# --- filters typed as arguments --------------------------------------------------------------

_TOKEN = re.compile(r"[^\W_]+|>")
_AGE = re.compile(r"^(\d{1,4})(d|dni|dnu|den|days?)?$")
_OLDER_WORDS = ("starsi", "starsich", "older", ">")
_THAN_WORDS = ("nez", "than")
_DAY_WORDS = ("d", "dni", "dnu", "den", "day", "days")
_ALIASES: dict[str, tuple[str, object]] = {
    "drogy": ("category", Category.ADDICTION),
    "mladez": ("category", Category.YOUTH),
    "deti": ("category", Category.YOUTH),
    "poradek": ("category", Category.PUBLIC_ORDER),
    "trest": ("category", Category.EX_OFFENDERS),
    "vezeni": ("category", Category.EX_OFFENDERS),
    "sex": ("category", Category.SEX_WORK),
    "jine": ("category", Category.OTHER),
    "pcr": ("org_type", OrgType.PCR),
    "policie": ("org_type", OrgType.PCR),
    "mp": ("org_type", OrgType.MPO),
    "mestska policie": ("org_type", OrgType.MPO),
    "nno": ("org_type", OrgType.NNO),
    "umob": ("org_type", OrgType.UMOB),
    "skola": ("org_type", OrgType.ZS),
    "zs": ("org_type", OrgType.ZS),
    "magistrat": ("org_type", OrgType.MMO),
    "vse": ("status", StatusFilter.ALL),
    "vsechny": ("status", StatusFilter.ALL),
    "vsechno": ("status", StatusFilter.ALL),
    "all": ("status", StatusFilter.ALL),
    "otevrene": ("status", StatusFilter.OPEN),
    "otevreny": ("status", StatusFilter.OPEN),
    "open": ("status", StatusFilter.OPEN),
    "nove": ("status", Status.NEW),
    "nova": ("status", Status.NEW),
    "projednavane": ("status", Status.DISCUSSED),
    "resene": ("status", Status.IN_PROGRESS),
    "vyresene": ("status", Status.SOLVED),
    "vyreseny": ("status", Status.SOLVED),
    "castecne vyresene": ("status", Status.PARTLY_SOLVED),
    "castecne": ("status", Status.PARTLY_SOLVED),
    "uzavrene": ("status", Status.CLOSED),
    "uzavreno": ("status", Status.CLOSED),
    "uzavreny": ("status", Status.CLOSED),
    "zavrene": ("status", Status.CLOSED),
    "closed": ("status", Status.CLOSED),
    "duplicitni": ("status", Status.DUPLICATE),
    "duplicity": ("status", Status.DUPLICATE),
    "urgent": ("urgency", Urgency.ACUTE),
    "urgentni": ("urgency", Urgency.ACUTE),
}


def tokens(text: str) -> tuple[str, ...]:
    """Words of ``text`` without case, accents and punctuation (``Policie ČR (PČR)`` →
    ``policie cr pcr``)."""
    return tuple(_TOKEN.findall(name_key(text)))


def parse_arguments(
    words: list[str],
    translators: list[Translator],
    localities: list[tuple[str, str]],
    teams: dict[int, str],
) -> tuple[ProblemFilter, list[str]]:
    """A filter from words such as ``drogy akutní starší než 30 dní PČR`` or the labels of the
    filter buttons (``všechny stavy``, ``návykové látky``); also returns what was not
    understood, as typed."""
    values: dict[str, object] = {}
    unknown: list[str] = []
    phrases = _phrases(translators, localities, teams)
    longest = max((len(p) for p in phrases), default=1)
    typed = [(token, word) for word in words for token in tokens(word)]
    keys = [token for token, _ in typed]
    i = 0
    while i < len(keys):
        used = _age(keys, i, values)
        if not used:
            for size in range(min(longest, len(keys) - i), 0, -1):
                found = phrases.get(tuple(keys[i : i + size]))
                if found is not None:
                    for field, value in found.items():
                        values[field] = value
                    used = size
                    break
        if not used:
            found = _prefix(keys[i], localities, teams)
            if found is not None:
                values.update(found)
                used = 1
        if not used:
            word = typed[i][1]
            if word not in unknown:
                unknown.append(word)
            used = 1
        i += used
    return ProblemFilter.model_validate(values), unknown


def _age(keys: list[str], i: int, values: dict[str, object]) -> int:
    """``starší než 30 dní``, ``older than 30 days``, ``> 30``, ``30 dní``, ``30d``: how many
    words the age took (0 if there is none at ``i``)."""
    j = i
    older = keys[j] in _OLDER_WORDS
    if older:
        j += 1
        if j < len(keys) and keys[j] in _THAN_WORDS:
            j += 1
    if j >= len(keys):
        return 0
    match = _AGE.match(keys[j])
    if match is None:
        return 0
    j += 1
    unit = match.group(2) is not None
    if not unit and j < len(keys) and keys[j] in _DAY_WORDS:
        unit = True
        j += 1
    if not (older or unit) or int(match.group(1)) == 0:
        return 0
    values["older_than_days"] = min(int(match.group(1)), 3650)
    return j - i


def _phrases(
    translators: list[Translator], localities: list[tuple[str, str]], teams: dict[int, str]
) -> dict[tuple[str, ...], dict[str, object]]:
    """Every label a filter button shows, in every language, and a few short words."""
    found: dict[tuple[str, ...], dict[str, object]] = {}

    def add(text: str, **fields: object) -> None:
        key = tokens(text)
        if key:
            found.setdefault(key, fields)

    for t in translators:
        add(t._("open"), status=StatusFilter.OPEN)
        add(t._("all statuses"), status=StatusFilter.ALL)
        for status in Status:
            add(status_name(t, status), status=status)
        for category in Category:
            add(category_name(t, category), category=category)
            for word in tokens(category_name(t, category)):  # "návykové", "mládež"
                if len(word) > 3 and word not in ("after", "prison", "public", "order"):
                    add(word, category=category)
        for urgency in Urgency:
            add(urgency_name(t, urgency), urgency=urgency)
        for org in OrgType:
            label = org_type_name(t, org)
            add(label, org_type=org)
            add(label.split("(")[0], org_type=org)  # "Policie ČR" of "Policie ČR (PČR)"
    for text, (field, value) in _ALIASES.items():
        add(text, **{field: value})
    for org in OrgType:
        add(org.value, org_type=org)
    for key, name in localities:
        add(name, locality_key=key, locality=name)
    for team_id, name in teams.items():
        add(name, team_id=team_id)
    return found


def _prefix(
    word: str, localities: list[tuple[str, str]], teams: dict[int, str]
) -> dict[str, object] | None:
    """A locality or team named by the start of its name (at least four letters)."""
    if len(word) < 4:
        return None
    for key, name in localities:
        if tokens(name)[:1] and tokens(name)[0].startswith(word):
            return {"locality_key": key, "locality": name}
    for team_id, name in teams.items():
        if tokens(name)[:1] and tokens(name)[0].startswith(word):
            return {"team_id": team_id}
    return None


def understood(t: Translator) -> list[str]:
    """The short list of what :func:`parse_arguments` understands, for a reply to a word it
    did not."""

    def listed(labels: list[str]) -> str:
        return ", ".join(escape(label) for label in labels)

    return [
        t._("I understand:"),
        "• "
        + t._("Status")
        + ": "
        + listed([t._("open"), t._("all statuses")] + [status_name(t, s) for s in Status]),
        "• " + t._("Category") + ": " + listed([category_name(t, c) for c in Category]),
        "• " + t._("Urgency") + ": " + listed([urgency_name(t, u) for u in Urgency]),
        "• "
        + t._("Age")
        + ": "
        + listed([t.n_("older than {n} day", "older than {n} days", 30), "30d"]),
        "• " + t._("Organisation") + ": " + listed([org_type_name(t, o) for o in OrgType]),
        "• " + t._("Locality") + ", " + t._("Team").lower() + ": " + t._("by name"),
    ]


# --- screens ---------------------------------------------------------------------------------


@guarded
async def on_problems(update: Update, ctx: BotContext) -> None:
    actor = require_actor(update, ctx)
    t = await ctx.tr(update)
    flt = ProblemFilter()
    unknown: list[str] = []
    if ctx.args:
        teams = {team.id: team.name for team in await ctx.services.problems.filter_teams(actor)}
        localities = await ctx.services.problems.filter_localities(actor, flt)
        translators = [t, ctx.translator_for("cs"), ctx.translator_for("en")]
        flt, unknown = parse_arguments(list(ctx.args), translators, localities, teams)
    if unknown and search_terms(unknown):  # words that are no filter are searched for
        found = await ctx.services.problems.search_text(actor, flt, unknown)
        await _show_found(update, ctx, t, found, " ".join(unknown), encode(flt))
        return
    page = await ctx.services.problems.search(actor, flt, 0)
    note = None
    if unknown:
        said = t._("I did not understand: {words}", words=escape(" ".join(unknown)))
        note = "\n".join([said, *understood(t)])
    await _show_page(update, ctx, t, page, note=note, fresh=True)


_HIT_KINDS = {"d": N_("description"), "c": N_("comment"), "p": N_("proposal")}


async def _show_found(
    update: Update, ctx: BotContext, t: Translator, found: SearchResult, typed: str, code: str
) -> None:
    """The problems whose texts contain the words, best first, each with the matching text in
    context; when there is none, what can be filtered by."""
    now = ctx.services.clock.now()
    several = len(found.teams) > 1
    words = escape(typed[:100])
    description = _describe(t, found.filter, found.teams)
    if not found.hits:
        lines = [
            t._("Nothing found for “{words}” ({filter}).", words=words, filter=description),
            t._("I search descriptions, comments and proposals; other words can filter:"),
            *understood(t)[1:],
        ]
        rows: Rows = [[button("✖ " + t._("Clear the search"), f"pl:0:{code}")]]
        await send_new(update, "\n".join(lines), keyboard(rows))
        return
    header = t.n_("{n} problem found", "{n} problems found", found.total)
    lines = [f"<b>{header}</b> · <i>{words}</i> · {description}"]
    if found.total > len(found.hits):
        lines.append(
            t._("The best {n} are shown; add a word or a filter to narrow it.", n=len(found.hits))
        )
    for hit in found.hits:
        team = found.teams[hit.line.team_id] if several else None
        lines.append("")
        lines.append(problem_line(t, hit.line, now, team))
        lines.append(f"   {t._(_HIT_KINDS[hit.kind])}: {excerpt_html(hit.excerpt)}")
    numbers = [button(f"#{hit.line.id}", f"pb:v:{hit.line.id}") for hit in found.hits]
    rows = [numbers[i : i + 5] for i in range(0, len(numbers), 5)]
    rows.append([button("✖ " + t._("Clear the search"), f"pl:0:{code}")])
    parts = split_lines(lines)
    await send_new(update, parts[0], keyboard(rows))


async def _show_page(
    update: Update,
    ctx: BotContext,
    t: Translator,
    page: ProblemPage,
    *,
    note: str | None = None,
    fresh: bool = False,
) -> None:
    now = ctx.services.clock.now()
    several = len(page.teams) > 1
    header = t.n_("{n} problem", "{n} problems", page.total)
    description = _describe(t, page.filter, page.teams)
    lines = [f"<b>{header}</b> · {description}"]
    if note:
        lines.append(note)
    if page.pages > 1:
        lines.append(t._("Page {page} of {pages}", page=page.page + 1, pages=page.pages))
    lines.append("")
    if not page.lines:
        lines.append(t._("Nothing matches."))
    for line in page.lines:
        lines.append(problem_line(t, line, now, page.teams[line.team_id] if several else None))
    code = encode(page.filter)
    rows: Rows = []
    numbers = [button(f"#{line.id}", f"pb:v:{line.id}") for line in page.lines]
    rows += [numbers[i : i + 5] for i in range(0, len(numbers), 5)]
    nav = []
    if page.page > 0:
        nav.append(button("« " + t._("Newer"), f"pl:{page.page - 1}:{code}"))
    if page.page + 1 < page.pages:
        nav.append(button(t._("Older") + " »", f"pl:{page.page + 1}:{code}"))
    rows.append(nav)
    filter_row = [button("🔎 " + t._("Filter"), f"pf:m:{code}")]
    if not page.filter.is_default:
        filter_row.append(button("✖ " + t._("Clear filters"), "pl:0:-"))
    rows.append(filter_row)
    text = "\n".join(lines)
    if len(split_lines(lines)) > 1:  # cannot happen with ten short lines, but never cut
        text = split_lines(lines)[0]
    if fresh:
        await send_new(update, text, keyboard(rows))
    else:
        await show(update, text, keyboard(rows))


def _describe(t: Translator, flt: ProblemFilter, teams: dict[int, str]) -> str:
    parts = []
    if flt.team_id is not None and flt.team_id in teams:
        parts.append(escape(teams[flt.team_id]))
    if flt.status == StatusFilter.OPEN:
        parts.append(t._("open"))
    elif flt.status == StatusFilter.ALL:
        parts.append(t._("all statuses"))
    else:
        parts.append(status_name(t, flt.status))
    if flt.category is not None:
        parts.append(category_name(t, flt.category))
    if flt.locality:
        parts.append(escape(flt.locality))
    if flt.urgency is not None:
        parts.append(urgency_label(t, flt.urgency))
    if flt.older_than_days is not None:
        parts.append(t.n_("older than {n} day", "older than {n} days", flt.older_than_days))
    if flt.org_type is not None:
        parts.append(escape(org_type_name(t, flt.org_type)))
    return ", ".join(parts)


@guarded
async def on_page(update: Update, ctx: BotContext) -> None:
    page_text, code = _args(update, "pl")
    if not page_text.isdigit() or len(page_text) > 6:
        raise BadButton(page_text)
    actor = require_actor(update, ctx)
    flt = decode(code, await ctx.services.problems.filter_localities(actor, ProblemFilter()))
    page = await ctx.services.problems.search(actor, flt, int(page_text))
    await _show_page(update, ctx, await ctx.tr(update), page)


@guarded
async def on_filter(update: Update, ctx: BotContext) -> None:
    """``pf:<field>:<filter>``: the choices for one field (or the menu of fields)."""
    field, code = _args(update, "pf")
    actor = require_actor(update, ctx)
    t = await ctx.tr(update)
    localities = await ctx.services.problems.filter_localities(actor, ProblemFilter())
    flt = decode(code, localities)
    rows: Rows = []
    if field == "m":
        choices = [
            ("c", t._("Category")),
            ("l", t._("Locality")),
            ("s", t._("Status")),
            ("u", t._("Urgency")),
            ("a", t._("Age")),
            ("o", t._("Organisation")),
        ]
        if len(await ctx.services.problems.filter_teams(actor)) > 1:
            choices.insert(0, ("t", t._("Team")))
        buttons = [button(label, f"pf:{key}:{code}") for key, label in choices]
        rows = [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
        rows.append([button("« " + t._("Back"), f"pl:0:{code}")])
        await show(update, t._("Filter the problems by:"), keyboard(rows))
        return
    options = await _options(ctx, t, actor, field, localities)
    for label, update_values in options:
        changed = flt.model_copy(update=update_values)
        rows.append([button(label, f"pl:0:{encode(changed)}")])
    rows.append([button("« " + t._("Back"), f"pf:m:{code}")])
    await show(update, t._("Choose:"), keyboard(rows))


async def _options(
    ctx: BotContext,
    t: Translator,
    actor: Actor,
    field: str,
    localities: list[tuple[str, str]],
) -> list[tuple[str, dict[str, Any]]]:
    anything = "— " + t._("any") + " —"
    match field:
        case "t":
            teams = await ctx.services.problems.filter_teams(actor)
            return [(anything, {"team_id": None})] + [
                (team.name, {"team_id": team.id}) for team in teams
            ]
        case "c":
            return [(anything, {"category": None})] + [
                (category_name(t, c), {"category": c}) for c in Category
            ]
        case "l":
            return [(anything, {"locality_key": None, "locality": None})] + [
                (name, {"locality_key": key, "locality": name}) for key, name in localities[:40]
            ]
        case "s":
            return [
                (t._("open"), {"status": StatusFilter.OPEN}),
                (t._("all statuses"), {"status": StatusFilter.ALL}),
            ] + [(status_name(t, s), {"status": s}) for s in Status if s is not Status.WITHDRAWN]
        case "u":
            return [(anything, {"urgency": None})] + [
                (urgency_label(t, u), {"urgency": u}) for u in Urgency
            ]
        case "a":
            return [(anything, {"older_than_days": None})] + [
                (t.n_("older than {n} day", "older than {n} days", d), {"older_than_days": d})
                for d in AGE_CHOICES
            ]
        case "o":
            return [(anything, {"org_type": None})] + [
                (org_type_name(t, o), {"org_type": o}) for o in OrgType
            ]
    raise BadButton(field)


def _args(update: Update, prefix: str) -> tuple[str, str]:
    query = update.callback_query
    data = query.data if query is not None else None
    if not data or not data.startswith(prefix + ":"):
        raise BadButton(data)
    parts = data.split(":")
    if len(parts) != 3 or not parts[1] or not parts[2]:
        raise BadButton(data)
    return parts[1], parts[2]


def register(app: Application) -> None:  # type: ignore[type-arg]
    app.add_handler(CommandHandler("problems", on_problems, filters=filters.ChatType.PRIVATE))
    app.add_handler(CallbackQueryHandler(on_page, pattern=r"^pl:"))
    app.add_handler(CallbackQueryHandler(on_filter, pattern=r"^pf:"))
