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
    # 2: localities, problems with photos, organisations, supporters, timeline and proposals;
    # the outbox of messages to send
    """
    CREATE TABLE localities (
        id INTEGER PRIMARY KEY,
        team_id INTEGER NOT NULL REFERENCES teams(id),
        name TEXT NOT NULL,
        name_key TEXT NOT NULL,
        latitude REAL,
        longitude REAL,
        retired_at TEXT,
        created_at TEXT NOT NULL,
        UNIQUE (team_id, name_key)
    );
    CREATE TABLE problems (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        team_id INTEGER NOT NULL REFERENCES teams(id),
        category TEXT NOT NULL,
        locality_id INTEGER REFERENCES localities(id),
        locality_name TEXT NOT NULL,
        locality_key TEXT NOT NULL,
        latitude REAL,
        longitude REAL,
        description TEXT NOT NULL,
        urgency TEXT NOT NULL,
        status TEXT NOT NULL,
        coordinators_only INTEGER NOT NULL DEFAULT 0,
        reporter_id INTEGER REFERENCES users(id),
        lead_org_type TEXT,
        lead_org_name TEXT,
        duplicate_of INTEGER REFERENCES problems(id),
        submission_key TEXT UNIQUE,
        created_at TEXT NOT NULL,
        progressed_at TEXT NOT NULL
    );
    CREATE INDEX problems_team ON problems(team_id, created_at);
    CREATE INDEX problems_locality ON problems(team_id, category, locality_key);
    CREATE TABLE problem_photos (
        problem_id INTEGER NOT NULL REFERENCES problems(id),
        position INTEGER NOT NULL,
        file_id TEXT NOT NULL,
        file_unique_id TEXT NOT NULL,
        is_document INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (problem_id, position)
    );
    CREATE TABLE problem_contributors (
        problem_id INTEGER NOT NULL REFERENCES problems(id),
        org_type TEXT NOT NULL,
        org_name TEXT NOT NULL,
        PRIMARY KEY (problem_id, org_type, org_name)
    );
    CREATE TABLE problem_supporters (
        problem_id INTEGER NOT NULL REFERENCES problems(id),
        user_id INTEGER NOT NULL REFERENCES users(id),
        at TEXT NOT NULL,
        PRIMARY KEY (problem_id, user_id)
    );
    CREATE TABLE problem_events (
        id INTEGER PRIMARY KEY,
        problem_id INTEGER NOT NULL REFERENCES problems(id),
        at TEXT NOT NULL,
        actor_id INTEGER,
        kind TEXT NOT NULL,
        status TEXT,
        text TEXT NOT NULL DEFAULT '',
        other_problem INTEGER
    );
    CREATE INDEX problem_events_problem ON problem_events(problem_id, id);
    CREATE TABLE proposals (
        id INTEGER PRIMARY KEY,
        problem_id INTEGER NOT NULL REFERENCES problems(id),
        team_id INTEGER NOT NULL REFERENCES teams(id),
        proposer_id INTEGER REFERENCES users(id),
        text TEXT NOT NULL,
        responsible TEXT,
        status TEXT NOT NULL DEFAULT 'open',
        reason TEXT NOT NULL DEFAULT '',
        decided_by INTEGER,
        decided_at TEXT,
        created_at TEXT NOT NULL
    );
    CREATE INDEX proposals_problem ON proposals(problem_id);
    CREATE TABLE proposal_supporters (
        proposal_id INTEGER NOT NULL REFERENCES proposals(id),
        user_id INTEGER NOT NULL REFERENCES users(id),
        at TEXT NOT NULL,
        PRIMARY KEY (proposal_id, user_id)
    );
    CREATE TABLE outbox (
        id INTEGER PRIMARY KEY,
        created_at TEXT NOT NULL,
        due_at TEXT NOT NULL,
        chat_id INTEGER NOT NULL,
        user_id INTEGER,
        team_id INTEGER,
        kind TEXT NOT NULL,
        payload TEXT NOT NULL DEFAULT '{}',
        attempts INTEGER NOT NULL DEFAULT 0,
        claimed_at TEXT,
        sent_at TEXT,
        failed_at TEXT,
        last_error TEXT
    );
    CREATE INDEX outbox_due ON outbox(sent_at, failed_at, due_at)
    """,
    # 3: meetings (one-off or a recurring series), attendance answers, per-team meeting settings,
    # and the due work (reminders, agenda freezing...) derived from them
    """
    ALTER TABLE teams ADD COLUMN reminder_offsets TEXT;
    ALTER TABLE teams ADD COLUMN agenda_lead INTEGER;
    CREATE TABLE meeting_series (
        id INTEGER PRIMARY KEY,
        team_id INTEGER NOT NULL REFERENCES teams(id),
        rule TEXT NOT NULL CHECK (rule IN ('weekly', 'monthly')),
        every_weeks INTEGER NOT NULL DEFAULT 1,
        nth INTEGER,
        weekday INTEGER NOT NULL,
        local_time TEXT NOT NULL,
        timezone TEXT NOT NULL,
        created_at TEXT NOT NULL,
        ended_at TEXT
    );
    CREATE TABLE meetings (
        id INTEGER PRIMARY KEY,
        team_id INTEGER NOT NULL REFERENCES teams(id),
        series_id INTEGER REFERENCES meeting_series(id),
        starts_at TEXT NOT NULL,
        timezone TEXT NOT NULL,
        place TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('scheduled', 'cancelled', 'held')),
        sequence INTEGER NOT NULL DEFAULT 0,
        created_at TEXT NOT NULL,
        created_by INTEGER,
        updated_at TEXT NOT NULL
    );
    CREATE INDEX meetings_team ON meetings(team_id, starts_at);
    CREATE UNIQUE INDEX meetings_occurrence ON meetings(series_id, starts_at)
        WHERE series_id IS NOT NULL;
    CREATE TABLE meeting_answers (
        meeting_id INTEGER NOT NULL REFERENCES meetings(id),
        user_id INTEGER NOT NULL REFERENCES users(id),
        answer TEXT NOT NULL CHECK (answer IN ('yes', 'no', 'maybe')),
        answered_at TEXT NOT NULL,
        PRIMARY KEY (meeting_id, user_id)
    );
    CREATE TABLE due_work (
        id INTEGER PRIMARY KEY,
        key TEXT NOT NULL UNIQUE,
        kind TEXT NOT NULL,
        team_id INTEGER NOT NULL REFERENCES teams(id),
        ref_id INTEGER NOT NULL,
        due_at TEXT NOT NULL,
        payload TEXT NOT NULL DEFAULT '{}',
        created_at TEXT NOT NULL,
        done_at TEXT,
        outcome TEXT
    );
    CREATE INDEX due_work_pending ON due_work(done_at, due_at);
    CREATE INDEX due_work_ref ON due_work(kind, ref_id)
    """,
    # 4: agendas: the coordinator's edits of a draft (removed problems, order, extra topics)
    # and the items frozen at the lead time
    """
    ALTER TABLE meetings ADD COLUMN agenda_frozen_at TEXT;
    CREATE TABLE agenda_edits (
        meeting_id INTEGER NOT NULL REFERENCES meetings(id),
        problem_id INTEGER NOT NULL REFERENCES problems(id),
        removed INTEGER NOT NULL DEFAULT 0,
        rank INTEGER,
        PRIMARY KEY (meeting_id, problem_id)
    );
    CREATE TABLE agenda_topics (
        id INTEGER PRIMARY KEY,
        meeting_id INTEGER NOT NULL REFERENCES meetings(id),
        text TEXT NOT NULL,
        added_by INTEGER,
        added_at TEXT NOT NULL,
        removed INTEGER NOT NULL DEFAULT 0
    );
    CREATE TABLE agenda_items (
        meeting_id INTEGER NOT NULL REFERENCES meetings(id),
        position INTEGER NOT NULL,
        section TEXT NOT NULL,
        problem_id INTEGER REFERENCES problems(id),
        topic_id INTEGER REFERENCES agenda_topics(id),
        PRIMARY KEY (meeting_id, position)
    )
    """,
    # 5: tasks agreed at meetings (or on a problem), and tasks on frozen agendas
    """
    CREATE TABLE tasks (
        id INTEGER PRIMARY KEY,
        team_id INTEGER NOT NULL REFERENCES teams(id),
        problem_id INTEGER REFERENCES problems(id),
        meeting_id INTEGER REFERENCES meetings(id),
        text TEXT NOT NULL,
        owner_id INTEGER REFERENCES users(id),
        owner_org TEXT,
        deadline TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('open', 'done', 'blocked')),
        created_by INTEGER,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
    );
    CREATE INDEX tasks_team ON tasks(team_id, status, deadline);
    CREATE INDEX tasks_owner ON tasks(owner_id, status);
    ALTER TABLE agenda_items ADD COLUMN task_id INTEGER REFERENCES tasks(id)
    """,
    # 6: minutes (zápis): who was there, and the outcome and note of each agenda item
    """
    CREATE TABLE minutes (
        meeting_id INTEGER PRIMARY KEY REFERENCES meetings(id),
        started_by INTEGER,
        started_at TEXT NOT NULL,
        finished_at TEXT
    );
    CREATE TABLE minutes_attendance (
        meeting_id INTEGER NOT NULL REFERENCES meetings(id),
        user_id INTEGER NOT NULL REFERENCES users(id),
        PRIMARY KEY (meeting_id, user_id)
    );
    CREATE TABLE minutes_items (
        meeting_id INTEGER NOT NULL REFERENCES meetings(id),
        position INTEGER NOT NULL,
        section TEXT NOT NULL,
        problem_id INTEGER REFERENCES problems(id),
        topic_id INTEGER REFERENCES agenda_topics(id),
        task_id INTEGER REFERENCES tasks(id),
        outcome TEXT,
        note TEXT,
        PRIMARY KEY (meeting_id, position)
    )
    """,
    # 7: per team, how long after "solved" the reporter is asked whether it still is
    """
    ALTER TABLE teams ADD COLUMN still_solved_after INTEGER
    """,
    # 8: the start a series' rule gave an occurrence (its RECURRENCE-ID); a meeting of a series
    # moved on its own keeps it, so the series goes on from its rule, not from the moved time
    """
    ALTER TABLE meetings ADD COLUMN occurrence_at TEXT;
    UPDATE meetings SET occurrence_at = starts_at WHERE series_id IS NOT NULL
    """,
    # 9: per team, how long before each meeting of a series its invitation goes out
    """
    ALTER TABLE teams ADD COLUMN invitation_lead INTEGER
    """,
    # 10: minutes decide at "finish": the proposal an item accepts and the tasks agreed on it wait
    # with the item until then (the last choice for an item wins)
    """
    ALTER TABLE minutes_items ADD COLUMN proposal_id INTEGER REFERENCES proposals(id);
    CREATE TABLE minutes_tasks (
        id INTEGER PRIMARY KEY,
        meeting_id INTEGER NOT NULL REFERENCES meetings(id),
        position INTEGER NOT NULL,
        text TEXT NOT NULL,
        owner_id INTEGER REFERENCES users(id),
        owner_org TEXT,
        deadline TEXT NOT NULL,
        created_by INTEGER,
        created_at TEXT NOT NULL
    );
    CREATE INDEX minutes_tasks_meeting ON minutes_tasks(meeting_id, position)
    """,
    # 11: guests at a meeting (no Telegram needed): kept with that meeting only, for its zápis
    """
    CREATE TABLE meeting_guests (
        id INTEGER PRIMARY KEY,
        meeting_id INTEGER NOT NULL REFERENCES meetings(id),
        name TEXT NOT NULL,
        org TEXT,
        added_by INTEGER,
        added_at TEXT NOT NULL
    );
    CREATE INDEX meeting_guests_meeting ON meeting_guests(meeting_id, id)
    """,
    # 12: archived teams: out of every list, picker and notice; their data stays
    """
    ALTER TABLE teams ADD COLUMN archived_at TEXT
    """,
    # 13: city administrators: added with /admins, and (configured = 1) a copy of MDTBOT_ADMINS
    # made at every start, so that notices can reach all of them
    """
    CREATE TABLE admins (
        user_id INTEGER PRIMARY KEY,
        configured INTEGER NOT NULL DEFAULT 0,
        added_by INTEGER,
        added_at TEXT NOT NULL
    )
    """,
    # 14: per team, the quiet hours (minutes after local midnight; NULL: the default 20:00–7:00)
    """
    ALTER TABLE teams ADD COLUMN quiet_start INTEGER;
    ALTER TABLE teams ADD COLUMN quiet_end INTEGER
    """,
    # 15: pseudonyms: who stands in for a person in a team they left, or everywhere once they were
    # erased; each has a stand-in row of users with the negative id -pseudonyms.id (no name,
    # no organisation name). Nothing links a pseudonym back to the person.
    """
    CREATE TABLE pseudonyms (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        team_id INTEGER,
        org_type TEXT,
        reason TEXT NOT NULL CHECK (reason IN ('left', 'erased')),
        created_at TEXT NOT NULL
    )
    """,
    # 16: retention: when a final problem's content was anonymised, and when its coordinators were
    # told it would be (a notice counts for the final status it was given in); audit by time
    """
    ALTER TABLE problems ADD COLUMN anonymised_at TEXT;
    ALTER TABLE problems ADD COLUMN retention_noticed_at TEXT;
    CREATE INDEX audit_at ON audit_events(at)
    """,
    # 17: an invite is used up when joining finishes, not when it is opened; invites opened under
    # the old rule whose joining never finished are open again. Failed /start codes per person,
    # for throttling (kept only as long as the throttling window)
    """
    UPDATE invites SET used_by = NULL, used_at = NULL
    WHERE used_by IS NOT NULL AND NOT EXISTS (
        SELECT 1 FROM memberships m
        WHERE m.team_id = invites.team_id AND m.user_id = invites.used_by
            AND m.joined_at >= invites.used_at
    );
    CREATE TABLE invite_failures (
        user_id INTEGER NOT NULL,
        at TEXT NOT NULL
    );
    CREATE INDEX invite_failures_user ON invite_failures(user_id, at)
    """,
    # 18: the messages each outbox row became (chat and message id, one row per part), so that a
    # notice can be edited later when the text it shows is redacted (no foreign key: erasure
    # deletes outbox rows, and an orphaned pair of ids says nothing); ``shown`` is a hash of what
    # the message shows now (never the text), so that an edit that changes nothing is not sent
    """
    CREATE TABLE outbox_messages (
        outbox_id INTEGER NOT NULL,
        part INTEGER NOT NULL,
        chat_id INTEGER NOT NULL,
        message_id INTEGER NOT NULL,
        is_text INTEGER NOT NULL DEFAULT 1,
        shown TEXT,
        PRIMARY KEY (outbox_id, part)
    )
    """,
    # 19: the place of a meeting series, for the occurrences planned later (changing the place of
    # one occurrence does not change it); NULL for a series made before: its occurrences take
    # the place of the one before, as they did
    """
    ALTER TABLE meeting_series ADD COLUMN place TEXT
    """,
    # 20: the update journal (bot.updates): each update from Telegram is stored before it is
    # acknowledged and handled from here; ``payload`` (what the update said) is removed once it
    # is handled, the id stays a while so that a delivery again is recognised
    """
    CREATE TABLE update_journal (
        update_id INTEGER PRIMARY KEY,
        query_id TEXT,
        payload TEXT,
        received_at TEXT NOT NULL,
        handled_at TEXT,
        attempts INTEGER NOT NULL DEFAULT 0
    );
    CREATE INDEX update_journal_pending ON update_journal(update_id) WHERE handled_at IS NULL;
    CREATE INDEX update_journal_query ON update_journal(query_id) WHERE query_id IS NOT NULL;
    CREATE INDEX update_journal_handled ON update_journal(handled_at) WHERE handled_at IS NOT NULL
    """,
    # 21: full-text search: one row per problem (rowid = the problem's id) with its description,
    # its comments and its proposals as three columns; diacritics and case do not matter.
    # Triggers rebuild a problem's row whenever one of its texts is written, moved or deleted,
    # so every path (edit, redaction, anonymisation, erasure, merge) keeps the index in step.
    # (Statements inside a trigger start with ";" on a new line: the migration runner splits on
    # ";" + newline.)
    """
    CREATE VIRTUAL TABLE search_texts USING fts5(
        description, comments, proposals,
        tokenize = "unicode61 remove_diacritics 2"
    );
    INSERT INTO search_texts (rowid, description, comments, proposals)
        SELECT p.id, p.description,
            COALESCE((SELECT group_concat(e.text, char(10)) FROM problem_events e
                WHERE e.problem_id = p.id AND e.kind = 'comment' AND e.text != ''), ''),
            COALESCE((SELECT group_concat(r.text, char(10)) FROM proposals r
                WHERE r.problem_id = p.id AND r.text != ''), '')
        FROM problems p;
    CREATE TRIGGER search_problem_insert AFTER INSERT ON problems
    BEGIN
        INSERT INTO search_texts (rowid, description, comments, proposals)
        VALUES (new.id, new.description, '', ''); END;
    CREATE TRIGGER search_problem_update AFTER UPDATE OF description ON problems
        WHEN old.description IS NOT new.description
    BEGIN
        DELETE FROM search_texts WHERE rowid = new.id
        ; INSERT INTO search_texts (rowid, description, comments, proposals)
        SELECT p.id, p.description,
            COALESCE((SELECT group_concat(e.text, char(10)) FROM problem_events e
                WHERE e.problem_id = p.id AND e.kind = 'comment' AND e.text != ''), ''),
            COALESCE((SELECT group_concat(r.text, char(10)) FROM proposals r
                WHERE r.problem_id = p.id AND r.text != ''), '')
        FROM problems p WHERE p.id = new.id; END;
    CREATE TRIGGER search_problem_delete AFTER DELETE ON problems
    BEGIN DELETE FROM search_texts WHERE rowid = old.id; END;
    CREATE TRIGGER search_comment_insert AFTER INSERT ON problem_events
        WHEN new.kind = 'comment'
    BEGIN
        DELETE FROM search_texts WHERE rowid = new.problem_id
        ; INSERT INTO search_texts (rowid, description, comments, proposals)
        SELECT p.id, p.description,
            COALESCE((SELECT group_concat(e.text, char(10)) FROM problem_events e
                WHERE e.problem_id = p.id AND e.kind = 'comment' AND e.text != ''), ''),
            COALESCE((SELECT group_concat(r.text, char(10)) FROM proposals r
                WHERE r.problem_id = p.id AND r.text != ''), '')
        FROM problems p WHERE p.id = new.problem_id; END;
    CREATE TRIGGER search_comment_update AFTER UPDATE OF text, kind, problem_id ON problem_events
        WHEN old.kind = 'comment' OR new.kind = 'comment'
    BEGIN
        DELETE FROM search_texts WHERE rowid = old.problem_id
        ; INSERT INTO search_texts (rowid, description, comments, proposals)
        SELECT p.id, p.description,
            COALESCE((SELECT group_concat(e.text, char(10)) FROM problem_events e
                WHERE e.problem_id = p.id AND e.kind = 'comment' AND e.text != ''), ''),
            COALESCE((SELECT group_concat(r.text, char(10)) FROM proposals r
                WHERE r.problem_id = p.id AND r.text != ''), '')
        FROM problems p WHERE p.id = old.problem_id
        ; DELETE FROM search_texts WHERE rowid = new.problem_id
        ; INSERT INTO search_texts (rowid, description, comments, proposals)
        SELECT p.id, p.description,
            COALESCE((SELECT group_concat(e.text, char(10)) FROM problem_events e
                WHERE e.problem_id = p.id AND e.kind = 'comment' AND e.text != ''), ''),
            COALESCE((SELECT group_concat(r.text, char(10)) FROM proposals r
                WHERE r.problem_id = p.id AND r.text != ''), '')
        FROM problems p WHERE p.id = new.problem_id; END;
    CREATE TRIGGER search_comment_delete AFTER DELETE ON problem_events
        WHEN old.kind = 'comment'
    BEGIN
        DELETE FROM search_texts WHERE rowid = old.problem_id
        ; INSERT INTO search_texts (rowid, description, comments, proposals)
        SELECT p.id, p.description,
            COALESCE((SELECT group_concat(e.text, char(10)) FROM problem_events e
                WHERE e.problem_id = p.id AND e.kind = 'comment' AND e.text != ''), ''),
            COALESCE((SELECT group_concat(r.text, char(10)) FROM proposals r
                WHERE r.problem_id = p.id AND r.text != ''), '')
        FROM problems p WHERE p.id = old.problem_id; END;
    CREATE TRIGGER search_proposal_insert AFTER INSERT ON proposals
    BEGIN
        DELETE FROM search_texts WHERE rowid = new.problem_id
        ; INSERT INTO search_texts (rowid, description, comments, proposals)
        SELECT p.id, p.description,
            COALESCE((SELECT group_concat(e.text, char(10)) FROM problem_events e
                WHERE e.problem_id = p.id AND e.kind = 'comment' AND e.text != ''), ''),
            COALESCE((SELECT group_concat(r.text, char(10)) FROM proposals r
                WHERE r.problem_id = p.id AND r.text != ''), '')
        FROM problems p WHERE p.id = new.problem_id; END;
    CREATE TRIGGER search_proposal_update AFTER UPDATE OF text, problem_id ON proposals
    BEGIN
        DELETE FROM search_texts WHERE rowid = old.problem_id
        ; INSERT INTO search_texts (rowid, description, comments, proposals)
        SELECT p.id, p.description,
            COALESCE((SELECT group_concat(e.text, char(10)) FROM problem_events e
                WHERE e.problem_id = p.id AND e.kind = 'comment' AND e.text != ''), ''),
            COALESCE((SELECT group_concat(r.text, char(10)) FROM proposals r
                WHERE r.problem_id = p.id AND r.text != ''), '')
        FROM problems p WHERE p.id = old.problem_id
        ; DELETE FROM search_texts WHERE rowid = new.problem_id
        ; INSERT INTO search_texts (rowid, description, comments, proposals)
        SELECT p.id, p.description,
            COALESCE((SELECT group_concat(e.text, char(10)) FROM problem_events e
                WHERE e.problem_id = p.id AND e.kind = 'comment' AND e.text != ''), ''),
            COALESCE((SELECT group_concat(r.text, char(10)) FROM proposals r
                WHERE r.problem_id = p.id AND r.text != ''), '')
        FROM problems p WHERE p.id = new.problem_id; END;
    CREATE TRIGGER search_proposal_delete AFTER DELETE ON proposals
    BEGIN
        DELETE FROM search_texts WHERE rowid = old.problem_id
        ; INSERT INTO search_texts (rowid, description, comments, proposals)
        SELECT p.id, p.description,
            COALESCE((SELECT group_concat(e.text, char(10)) FROM problem_events e
                WHERE e.problem_id = p.id AND e.kind = 'comment' AND e.text != ''), ''),
            COALESCE((SELECT group_concat(r.text, char(10)) FROM proposals r
                WHERE r.problem_id = p.id AND r.text != ''), '')
        FROM problems p WHERE p.id = old.problem_id; END
    """,
    # 22: /stats counts open and solved problems per team and status, and solved ones by when
    """
    CREATE INDEX problems_status ON problems(team_id, status, progressed_at)
    """,
    # 23: personal settings (/settings): the weekly digest's day and local time (minutes after
    # midnight) or off, and the teams whose notices a person muted; due work may be about a
    # person rather than a team (the digest): ``due_work.team_id`` becomes optional (the table
    # is rebuilt, its rows kept)
    """
    CREATE TABLE person_settings (
        user_id INTEGER PRIMARY KEY REFERENCES users(id),
        digest_weekday INTEGER NOT NULL DEFAULT 0 CHECK (digest_weekday BETWEEN 0 AND 6),
        digest_minute INTEGER NOT NULL DEFAULT 450 CHECK (digest_minute BETWEEN 0 AND 1439),
        digest_on INTEGER NOT NULL DEFAULT 1
    );
    CREATE TABLE muted_teams (
        user_id INTEGER NOT NULL REFERENCES users(id),
        team_id INTEGER NOT NULL REFERENCES teams(id),
        muted_at TEXT NOT NULL,
        PRIMARY KEY (user_id, team_id)
    );
    CREATE TABLE due_work_new (
        id INTEGER PRIMARY KEY,
        key TEXT NOT NULL UNIQUE,
        kind TEXT NOT NULL,
        team_id INTEGER REFERENCES teams(id),
        ref_id INTEGER NOT NULL,
        due_at TEXT NOT NULL,
        payload TEXT NOT NULL DEFAULT '{}',
        created_at TEXT NOT NULL,
        done_at TEXT,
        outcome TEXT
    );
    INSERT INTO due_work_new (id, key, kind, team_id, ref_id, due_at, payload, created_at,
        done_at, outcome)
    SELECT id, key, kind, team_id, ref_id, due_at, payload, created_at, done_at, outcome
    FROM due_work;
    DROP TABLE due_work;
    ALTER TABLE due_work_new RENAME TO due_work;
    CREATE INDEX due_work_pending ON due_work(done_at, due_at);
    CREATE INDEX due_work_ref ON due_work(kind, ref_id)
    """,
]
