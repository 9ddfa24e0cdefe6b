"""``/report``: team → category → locality → (similar open problems?) → description → photos
→ urgency → preview with personal-data warnings → send.

Every answer is stored in the dialogue draft before the next question is shown, so a restart
loses nothing; every button press re-reads the draft and re-checks the membership.
"""

from __future__ import annotations

import re

from telegram import Message, Update
from telegram.error import BadRequest
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, filters

from bot.domain.models import Draft
from bot.domain.problems import Category, Photo, Urgency
from bot.handlers.common import (
    BadButton,
    Rows,
    as_int,
    button,
    edit_message,
    escape,
    explain,
    guarded,
    keyboard,
    lead_in,
    nav_row,
    require_actor,
    show,
)
from bot.handlers.context import BotContext
from bot.handlers.delivery import Undelivered
from bot.handlers.dialogue import (
    DialogueSteps,
    current_draft,
    finding_lines,
    first_of_album,
    register_dialogue,
    stale_press,
)
from bot.i18n import Translator
from bot.rendering.problems import category_name, problem_line, shorten, urgency_label
from bot.services.authz import Action
from bot.services.dialogues import COMMENT, REPORT
from bot.services.errors import InputProblem, InvalidInput
from bot.services.localities import clean_locality_name
from bot.services.reports import (
    DESCRIPTION_MAX,
    DESCRIPTION_MIN,
    MAX_PHOTO_BYTES,
    MAX_PHOTOS,
    PHOTO_TYPES,
    ReportDraft,
    clean_description,
)

TEAM, CATEGORY, LOCALITY, LOCALITY_NAME, SIMILAR = (
    "team",
    "category",
    "locality",
    "place",
    "similar",
)
DESCRIPTION, PHOTOS, URGENCY, PREVIEW = "description", "photos", "urgency", "preview"

#: where Back leads from each step (CATEGORY goes to TEAM only when there is a choice)
_PREVIOUS = {
    LOCALITY: CATEGORY,
    LOCALITY_NAME: LOCALITY,
    SIMILAR: LOCALITY,
    DESCRIPTION: LOCALITY,
    PHOTOS: DESCRIPTION,
    URGENCY: PHOTOS,
    PREVIEW: URGENCY,
}


def _report(draft: Draft) -> ReportDraft:
    try:
        return ReportDraft.model_validate(draft.data.get("report", {}))
    except ValueError:
        raise BadButton("report draft") from None


async def _save(
    ctx: BotContext, draft: Draft, step: str, report: ReportDraft, **extra: object
) -> Draft:
    return await ctx.services.dialogues.advance(
        draft, step, report=report.model_dump(mode="json"), **extra
    )


# --- starting ------------------------------------------------------------------------------


@guarded
async def on_report(update: Update, ctx: BotContext) -> None:
    actor = require_actor(update, ctx)
    t = await ctx.tr(update)
    teams = await ctx.services.reports.teams(actor)
    if not teams:
        await show(update, t._("There are no teams yet."))
        return
    report = ReportDraft.new().model_dump(mode="json")
    if len(teams) == 1:
        draft = await ctx.services.dialogues.start(
            actor.user_id,
            REPORT,
            CATEGORY,
            team_id=teams[0].id,
            data={"report": report, "several_teams": False},
        )
    else:
        draft = await ctx.services.dialogues.start(
            actor.user_id, REPORT, TEAM, data={"report": report, "several_teams": True}
        )
    await _prompt(update, ctx, t, draft)


async def _prompt(
    update: Update, ctx: BotContext, t: Translator, draft: Draft, lead: str = ""
) -> Message | None:
    """Show the question of the draft's current step (after ``lead``, if any)."""
    report = _report(draft)
    text, rows = await _question(update, ctx, t, draft, report)
    return await show(update, lead_in(lead, text), keyboard(rows))


async def _question(
    update: Update, ctx: BotContext, t: Translator, draft: Draft, report: ReportDraft
) -> tuple[str, Rows]:
    back = draft.step != TEAM and (draft.step != CATEGORY or bool(draft.data.get("several_teams")))
    nav = nav_row(t, back=back, step=draft.step)
    match draft.step:
        case "team":
            teams = await ctx.services.reports.teams(require_actor(update, ctx))
            rows = [[button(team.name, f"rp:t:{team.id}")] for team in teams]
            return t._("Which team is the problem for?"), [*rows, nav]
        case "category":
            buttons = [button(category_name(t, c), f"rp:c:{c.value}") for c in Category]
            rows = [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
            return t._("What kind of problem is it?"), [*rows, nav]
        case "locality":
            assert draft.team_id is not None
            actor = require_actor(update, ctx)
            localities = await ctx.services.localities.active(actor, draft.team_id)
            buttons = [button(loc.name, f"rp:l:{loc.id}") for loc in localities]
            rows = [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
            text = t._(
                "Where is it? Pick a locality, write the place (e.g. <i>Zárubecká 12, "
                "courtyard</i>), or share a location pin (📎 → Location)."
            )
            return text, [*rows, nav]
        case "place":
            return (
                t._(
                    "I have the pin, but it is not near any of the team's localities. "
                    "How should the place be called? E.g. <i>park behind the swimming pool</i>."
                ),
                [nav],
            )
        case "similar":
            return await _similar_question(update, ctx, t, draft, report, nav)
        case "description":
            text = t._(
                "Describe the problem: what happens, when, how often. At least {min} characters, "
                "at most {max}. Describe the situation, not named people.",
                min=DESCRIPTION_MIN,
                max=f"{DESCRIPTION_MAX:,}".replace(",", "\u00a0"),
            )
            if report.description:
                text += "\n\n" + t._("So far:") + "\n" + escape(shorten(report.description, 500))
                rows = [[button(t._("Keep this description"), "rp:keep")]]
                return text, [*rows, nav]
            return text, [nav]
        case "photos":
            count = len(report.photos)
            if count:
                text = t.n_(
                    "{n} photo added. Send more, or tap Done.",
                    "{n} photos added. Send more, or tap Done.",
                    count,
                )
                rows = [[button("✔ " + t._("Done"), "rp:p:done")]]
                rows.append([button(t._("Remove the photos"), "rp:p:clear")])
            else:
                text = t._(
                    "Send photos if you have them (up to {n}), or skip this step.", n=MAX_PHOTOS
                )
                rows = [[button(t._("Skip"), "rp:p:done")]]
            return text, [*rows, nav]
        case "urgency":
            rows = [[button(urgency_label(t, u), f"rp:u:{u.value}")] for u in Urgency]
            return t._("How urgent is it?"), [*rows, nav]
        case "preview":
            return await _preview(update, ctx, t, draft, report, nav)
    raise BadButton(draft.step)


async def _similar_question(
    update: Update,
    ctx: BotContext,
    t: Translator,
    draft: Draft,
    report: ReportDraft,
    nav: list,  # type: ignore[type-arg]
) -> tuple[str, Rows]:
    assert draft.team_id is not None
    found = await ctx.services.reports.similar(require_actor(update, ctx), draft.team_id, report)
    now = ctx.services.clock.now()
    lines = [
        t.n_(
            "There already is {n} open problem of this kind here:",
            "There already are {n} open problems of this kind here:",
            len(found),
        ),
        *(problem_line(t, line, now) for line in found[:5]),
        "",
        t._("You can support it or add a comment instead of a new report."),
    ]
    rows: Rows = []
    for line in found[:5]:
        rows.append(
            [
                button("👍 " + t._("Support #{n}", n=line.id), f"rp:sup:{line.id}"),
                button("💬 " + t._("Comment #{n}", n=line.id), f"rp:com:{line.id}"),
            ]
        )
    rows.append([button(t._("Report a new problem anyway"), "rp:new")])
    return "\n".join(lines), [*rows, nav]


async def _preview(
    update: Update,
    ctx: BotContext,
    t: Translator,
    draft: Draft,
    report: ReportDraft,
    nav: list,  # type: ignore[type-arg]
) -> tuple[str, Rows]:
    assert report.category and report.urgency and report.description and report.locality
    lines = ["<b>" + t._("Check your report before sending:") + "</b>"]
    if draft.data.get("several_teams"):  # a person in several teams sees which one it goes to
        teams = await ctx.services.reports.teams(require_actor(update, ctx))
        name = next((team.name for team in teams if team.id == draft.team_id), "?")
        lines.append(t._("Team: {team}", team=escape(name)))
    lines += [
        t._("Category: {category}", category=category_name(t, report.category)),
        t._("Locality: {locality}", locality=escape(report.locality)),
        t._("Urgency: {urgency}", urgency=urgency_label(t, report.urgency)),
        t.n_("{n} photo", "{n} photos", len(report.photos)),
        (
            "🔒 " + t._("Visible to coordinators only")
            if report.coordinators_only
            else t._("Visible to the whole team")
        ),
        "",
        escape(report.description),
    ]
    findings = report.findings()
    rows: Rows = []
    if findings:
        lines += ["", *finding_lines(t, findings)]
        lines.append(
            t._(
                "Reports are about places and situations, not named people. "
                "Please edit the description, or send it anyway if it is needed."
            )
        )
        rows.append([button("✏️ " + t._("Edit the description"), "rp:edit")])
        rows.append([button(t._("Send anyway"), f"rp:sendpd:{report.token}")])
    else:
        rows.append([button("✅ " + t._("Send"), f"rp:send:{report.token}")])
        rows.append([button("✏️ " + t._("Edit the description"), "rp:edit")])
    toggle = (
        t._("Make it visible to the whole team")
        if report.coordinators_only
        else "🔒 " + t._("Only for coordinators")
    )
    # the press carries the wanted state: a double tap must not switch it back
    rows.append([button(toggle, f"rp:conf:{0 if report.coordinators_only else 1}")])
    return "\n".join(lines), [*rows, nav]


# --- answers -------------------------------------------------------------------------------


async def _report_draft(update: Update, ctx: BotContext, *steps: str) -> Draft:
    """The sender's report dialogue, at one of ``steps``; a stale press re-shows the current
    step (or says the dialogue has ended) and goes no further."""
    draft = await current_draft(update, ctx)
    if draft is None:
        # dropped, e.g. when the person was removed from the team: say so if that is why
        await ctx.services.reports.teams(require_actor(update, ctx))
    if draft is None or draft.kind != REPORT or (steps and draft.step not in steps):
        await stale_press(update, ctx, draft, REPORT)
    assert draft is not None
    return draft


@guarded
async def on_button(update: Update, ctx: BotContext) -> None:
    query = update.callback_query
    assert query is not None
    parts = (query.data or "").split(":")
    action = parts[1] if len(parts) > 1 else ""
    handler = _BUTTONS.get(action)
    if handler is None:
        raise BadButton(query.data)
    await handler(update, ctx, parts[2:])


async def _pick_team(update: Update, ctx: BotContext, args: list[str]) -> None:
    draft = await _report_draft(update, ctx, TEAM)
    team_id = as_int(_one(args))
    actor = require_actor(update, ctx)
    if team_id not in {team.id for team in await ctx.services.reports.teams(actor)}:
        raise BadButton(team_id)
    draft = draft.model_copy(update={"team_id": team_id})
    draft = await ctx.services.dialogues.advance(draft, CATEGORY)
    await _prompt(update, ctx, await ctx.tr(update), draft)


async def _pick_category(update: Update, ctx: BotContext, args: list[str]) -> None:
    await _pick_field(update, ctx, args, CATEGORY, "category", Category, LOCALITY)


async def _pick_field(
    update: Update,
    ctx: BotContext,
    args: list[str],
    step: str,
    field: str,
    choices: type[Category] | type[Urgency],
    next_step: str,
) -> None:
    """A one-tap answer (category, urgency): checked against its choices, stored, next step."""
    draft = await _report_draft(update, ctx, step)
    try:
        value = choices(_one(args))
    except ValueError:
        raise BadButton(args) from None
    report = _report(draft).model_copy(update={field: value})
    draft = await _save(ctx, draft, next_step, report)
    await _prompt(update, ctx, await ctx.tr(update), draft)


async def _pick_locality(update: Update, ctx: BotContext, args: list[str]) -> None:
    draft = await _report_draft(update, ctx, LOCALITY)
    assert draft.team_id is not None
    locality_id = as_int(_one(args))
    try:
        name = await ctx.services.reports.pick_locality(
            require_actor(update, ctx), draft.team_id, locality_id
        )
    except InvalidInput:
        raise BadButton(locality_id) from None
    report = _report(draft).model_copy(
        update={"locality_id": locality_id, "locality": name, "latitude": None, "longitude": None}
    )
    await _after_locality(update, ctx, draft, report)


async def _after_locality(
    update: Update, ctx: BotContext, draft: Draft, report: ReportDraft
) -> None:
    """Offer similar open problems first, if there are any; else ask for the description."""
    assert draft.team_id is not None
    similar = await ctx.services.reports.similar(require_actor(update, ctx), draft.team_id, report)
    draft = await _save(ctx, draft, SIMILAR if similar else DESCRIPTION, report)
    await _prompt(update, ctx, await ctx.tr(update), draft)


async def _support_similar(update: Update, ctx: BotContext, args: list[str]) -> None:
    await _report_draft(update, ctx, SIMILAR)
    problem_id = as_int(_one(args))
    actor = require_actor(update, ctx)
    t = await ctx.tr(update)
    await ctx.services.problems.set_support(actor, problem_id, True)
    await ctx.services.dialogues.finish(actor.user_id)
    await show(
        update,
        t._("Thank you: you support problem #{n}. No new report was made.", n=problem_id),
        keyboard([[button(t._("Open #{n}", n=problem_id), f"pb:v:{problem_id}")]]),
    )


async def _comment_similar(update: Update, ctx: BotContext, args: list[str]) -> None:
    draft = await _report_draft(update, ctx, SIMILAR)
    problem_id = as_int(_one(args))
    actor = require_actor(update, ctx)
    t = await ctx.tr(update)
    await ctx.services.problems.access(actor, problem_id, Action.REPORT)
    await ctx.services.dialogues.start(
        actor.user_id, COMMENT, "text", team_id=draft.team_id, data={"problem_id": problem_id}
    )
    await show(
        update,
        t._("Write your comment on problem #{n}:", n=problem_id),
        keyboard([nav_row(t, back=False)]),
    )


async def _new_anyway(update: Update, ctx: BotContext, args: list[str]) -> None:
    draft = await _report_draft(update, ctx, SIMILAR)
    draft = await ctx.services.dialogues.advance(draft, DESCRIPTION)
    await _prompt(update, ctx, await ctx.tr(update), draft)


async def _keep_description(update: Update, ctx: BotContext, args: list[str]) -> None:
    draft = await _report_draft(update, ctx, DESCRIPTION)
    if not _report(draft).description:
        raise BadButton("keep")
    draft = await ctx.services.dialogues.advance(draft, _after_description(draft))
    await _prompt(update, ctx, await ctx.tr(update), draft)


def _after_description(draft: Draft) -> str:
    """Editing the description from the preview returns to the preview."""
    return PREVIEW if draft.data.get("editing") else PHOTOS


async def _photos(update: Update, ctx: BotContext, args: list[str]) -> None:
    draft = await _report_draft(update, ctx, PHOTOS)
    choice = _one(args)
    if choice == "clear":
        report = _report(draft).model_copy(update={"photos": []})
        draft = await _save(ctx, draft, PHOTOS, report)
    elif choice == "done":
        draft = await ctx.services.dialogues.advance(draft, URGENCY)
    else:
        raise BadButton(choice)
    await _prompt(update, ctx, await ctx.tr(update), draft)


async def _pick_urgency(update: Update, ctx: BotContext, args: list[str]) -> None:
    await _pick_field(update, ctx, args, URGENCY, "urgency", Urgency, PREVIEW)


async def _edit(update: Update, ctx: BotContext, args: list[str]) -> None:
    draft = await _report_draft(update, ctx, PREVIEW)
    draft = await ctx.services.dialogues.advance(draft, DESCRIPTION, editing=True)
    await _prompt(update, ctx, await ctx.tr(update), draft)


async def _toggle_confidential(update: Update, ctx: BotContext, args: list[str]) -> None:
    wanted = _one(args)
    if wanted not in ("0", "1"):
        raise BadButton(wanted)
    draft = await _report_draft(update, ctx, PREVIEW)
    report = _report(draft).model_copy(update={"coordinators_only": wanted == "1"})
    draft = await _save(ctx, draft, PREVIEW, report)
    await _prompt(update, ctx, await ctx.tr(update), draft)


async def _send(update: Update, ctx: BotContext, args: list[str], *, confirmed: bool) -> None:
    token = _one(args)
    if not _TOKEN.fullmatch(token):  # not one the bot made: forged
        raise BadButton(token)
    actor = require_actor(update, ctx)
    t = await ctx.tr(update)
    earlier = await ctx.services.reports.submitted(actor, token)
    if earlier is not None:  # pressed again, also after a restart: point to what was saved
        await _confirm(update, t, earlier)
        return
    draft = await _report_draft(update, ctx, PREVIEW)
    report = _report(draft)
    if draft.step != PREVIEW or report.token != token or draft.team_id is None:
        raise BadButton(token)
    try:
        submitted = await ctx.services.reports.submit(
            actor, draft.team_id, report, personal_data_confirmed=confirmed
        )
    except InvalidInput as error:
        if error.problem is not InputProblem.PERSONAL_DATA:
            raise
        await _prompt(update, ctx, t, draft)  # the warning is on the preview
        return
    await _confirm(update, t, submitted.problem_id)


async def _confirm(update: Update, t: Translator, problem_id: int) -> None:
    await show(
        update,
        t._(
            "Thank you! The problem was saved as <b>#{n}</b>. The team's coordinators have "
            "been told.",
            n=problem_id,
        ),
        keyboard([[button(t._("Open #{n}", n=problem_id), f"pb:v:{problem_id}")]]),
    )


async def _send_checked(update: Update, ctx: BotContext, args: list[str]) -> None:
    await _send(update, ctx, args, confirmed=False)


async def _send_confirmed(update: Update, ctx: BotContext, args: list[str]) -> None:
    await _send(update, ctx, args, confirmed=True)


#: the shape of ReportDraft.token (secrets.token_urlsafe(12))
_TOKEN = re.compile(r"[A-Za-z0-9_-]{16}")


def _one(args: list[str]) -> str:
    if len(args) != 1 or not args[0]:
        raise BadButton(args)
    return args[0]


_BUTTONS = {
    "t": _pick_team,
    "c": _pick_category,
    "l": _pick_locality,
    "sup": _support_similar,
    "com": _comment_similar,
    "new": _new_anyway,
    "keep": _keep_description,
    "p": _photos,
    "u": _pick_urgency,
    "edit": _edit,
    "conf": _toggle_confidential,
    "send": _send_checked,
    "sendpd": _send_confirmed,
}


# --- typed text, photos and pins -------------------------------------------------------------


async def _on_text(update: Update, ctx: BotContext, draft: Draft) -> None:
    t = await ctx.tr(update)
    message = update.effective_message
    text = message.text if message else None
    if draft.step in (LOCALITY, LOCALITY_NAME):
        name = clean_locality_name(text)
        report = _report(draft)
        if draft.step == LOCALITY:
            report = report.model_copy(
                update={"locality_id": None, "latitude": None, "longitude": None}
            )
        report = report.model_copy(update={"locality": name, "locality_id": None})
        await _after_locality(update, ctx, draft, report)
    elif draft.step == DESCRIPTION:
        await _take_description(update, ctx, draft, text)
    else:
        question, rows = await _question(update, ctx, t, draft, _report(draft))
        hint = (
            t._("Please send a photo, or tap Done.")
            if draft.step == PHOTOS
            else t._("Please choose one of the buttons.")
        )
        await show(update, hint + "\n\n" + question, keyboard(rows))


async def _take_description(
    update: Update, ctx: BotContext, draft: Draft, text: str | None
) -> None:
    description = clean_description(text)
    report = _report(draft).model_copy(update={"description": description})
    draft = await _save(ctx, draft, _after_description(draft), report, editing=False)
    await _prompt(update, ctx, await ctx.tr(update), draft)


async def _on_media(update: Update, ctx: BotContext, draft: Draft) -> None:
    message = update.effective_message
    assert message is not None
    t = await ctx.tr(update)
    location = message.location or (message.venue.location if message.venue else None)
    if location is not None:
        if draft.step != LOCALITY:
            await show(update, t._("A location pin is taken at the locality step only."))
            return
        await _take_pin(update, ctx, draft, location.latitude, location.longitude)
        return
    album = message.media_group_id
    if draft.step == DESCRIPTION and message.caption:
        photo = _photo(message)  # a photo with a caption: the caption is the description
        description = clean_description(message.caption)
        report = _report(draft).model_copy(
            update={"description": description, "photos": [*_report(draft).photos, photo]}
        )
        draft = await _save(ctx, draft, _after_description(draft), report, editing=False)
        await _confirm_photos(update, ctx, t, draft, album)
        return
    if draft.step != PHOTOS:
        if first_of_album(update, ctx):
            await show(update, t._("Photos can be added after the description."))
        return
    photo = _photo(message)
    report = _report(draft)
    same_album = album is not None and _album(draft).get("id") == album
    if len(report.photos) >= MAX_PHOTOS:
        if same_album:  # the rest of an album that reached the limit: say it on its answer
            too_many = explain(t, InvalidInput(InputProblem.TOO_MANY_PHOTOS, limit=MAX_PHOTOS))
            await _confirm_photos(update, ctx, t, draft, album, note=too_many)
            return
        if album is not None and not first_of_album(update, ctx):
            return
        raise InvalidInput(InputProblem.TOO_MANY_PHOTOS, limit=MAX_PHOTOS)
    if any(p.file_unique_id == photo.file_unique_id for p in report.photos):
        return  # the same photo again (e.g. forwarded twice): keep one
    report = report.model_copy(update={"photos": [*report.photos, photo]})
    draft = await _save(ctx, draft, PHOTOS, report)
    await _confirm_photos(update, ctx, t, draft, album)


def _album(draft: Draft) -> dict[str, object]:
    album = draft.data.get("album")
    return album if isinstance(album, dict) else {}


async def _confirm_photos(
    update: Update,
    ctx: BotContext,
    t: Translator,
    draft: Draft,
    album: str | None,
    note: str = "",
) -> None:
    """Confirm added photos. The photos of one album arrive as separate messages: the first
    gets a new answer, the others update that same answer (one confirmation per album)."""
    earlier = _album(draft)
    message_id = earlier.get("message_id") if album and earlier.get("id") == album else None
    if isinstance(message_id, int) and update.effective_chat is not None:
        text, rows = await _question(update, ctx, t, draft, _report(draft))
        text = f"{text}\n\n{note}" if note else text
        try:
            await edit_message(ctx.bot, update.effective_chat.id, message_id, text, keyboard(rows))
            return
        except (BadRequest, Undelivered):
            pass  # e.g. deleted meanwhile, or Telegram is not taking it now: answer anew below
    sent = await _prompt(update, ctx, t, draft)
    if album is not None and sent is not None:
        await ctx.services.dialogues.advance(
            draft, draft.step, album={"id": album, "message_id": sent.message_id}
        )


async def _take_pin(
    update: Update, ctx: BotContext, draft: Draft, latitude: float, longitude: float
) -> None:
    assert draft.team_id is not None
    place = await ctx.services.reports.place_for_pin(
        require_actor(update, ctx), draft.team_id, latitude, longitude
    )
    report = _report(draft).model_copy(
        update={
            "latitude": place.latitude,
            "longitude": place.longitude,
            "locality_id": place.locality_id,
            "locality": place.locality,
        }
    )
    if place.locality is None:
        draft = await _save(ctx, draft, LOCALITY_NAME, report)
        await _prompt(update, ctx, await ctx.tr(update), draft)
        return
    await _after_locality(update, ctx, draft, report)


def _photo(message: Message) -> Photo:
    if message.photo:
        largest = message.photo[-1]
        if largest.file_size and largest.file_size > MAX_PHOTO_BYTES:
            raise InvalidInput(InputProblem.TOO_LARGE, limit=MAX_PHOTO_BYTES // 2**20)
        return Photo(file_id=largest.file_id, file_unique_id=largest.file_unique_id)
    document = message.document
    if document is None or (document.mime_type or "").lower() not in PHOTO_TYPES:
        raise InvalidInput(InputProblem.NOT_A_PHOTO)
    if document.file_size and document.file_size > MAX_PHOTO_BYTES:
        raise InvalidInput(InputProblem.TOO_LARGE, limit=MAX_PHOTO_BYTES // 2**20)
    return Photo(file_id=document.file_id, file_unique_id=document.file_unique_id, is_document=True)


async def _on_show(update: Update, ctx: BotContext, draft: Draft, lead: str = "") -> None:
    await _prompt(update, ctx, await ctx.tr(update), draft, lead)


async def _on_back(update: Update, ctx: BotContext, draft: Draft) -> None:
    if draft.step == CATEGORY and draft.data.get("several_teams"):
        previous = TEAM
    elif draft.step == DESCRIPTION and draft.data.get("editing"):
        previous = PREVIEW
    else:
        previous = _PREVIOUS.get(draft.step, draft.step)
    draft = await ctx.services.dialogues.advance(draft, previous, editing=False)
    await _prompt(update, ctx, await ctx.tr(update), draft)


def register(app: Application) -> None:  # type: ignore[type-arg]
    register_dialogue(
        REPORT,
        DialogueSteps(
            on_text=_on_text,
            on_back=_on_back,
            on_media=_on_media,
            on_show=_on_show,
            takes_albums=True,
        ),
    )
    app.add_handler(CommandHandler("report", on_report, filters=filters.ChatType.PRIVATE))
    app.add_handler(CallbackQueryHandler(on_button, pattern=r"^rp:"))
