"""Every kind of button reaches exactly one handler: two features that picked the same
callback-data prefix would otherwise silently swallow each other's presses (the first
registered wins)."""

from __future__ import annotations

import re

from telegram.ext import CallbackQueryHandler


def _sample(pattern: str) -> str:
    """A callback data string the pattern is meant for: ``^inv:[bc]$`` → ``inv:b``,
    ``^dlg:back(:[a-z_]+)?$`` → ``dlg:back``."""
    literal = re.sub(r"\[(.)[^\]]*\]", r"\1", pattern.lstrip("^"))
    return re.split(r"[(?*+$.|\\]", literal, maxsplit=1)[0]


async def test_each_callback_prefix_is_handled_by_one_handler(bot) -> None:  # type: ignore[no-untyped-def]
    patterns = [
        handler.pattern
        for group in bot.app.handlers.values()
        for handler in group
        if isinstance(handler, CallbackQueryHandler) and isinstance(handler.pattern, re.Pattern)
    ]
    assert len(patterns) > 40
    for pattern in patterns:
        sample = _sample(pattern.pattern)
        takers = [other.pattern for other in patterns if other.match(sample)]
        assert takers == [pattern.pattern], (sample, takers)
