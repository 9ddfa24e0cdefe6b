"""Command line: ``mdtbot run`` (the real bot) and ``mdtbot sandbox`` (local emulator + chat)."""

from __future__ import annotations

import argparse
import logging
import os
import sys

os.environ.setdefault("PTB_TIMEDELTA", "1")


def _configure_logging(verbose: bool, token: str | None = None) -> None:
    from bot.logs import configure

    configure(verbose, secrets=[token] if token else [])


def _run(args: argparse.Namespace) -> int:
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
    try:
        app.run_polling(allowed_updates=Update.ALL_TYPES, drop_pending_updates=False)
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

    _configure_logging(args.verbose)
    if not args.verbose:
        logging.getLogger().setLevel(logging.WARNING)
    try:
        return run_sandbox(db_path=args.db, demo=args.demo, language=args.lang)
    except ConfigError as error:
        print(f"mdtbot: invalid configuration: {error}", file=sys.stderr)
        return 2
    except (DatabaseUnusable, LeaseHeld) as error:
        print(f"mdtbot: {args.db or 'the database'}: {error}", file=sys.stderr)
        return 1


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
    args = parser.parse_args(argv)
    if args.command == "run":
        return _run(args)
    return _sandbox(args)


if __name__ == "__main__":
    sys.exit(main())
