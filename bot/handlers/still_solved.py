"""The reporter's answer to "is problem #12 still solved?" (asked weeks after it was solved).

Callback data ``ss:<y|n>:<problem>``; the service checks that the person is the reporter and
that the problem is still marked solved.
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import Application, CallbackQueryHandler

from bot.handlers.common import BadButton, as_int, callback_args, guarded, require_actor, show
from bot.handlers.context import BotContext


@guarded
async def on_answer(update: Update, ctx: BotContext) -> None:
    answer, number = callback_args(update, "ss", 2)
    if answer not in ("y", "n"):
        raise BadButton(answer)
    t = await ctx.tr(update)
    problem = await ctx.services.problems.answer_still_solved(
        require_actor(update, ctx), as_int(number), answer == "y"
    )
    if answer == "y":
        text = t._("Thank you, #{n} stays solved.", n=problem.id)
    else:
        text = t._(
            "Thank you. #{n} is open again and goes on the next agenda; the coordinators are told.",
            n=problem.id,
        )
    await show(update, text)


def register(app: Application) -> None:  # type: ignore[type-arg]
    app.add_handler(CallbackQueryHandler(on_answer, pattern=r"^ss:"))
