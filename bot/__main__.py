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
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.app import MDTApplication
    from bot.config import Settings

os.environ.setdefault("PTB_TIMEDELTA", "1")


def _configure_logging(
    verbose: bool, token: str | None = None, level: int | None = None
) -> None:
    from bot.logs import configure

    configure(verbose, secrets=[token] if token else [], level=level)


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
    from telegram.error import InvalidToken, NetworkError

    from bot.app import build_application
    from bot.config import ConfigError, load_settings
    from bot.storage.db import DatabaseUnusable
    from bot.storage.lease import LeaseHeld

    try:
        settings = load_settings()
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
    _configure_logging(args.verbose, settings.token)
    app = build_application(settings)
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)  # run_polling runs on it
    for stop_signal in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(stop_signal, _stop, app, loop)
    try:
        app.run_polling(
            allowed_updates=Update.ALL_TYPES, drop_pending_updates=False, stop_signals=None
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
        print(f"mdtbot: cannot reach the Bot API at {settings.api_url}: {error}", file=sys.stderr)
        return 1
    except LeaseHeld as error:
        print(f"mdtbot: not started: {error}", file=sys.stderr)
        return 1
    except DatabaseUnusable as error:
        print(f"mdtbot: MDTBOT_DB={settings.db}: {error}", file=sys.stderr)
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
    results = asyncio.run(run_checks())
    for result in results:
        print(result.line())
    return 0 if all(result.ok for result in results) else 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="mdtbot", description=__doc__)
    parser.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("run", help="run the bot against the Bot API (MDTBOT_API_URL)")
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
    commands.add_parser(
        "check",
        help="check configuration, database, Bot API and webhook; exit code 1 if any fails",
    )
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
