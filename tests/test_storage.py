"""The SQLite layer: pragmas, migrations, atomic transactions, team scoping."""

import asyncio
from datetime import UTC, datetime

import pytest

from bot.domain.models import Role
from bot.storage.db import Database
from bot.storage.migrations import MIGRATIONS

NOW = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)


@pytest.fixture
async def db(tmp_path):
    database = Database(tmp_path / "mdt.db")
    await database.connect()
    yield database
    await database.close()


async def test_pragmas_and_schema_version(db):
    assert await db.schema_version() == len(MIGRATIONS)
    async with db.read() as repos:
        conn = repos.teams.conn
        async with conn.execute("PRAGMA journal_mode") as cur:
            assert (await cur.fetchone())[0] == "wal"
        async with conn.execute("PRAGMA foreign_keys") as cur:
            assert (await cur.fetchone())[0] == 1


async def test_reopening_does_not_migrate_again(tmp_path, db):
    async with db.transaction() as repos:
        await repos.teams.create("Poruba", "poruba", 1, NOW)
    await db.close()
    again = Database(tmp_path / "mdt.db")
    await again.connect()
    async with again.read() as repos:
        assert [t.name for t in await repos.teams.list_all()] == ["Poruba"]
    await again.close()


async def test_a_failed_transaction_leaves_nothing_behind(db):
    with pytest.raises(RuntimeError):
        async with db.transaction() as repos:
            await repos.teams.create("Vítkovice", "vitkovice", 1, NOW)
            raise RuntimeError("crash in the middle")
    async with db.read() as repos:
        assert await repos.teams.list_all() == []


async def test_concurrent_transactions_do_not_interleave(db):
    async with db.transaction() as repos:
        team = await repos.teams.create("Jih", "jih", 1, NOW)

    async def add_member(user_id):
        async with db.transaction() as repos:
            await repos.users.ensure(user_id, NOW)
            await asyncio.sleep(0)  # give the other coroutine a chance to barge in
            await repos.memberships.activate(team.id, user_id, Role.MEMBER, NOW)

    await asyncio.gather(*(add_member(uid) for uid in range(100, 120)))
    async with db.read() as repos:
        assert len(await repos.memberships.list_members(team.id)) == 20
        assert len(await repos.memberships.roles_of(105)) == 1


async def test_foreign_keys_are_enforced(db):
    import sqlite3

    with pytest.raises(sqlite3.IntegrityError):
        async with db.transaction() as repos:
            await repos.memberships.activate(999, 1, Role.MEMBER, NOW)


async def test_invites_are_read_only_within_their_team(db):
    async with db.transaction() as repos:
        a = await repos.teams.create("A", "a", 1, NOW)
        b = await repos.teams.create("B", "b", 1, NOW)
        invite = await repos.invites.create(a.id, Role.MEMBER, "hash", 1, NOW, NOW)
    async with db.transaction() as repos:
        assert await repos.invites.get(b.id, invite.id) is None
        assert not await repos.invites.revoke(b.id, invite.id, 1, NOW)
        assert await repos.invites.get(a.id, invite.id) is not None
