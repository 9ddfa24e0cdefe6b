"""Numbered schema migrations; each runs in one transaction and bumps ``PRAGMA user_version``.

Never edit a migration that has shipped: append a new one.
Times are ISO-8601 strings in UTC.
"""

MIGRATIONS: list[str] = [
    # 1: teams, users and memberships, invites, group chats, dialogue drafts, audit log
    """
    CREATE TABLE teams (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL,
        name_key TEXT NOT NULL UNIQUE,
        area TEXT NOT NULL DEFAULT '',
        group_chat_id INTEGER UNIQUE,
        group_notices INTEGER NOT NULL DEFAULT 1,
        created_at TEXT NOT NULL,
        created_by INTEGER
    );
    CREATE TABLE users (
        id INTEGER PRIMARY KEY,
        display_name TEXT,
        org_type TEXT,
        org_name TEXT,
        language TEXT,
        unreachable INTEGER NOT NULL DEFAULT 0,
        created_at TEXT NOT NULL
    );
    CREATE TABLE memberships (
        team_id INTEGER NOT NULL REFERENCES teams(id),
        user_id INTEGER NOT NULL REFERENCES users(id),
        role TEXT NOT NULL CHECK (role IN ('member', 'coordinator')),
        joined_at TEXT NOT NULL,
        removed_at TEXT,
        PRIMARY KEY (team_id, user_id)
    );
    CREATE INDEX memberships_user ON memberships(user_id);
    CREATE TABLE invites (
        id INTEGER PRIMARY KEY,
        team_id INTEGER NOT NULL REFERENCES teams(id),
        role TEXT NOT NULL CHECK (role IN ('member', 'coordinator')),
        code_hash TEXT NOT NULL UNIQUE,
        created_by INTEGER NOT NULL,
        created_at TEXT NOT NULL,
        expires_at TEXT NOT NULL,
        used_by INTEGER,
        used_at TEXT,
        revoked_at TEXT,
        revoked_by INTEGER
    );
    CREATE INDEX invites_team ON invites(team_id);
    CREATE TABLE group_chats (
        chat_id INTEGER PRIMARY KEY,
        title TEXT NOT NULL DEFAULT '',
        team_id INTEGER REFERENCES teams(id),
        added_by INTEGER,
        added_at TEXT NOT NULL
    );
    CREATE TABLE drafts (
        user_id INTEGER PRIMARY KEY,
        kind TEXT NOT NULL,
        step TEXT NOT NULL,
        team_id INTEGER,
        data TEXT NOT NULL DEFAULT '{}',
        updated_at TEXT NOT NULL
    );
    CREATE TABLE audit_events (
        id INTEGER PRIMARY KEY,
        at TEXT NOT NULL,
        actor_id INTEGER,
        action TEXT NOT NULL,
        team_id INTEGER,
        object_type TEXT,
        object_id TEXT,
        details TEXT NOT NULL DEFAULT '{}'
    );
    CREATE INDEX audit_team ON audit_events(team_id, at)
    """,
]
