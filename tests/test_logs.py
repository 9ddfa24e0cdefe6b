"""Nothing people wrote reaches the log, at any level: not report texts, personal data,
invite codes or the token."""

from __future__ import annotations

import io
import logging

import pytest

from bot.logs import QUIET, configure
from tests.flows import INVITE_LINK, make_team, report

BIRTH_NUMBER = "780101/1229"
PHONE = "731 123 456"
DESCRIPTION = f"Na hřišti se schází skupina, kontakt {PHONE}, jeden z nich nar. {BIRTH_NUMBER}."
COMMENT = "Tajná poznámka policie o vnitrobloku Zárubecká"


@pytest.fixture
def log_text():  # type: ignore[no-untyped-def]
    root = logging.getLogger()
    saved = (root.level, {name: logging.getLogger(name).level for name in QUIET})
    buffer = io.StringIO()
    yield buffer
    for handler in list(root.handlers):
        if getattr(handler, "_mdtbot", False):
            root.removeHandler(handler)
    root.setLevel(saved[0])
    for name, level in saved[1].items():
        logging.getLogger(name).setLevel(level)


async def test_a_whole_flow_at_debug_logs_no_text_code_or_token(bot, log_text):
    configure(True, secrets=[bot.emu.token], stream=log_text)
    petra, jan = await make_team(bot, "Poruba", "Petra", "Jan")
    await petra.send("/invite")
    await petra.press("Člen")
    code = INVITE_LINK.search(petra.last().text)
    assert code is not None
    await report(jan, description=DESCRIPTION, send=False)
    await jan.press("Přesto odeslat")
    assert "#1" in jan.last().text
    await jan.send("/problem 1")
    await jan.press("Komentovat")
    await jan.send(COMMENT)

    logged = log_text.getvalue()
    logging.getLogger("bot.test").debug("probe")
    assert "probe" in log_text.getvalue()  # debug lines do reach the log
    for secret in (DESCRIPTION, BIRTH_NUMBER, PHONE, COMMENT, code.group(1), bot.emu.token):
        assert secret not in logged, secret


def test_exception_messages_that_may_echo_input_are_withheld(log_text):
    configure(False, stream=log_text)
    log = logging.getLogger("bot.test")
    try:
        raise ValueError(f"bad value {BIRTH_NUMBER}")
    except ValueError:
        log.exception("handler failed")
    try:
        raise OSError("disk full")
    except OSError:
        log.exception("write failed")
    logged = log_text.getvalue()
    assert BIRTH_NUMBER not in logged
    assert "ValueError" in logged and "handler failed" in logged  # the kind stays
    assert "disk full" in logged  # a system error keeps its message


def test_token_and_invite_links_are_masked_in_any_line(log_text):
    configure(False, secrets=["123456:SECRETSECRETSECRETSECRET"], stream=log_text)
    log = logging.getLogger("bot.test")
    log.warning("url https://api.telegram.org/bot123456:SECRETSECRETSECRETSECRET/getMe")
    log.warning("link https://t.me/mdtbot?start=abcDEF123_-xyz")
    logged = log_text.getvalue()
    assert "SECRETSECRET" not in logged and "abcDEF123" not in logged
    assert "start=«code»" in logged
