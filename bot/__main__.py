"""Command line: ``mdtbot run`` (the real bot), ``mdtbot sandbox`` (local emulator + chat),
``mdtbot check`` (for monitoring), ``mdtbot backup PATH`` and ``mdtbot restore PATH``."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import signal
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bot.app import MDTApplication
    from bot.config import Settings

os.environ.setdefault("PTB_TIMEDELTA", "1")


def _configure_logging(verbose: bool, *secrets: str | None, level: int | None = None) -> None:
    from bot.logs import configure

    configure(verbose, secrets=[secret for secret in secrets if secret], level=level)


class _QuietBootstrapAbort(logging.Filter):
    """PTB logs a traceback when setting or deleting the webhook at start-up fails for good;
    :func:`_run` says what failed in one line instead."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not (
            isinstance(record.msg, str)
            and record.msg.startswith("%s")
            and "Aborting" in record.msg
            and "Bootstrap" in str(record.args)
        )


def _mode_overrides(args: argparse.Namespace) -> dict[str, Any]:
    """``--webhook URL`` and ``--polling`` win over MDTBOT_WEBHOOK_URL."""
    if getattr(args, "polling", False):
        return {"webhook_url": None}
    if getattr(args, "webhook", None) is not None:
        return {"webhook_url": args.webhook}
    return {}


def _exit_quietly(signum: int, frame: object) -> None:
    raise SystemExit(0)


def _stop(app: MDTApplication, loop: asyncio.AbstractEventLoop) -> None:
    """SIGTERM or SIGINT: a start-up in progress is cut short (it would otherwise go on while
    the application shuts down), a running bot stops polling; then everything shuts down."""
    starting = app.bot_data.starting
    if starting is not None and not starting.done():
        starting.cancel()
    elif app.running:
        app.stop_running()
    else:
        app.stop_running()  # checked right after start-up...
        loop.call_later(0.2, _stop, app, loop)  # ...in case it is past that check already


def _run(args: argparse.Namespace) -> int:
    # a stop asked for while starting (before the application takes over SIGTERM and SIGINT)
    # ends the process quietly, without a traceback
    signal.signal(signal.SIGTERM, _exit_quietly)
    signal.signal(signal.SIGINT, _exit_quietly)
    from telegram import Update
    from telegram.error import BadRequest, InvalidToken, NetworkError

    from bot.app import build_application
    from bot.config import ConfigError, load_settings
    from bot.storage.db import DatabaseUnusable
    from bot.storage.lease import LeaseHeld

    try:
        settings = load_settings(**_mode_overrides(args))
    except ConfigError as error:
        print(f"mdtbot: invalid configuration: {error}", file=sys.stderr)
        return 2
    if settings.token is None:
        print(
            "mdtbot: invalid configuration: MDTBOT_TOKEN is not set "
            "(get one from @BotFather, or try `mdtbot sandbox`)",
            file=sys.stderr,
        )
        return 2
    _configure_logging(args.verbose, settings.token, settings.webhook_secret)
    logging.getLogger("telegram.ext").addFilter(_QuietBootstrapAbort())
    app = build_application(settings)
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)  # run_polling / run_webhook run on it
    for stop_signal in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(stop_signal, _stop, app, loop)
    try:
        if settings.webhook_url is None:
            # also deletes a webhook set before (Telegram refuses getUpdates while one is)
            app.run_polling(
                allowed_updates=Update.ALL_TYPES, drop_pending_updates=False, stop_signals=None
            )
        else:
            # PTB's own webhook server: Telegram's secret token header is checked (403 when
            # wrong or missing) and each update goes to app.update_queue like a polled one
            logging.getLogger("bot.run").info(
                "updates come by webhook %s, served on %s:%d%s",
                settings.webhook_url,
                settings.webhook_listen,
                settings.webhook_port,
                settings.webhook_listen_path,
            )
            app.run_webhook(
                listen=settings.webhook_listen,
                port=settings.webhook_port,
                url_path=settings.webhook_listen_path,
                webhook_url=settings.webhook_url,
                secret_token=settings.webhook_secret,
                allowed_updates=Update.ALL_TYPES,
                drop_pending_updates=False,
                stop_signals=None,
            )
    except asyncio.CancelledError:  # stopped while starting (see _stop)
        return 0
    except InvalidToken:
        print(
            "mdtbot: the Bot API refused MDTBOT_TOKEN (or MDTBOT_API_URL is not a Bot API server)",
            file=sys.stderr,
        )
        return 2
    except NetworkError as error:
        webhook = settings.webhook_url is not None and "webhook" in error.message.lower()
        if isinstance(error, BadRequest) and webhook:
            # setWebhook refused (not HTTPS, a port Telegram does not post to, ...)
            print(
                f"mdtbot: the Bot API refused the webhook {settings.webhook_url}: {error.message}",
                file=sys.stderr,
            )
            return 2
        print(f"mdtbot: cannot reach the Bot API at {settings.api_url}: {error}", file=sys.stderr)
        return 1
    except LeaseHeld as error:
        print(f"mdtbot: not started: {error}", file=sys.stderr)
        return 1
    except DatabaseUnusable as error:
        print(f"mdtbot: MDTBOT_DB={settings.db}: {error}", file=sys.stderr)
        return 1
    except OSError as error:  # the webhook server cannot listen (address in use, unknown host)
        if settings.webhook_url is None:
            raise
        print(
            f"mdtbot: the webhook server cannot listen on "
            f"{settings.webhook_listen}:{settings.webhook_port} (MDTBOT_WEBHOOK_LISTEN, "
            f"MDTBOT_WEBHOOK_PORT): {error.strerror or error}",
            file=sys.stderr,
        )
        return 1
    return 0


def _sandbox(args: argparse.Namespace) -> int:
    from bot.config import ConfigError
    from bot.sandbox.terminal import run_sandbox
    from bot.storage.db import DatabaseUnusable
    from bot.storage.lease import LeaseHeld

    # the terminal is the chat: only warnings interrupt it, unless asked for more
    _configure_logging(args.verbose, level=None if args.verbose else logging.WARNING)
    try:
        return run_sandbox(db_path=args.db, demo=args.demo, language=args.lang)
    except ConfigError as error:
        print(f"mdtbot: invalid configuration: {error}", file=sys.stderr)
        return 2
    except (DatabaseUnusable, LeaseHeld) as error:
        print(f"mdtbot: {args.db or 'the database'}: {error}", file=sys.stderr)
        return 1


def _settings() -> Settings | None:
    from bot.config import ConfigError, load_settings

    try:
        return load_settings()
    except ConfigError as error:
        print(f"mdtbot: invalid configuration: {error}", file=sys.stderr)
        return None


def _backup(args: argparse.Namespace) -> int:
    from bot.storage.backup import BackupError, backup, integrity

    settings = _settings()
    if settings is None:
        return 2
    try:
        made = backup(Path(settings.db), Path(args.path))
    except (BackupError, OSError) as error:
        print(f"mdtbot: backup of MDTBOT_DB={settings.db} failed: {error}", file=sys.stderr)
        return 1
    print(f"backup written to {made} ({made.stat().st_size} bytes, integrity {integrity(made)})")
    return 0


def _restore(args: argparse.Namespace) -> int:
    from bot.storage.backup import BackupError, restore
    from bot.storage.lease import LeaseHeld

    settings = _settings()
    if settings is None:
        return 2
    source = Path(args.path)
    try:
        kept = restore(source, Path(settings.db))
    except LeaseHeld as error:
        print(f"mdtbot: restore refused: {error}; stop it first", file=sys.stderr)
        return 1
    except (BackupError, OSError) as error:
        print(f"mdtbot: restore refused: {error}", file=sys.stderr)
        return 1
    print(f"integrity of {source}: ok")
    if kept is not None:
        print(f"the database as it was is kept in {kept}")
    print(f"restored {source} to {settings.db}: integrity ok; start the bot with `mdtbot run`")
    return 0


def _check(args: argparse.Namespace) -> int:
    from bot.health import run_checks

    _configure_logging(args.verbose)
    if not args.verbose:
        logging.getLogger().setLevel(logging.CRITICAL)
    results = asyncio.run(run_checks(**_mode_overrides(args)))
    for result in results:
        print(result.line())
    return 0 if all(result.ok for result in results) else 1


def _add_mode_arguments(parser: argparse.ArgumentParser, webhook_help: str) -> None:
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--webhook", metavar="URL", default=None, help=webhook_help)
    mode.add_argument(
        "--polling",
        action="store_true",
        help="long polling even if MDTBOT_WEBHOOK_URL is set (a webhook set before is deleted)",
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="mdtbot", description=__doc__)
    parser.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("run", help="run the bot against the Bot API (MDTBOT_API_URL)")
    _add_mode_arguments(run, "receive updates by webhook at URL (default: MDTBOT_WEBHOOK_URL)")
    sandbox = commands.add_parser("sandbox", help="the bot with a local Telegram emulator")
    sandbox.add_argument("--demo", action="store_true", help="seed Ostrava's teams and people")
    sandbox.add_argument(
        "--db",
        default=None,
        help="SQLite file (default: a temporary one); the people's ids are kept next to it",
    )
    sandbox.add_argument(
        "--lang",
        choices=["cs", "en"],
        default=None,
        help="language of the sandbox and the bot (default: MDTBOT_LANGUAGE, else cs)",
    )
    check = commands.add_parser(
        "check",
        help="check configuration, database, Bot API and webhook; exit code 1 if any fails",
    )
    _add_mode_arguments(check, "expect the webhook to be set to URL (as `run --webhook URL`)")
    backup = commands.add_parser(
        "backup", help="copy the database (MDTBOT_DB) consistently, also while the bot runs"
    )
    backup.add_argument("path", help="the backup file, or a directory for a dated file")
    restore = commands.add_parser(
        "restore", help="replace the database with a backup (only while the bot is stopped)"
    )
    restore.add_argument("path", help="the backup file")
    args = parser.parse_args(argv)
    handlers = {
        "run": _run,
        "sandbox": _sandbox,
        "check": _check,
        "backup": _backup,
        "restore": _restore,
    }
    return handlers[args.command](args)


if __name__ == "__main__":
    sys.exit(main())
