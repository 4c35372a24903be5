"""Versioned schema. Each migration runs once, in order, inside one transaction.

Never edit a released migration: add a new one. ``PRAGMA user_version`` holds the
number of migrations applied.
"""

from __future__ import annotations

import sqlite3

MIGRATIONS: tuple[str, ...] = (
    # 1: usage events, sessions and per-file import state
    """
    CREATE TABLE events (
        id INTEGER PRIMARY KEY,
        source TEXT NOT NULL,
        dedup_key BLOB NOT NULL UNIQUE,  -- 128-bit digest of the tool's own ids
        session_id TEXT NOT NULL,
        project TEXT NOT NULL,
        git_branch TEXT NOT NULL,
        model TEXT NOT NULL,
        ts_ms INTEGER NOT NULL,
        input_tokens INTEGER NOT NULL,
        output_tokens INTEGER NOT NULL,
        cache_write_5m_tokens INTEGER NOT NULL,
        cache_write_1h_tokens INTEGER NOT NULL,
        cache_read_tokens INTEGER NOT NULL,
        reasoning_tokens INTEGER NOT NULL,
        total_tokens INTEGER NOT NULL,
        prompt_class INTEGER NOT NULL  -- how many of PROMPT_THRESHOLDS the prompt exceeds
    );
    CREATE INDEX events_ts ON events(ts_ms);
    CREATE TABLE sessions (
        source TEXT NOT NULL,
        session_id TEXT NOT NULL,
        project TEXT NOT NULL,
        git_branch TEXT NOT NULL,
        PRIMARY KEY (source, session_id)
    );
    CREATE TABLE files (
        path TEXT PRIMARY KEY,
        source TEXT NOT NULL,
        device INTEGER NOT NULL,
        inode INTEGER NOT NULL,
        size INTEGER NOT NULL,
        mtime_ns INTEGER NOT NULL,
        head_len INTEGER NOT NULL,
        head_hash TEXT NOT NULL,
        cursor BLOB NOT NULL,
        events INTEGER NOT NULL DEFAULT 0,
        skipped INTEGER NOT NULL DEFAULT 0,
        last_import_ms INTEGER NOT NULL,
        error TEXT
    );
    CREATE TABLE skipped_lines (
        path TEXT NOT NULL,
        line_no INTEGER NOT NULL,
        reason TEXT NOT NULL,
        PRIMARY KEY (path, line_no)
    );
    """,
    # 2: rate-limit snapshots (Codex primary/secondary windows) for the tray's limit rules
    """
    CREATE TABLE rate_limits (
        source TEXT NOT NULL,
        session_id TEXT NOT NULL,
        ts_ms INTEGER NOT NULL,
        primary_used_percent REAL,
        primary_window_minutes INTEGER,
        primary_resets_at_ms INTEGER,
        secondary_used_percent REAL,
        secondary_window_minutes INTEGER,
        secondary_resets_at_ms INTEGER,
        PRIMARY KEY (source, session_id, ts_ms)
    );
    CREATE TABLE ignored_lines (
        path TEXT NOT NULL,
        what TEXT NOT NULL,
        count INTEGER NOT NULL,
        PRIMARY KEY (path, what)
    );
    """,
    # 3: resolved model prices, so a warm report needs no pricing library
    """
    CREATE TABLE price_cache (
        catalog TEXT NOT NULL,
        model TEXT NOT NULL,
        rates BLOB NOT NULL,
        PRIMARY KEY (catalog, model)
    );
    """,
    # 4: quarter-hour rollups that reports read instead of every event; triggers note the
    # buckets an event leaves, the import notes the ones it writes, and both get rebuilt.
    """
    CREATE TABLE usage_rollup (
        bucket INTEGER NOT NULL,
        source TEXT NOT NULL,
        session_id TEXT NOT NULL,
        model TEXT NOT NULL,
        prompt_class INTEGER NOT NULL,
        project TEXT NOT NULL,
        git_branch TEXT NOT NULL,
        input_tokens INTEGER NOT NULL,
        output_tokens INTEGER NOT NULL,
        cache_write_5m_tokens INTEGER NOT NULL,
        cache_write_1h_tokens INTEGER NOT NULL,
        cache_read_tokens INTEGER NOT NULL,
        reasoning_tokens INTEGER NOT NULL,
        events INTEGER NOT NULL,
        first_ms INTEGER NOT NULL,
        last_ms INTEGER NOT NULL,
        PRIMARY KEY (bucket, source, session_id, model, prompt_class, project, git_branch)
    ) WITHOUT ROWID;
    CREATE TABLE usage_rollup_project (
        bucket INTEGER NOT NULL,
        source TEXT NOT NULL,
        model TEXT NOT NULL,
        prompt_class INTEGER NOT NULL,
        project TEXT NOT NULL,
        input_tokens INTEGER NOT NULL,
        output_tokens INTEGER NOT NULL,
        cache_write_5m_tokens INTEGER NOT NULL,
        cache_write_1h_tokens INTEGER NOT NULL,
        cache_read_tokens INTEGER NOT NULL,
        reasoning_tokens INTEGER NOT NULL,
        events INTEGER NOT NULL,
        first_ms INTEGER NOT NULL,
        last_ms INTEGER NOT NULL,
        PRIMARY KEY (bucket, source, model, prompt_class, project)
    ) WITHOUT ROWID;
    CREATE TABLE rollup_dirty (bucket INTEGER PRIMARY KEY) WITHOUT ROWID;
    CREATE TABLE models (model TEXT PRIMARY KEY) WITHOUT ROWID;
    -- Rendered reports by (query, format, prices, zone rules), valid for one data generation.
    CREATE TABLE report_cache (
        key TEXT PRIMARY KEY,
        generation INTEGER NOT NULL,
        body BLOB NOT NULL,
        warnings TEXT NOT NULL
    );
    CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    CREATE TRIGGER events_moved AFTER UPDATE OF ts_ms ON events
        WHEN old.ts_ms / 900000 != new.ts_ms / 900000
        BEGIN INSERT OR IGNORE INTO rollup_dirty VALUES (old.ts_ms / 900000); END;
    CREATE TRIGGER events_deleted AFTER DELETE ON events
        BEGIN INSERT OR IGNORE INTO rollup_dirty VALUES (old.ts_ms / 900000); END;
    """,
    # 5: the task journal: what the tokens were spent on, in the user's words
    """
    CREATE TABLE tasks (
        id INTEGER PRIMARY KEY,
        title TEXT NOT NULL,
        notes TEXT NOT NULL DEFAULT '',
        status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'done')),
        created_ms INTEGER NOT NULL,
        completed_ms INTEGER,
        project TEXT NOT NULL DEFAULT '',
        branch TEXT NOT NULL DEFAULT '',
        category TEXT NOT NULL DEFAULT 'other',
        impact TEXT NOT NULL DEFAULT '',
        hours_saved TEXT,  -- a decimal number of hours, exact as typed
        tags TEXT NOT NULL DEFAULT '[]',
        links TEXT NOT NULL DEFAULT '[]',
        include_in_report INTEGER NOT NULL DEFAULT 1,
        source TEXT NOT NULL DEFAULT 'manual',
        external_id TEXT,
        UNIQUE (source, external_id)
    );
    CREATE INDEX tasks_completed ON tasks(completed_ms);
    CREATE TABLE task_commits (
        task_id INTEGER NOT NULL REFERENCES tasks(id) ON DELETE CASCADE,
        repo TEXT NOT NULL,
        sha TEXT NOT NULL,
        authored_ms INTEGER NOT NULL,
        files_changed INTEGER NOT NULL,
        lines_added INTEGER NOT NULL,
        lines_removed INTEGER NOT NULL,
        ai_assisted INTEGER NOT NULL,
        PRIMARY KEY (repo, sha)
    );
    CREATE INDEX task_commits_task ON task_commits(task_id);
    CREATE TABLE git_repos (
        repo TEXT PRIMARY KEY,
        last_tip TEXT NOT NULL DEFAULT '',
        last_import_ms INTEGER NOT NULL DEFAULT 0,
        error TEXT
    );
    -- Which sessions served which tasks. ``manual`` choices always win over automatic ones;
    -- a manual unlink is kept (removed = 1) so automatic linking never brings it back.
    CREATE TABLE session_links (
        source TEXT NOT NULL,
        session_id TEXT NOT NULL,
        task_id INTEGER NOT NULL REFERENCES tasks(id) ON DELETE CASCADE,
        confidence REAL NOT NULL,
        manual INTEGER NOT NULL DEFAULT 0,
        removed INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (source, session_id, task_id)
    );
    CREATE INDEX session_links_task ON session_links(task_id);
    -- Every alert shown, once per key (rule and window): no repeats, even after a restart.
    CREATE TABLE notifications (
        key TEXT PRIMARY KEY,
        rule TEXT NOT NULL,
        title TEXT NOT NULL,
        body TEXT NOT NULL,
        fired_ms INTEGER NOT NULL,
        delivered_via TEXT NOT NULL
    );
    """,
    # 6: the triggers mark a bucket only once: inside an upsert their OR IGNORE gives way to
    # the outer statement's conflict policy, so a second mark of one bucket failed the import.
    """
    DROP TRIGGER events_moved;
    DROP TRIGGER events_deleted;
    CREATE TRIGGER events_moved AFTER UPDATE OF ts_ms ON events
        WHEN old.ts_ms / 900000 != new.ts_ms / 900000
            AND NOT EXISTS (SELECT 1 FROM rollup_dirty WHERE bucket = old.ts_ms / 900000)
        BEGIN INSERT INTO rollup_dirty VALUES (old.ts_ms / 900000); END;
    CREATE TRIGGER events_deleted AFTER DELETE ON events
        WHEN NOT EXISTS (SELECT 1 FROM rollup_dirty WHERE bucket = old.ts_ms / 900000)
        BEGIN INSERT INTO rollup_dirty VALUES (old.ts_ms / 900000); END;
    """,
    # 7: what the tool itself said a request cost (NULL: it said nothing) and whether a
    # subscription covered it; which of its source's parts (reader kind) each file is.
    """
    ALTER TABLE events ADD COLUMN tool_cost_micro INTEGER;
    ALTER TABLE events ADD COLUMN subscription INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE files ADD COLUMN part TEXT NOT NULL DEFAULT '';
    """,
    # 8: linking by evidence.
    # ``share``: the part of a session's time that served the task (its tokens are split by it);
    # ``outcome_of``: a task that is the same outcome as another (a merged PR and its ticket);
    # ``reverted_ms``: when a task's commits were reverted; ``task_keys``: ticket keys a task
    # owns ('own', e.g. its Jira key) or names ('ref', in a branch, title or commit message);
    # ``git_reverts``: which commits a revert commit undid.
    """
    ALTER TABLE session_links ADD COLUMN share REAL NOT NULL DEFAULT 1.0;
    ALTER TABLE tasks ADD COLUMN outcome_of INTEGER REFERENCES tasks(id) ON DELETE SET NULL;
    ALTER TABLE tasks ADD COLUMN reverted_ms INTEGER;
    CREATE TABLE task_keys (
        task_id INTEGER NOT NULL REFERENCES tasks(id) ON DELETE CASCADE,
        kind TEXT NOT NULL CHECK (kind IN ('own', 'ref')),
        key TEXT NOT NULL,
        position INTEGER NOT NULL,
        PRIMARY KEY (task_id, kind, key)
    );
    CREATE INDEX task_keys_key ON task_keys(key);
    CREATE TABLE git_reverts (
        repo TEXT NOT NULL,
        sha TEXT NOT NULL,
        target TEXT NOT NULL,
        reverted_ms INTEGER NOT NULL,
        PRIMARY KEY (repo, sha, target)
    );
    """,
    # 9: sessions the user marked "not work" (experiments, play) in the link inbox: out of the
    # unlinked figure, shown as their own figure. Only the decision is kept, never a title.
    """
    CREATE TABLE not_work_sessions (
        source TEXT NOT NULL,
        session_id TEXT NOT NULL,
        marked_ms INTEGER NOT NULL,
        PRIMARY KEY (source, session_id)
    );
    """,
    # 10: figures a provider reports (bills exported from a console, usage APIs): kept beside
    # the local logs, never added to them, for "bill vs logs". One row per the provider's own
    # bucket (``row_key``: a digest of what identifies it); a later copy of a bucket replaces
    # it, so re-importing an overlapping export never counts twice. ``unit`` is 'tokens' or
    # 'requests' (Copilot's premium requests are never turned into tokens). Origin 'estimate':
    # tokens estimated from a chat export's text (ChatGPT, Claude.ai), which has no counts; kept
    # apart from exact figures. ``sync_state`` keeps each usage-API account's cursor.
    """
    CREATE TABLE provider_usage (
        provider TEXT NOT NULL,
        account TEXT NOT NULL,
        origin TEXT NOT NULL CHECK (origin IN ('export', 'api', 'estimate')),
        row_key BLOB NOT NULL,
        day TEXT NOT NULL,
        ts_ms INTEGER,
        model TEXT NOT NULL,
        unit TEXT NOT NULL CHECK (unit IN ('tokens', 'requests')),
        input_tokens INTEGER NOT NULL,
        cache_creation_tokens INTEGER NOT NULL,
        cache_read_tokens INTEGER NOT NULL,
        output_tokens INTEGER NOT NULL,
        reasoning_tokens INTEGER NOT NULL,
        requests INTEGER NOT NULL,
        cost_micro INTEGER,
        detail TEXT NOT NULL,
        imported_ms INTEGER NOT NULL,
        PRIMARY KEY (provider, account, row_key)
    );
    CREATE INDEX provider_usage_day ON provider_usage(day);
    CREATE TABLE sync_state (
        account TEXT PRIMARY KEY,
        provider TEXT NOT NULL,
        cursor TEXT NOT NULL,
        synced_ms INTEGER NOT NULL,
        error TEXT
    );
    """,
    # 11: usage from a person's other machines (bundles): which sessions came from which device
    # (a session of this machine has no row), and the devices seen. A bundle carries usage
    # metadata only; its events are stored as the logs' are, so totals simply include them.
    """
    CREATE TABLE devices (
        device_id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        last_bundle_ms INTEGER NOT NULL
    );
    CREATE TABLE session_devices (
        source TEXT NOT NULL,
        session_id TEXT NOT NULL,
        device_id TEXT NOT NULL REFERENCES devices(device_id),
        PRIMARY KEY (source, session_id)
    );
    CREATE INDEX session_devices_device ON session_devices(device_id);
    """,
    # 12 (issue 11): the events a tool priced itself or a subscription covered, by
    # time, so the reports' "tool's estimate" and "covered by a subscription" read only those
    # (the rollups keep neither column). Its WHERE is ``queries.TOOL_COST_EVENTS`` word for word.
    """
    CREATE INDEX events_tool_cost ON events(ts_ms) WHERE (tool_cost_micro IS NOT NULL OR subscription = 1);
    """,
    # 13 (otlpdedup, issue 14): the usage events that came over OpenTelemetry from a tool whose
    # logs may hold the same calls, so each is matched to a log event once (``store.otlp_events``).
    # ``otlp_key`` is the event's ``dedup_key``; ``log_event_id`` NULL: counted as its own event,
    # else the log event that holds the call (the OTLP event was removed, or never stored).
    # ``rule``: 0 never matched by rule (Claude desktop's Cowork), 1 by tokens and time, 2 also
    # by session. The counts are the event's (cache writes summed), for the lookup.
    """
    CREATE TABLE otlp_events (
        otlp_key BLOB PRIMARY KEY,
        source TEXT NOT NULL,
        session_id TEXT NOT NULL,
        ts_ms INTEGER NOT NULL,
        input_tokens INTEGER NOT NULL,
        output_tokens INTEGER NOT NULL,
        cache_read_tokens INTEGER NOT NULL,
        cache_write_tokens INTEGER NOT NULL,
        rule INTEGER NOT NULL,
        log_event_id INTEGER
    ) WITHOUT ROWID;
    CREATE INDEX otlp_events_open ON otlp_events(
        source, input_tokens, output_tokens, cache_read_tokens, cache_write_tokens, ts_ms
    ) WHERE log_event_id IS NULL AND rule > 0;
    CREATE INDEX otlp_events_recent ON otlp_events(ts_ms) WHERE log_event_id IS NULL AND rule > 0;
    CREATE UNIQUE INDEX otlp_events_log ON otlp_events(log_event_id) WHERE log_event_id IS NOT NULL;
    """,
    # 14 (warm, issue 16): day groups of a report kept between runs (``store.kept_groups``), and
    # the quarter hours whose project rollup rows changed since, with the generation of the
    # change (noted only while groups are kept); a pending rollup (a first import) drops them.
    # Each note deletes before it inserts: inside the rollup's upserts an OR REPLACE would give
    # way to the outer statement's conflict policy (see 6).
    """
    CREATE TABLE report_groups (key TEXT PRIMARY KEY, generation INTEGER NOT NULL, groups BLOB NOT NULL);
    CREATE TABLE report_dirty (bucket INTEGER PRIMARY KEY, generation INTEGER NOT NULL) WITHOUT ROWID;
    CREATE TRIGGER report_dirty_added AFTER INSERT ON usage_rollup_project
        WHEN EXISTS (SELECT 1 FROM report_groups)
        BEGIN
            DELETE FROM report_dirty WHERE bucket = new.bucket;
            INSERT INTO report_dirty VALUES (
                new.bucket, COALESCE((SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'generation'), 0));
        END;
    CREATE TRIGGER report_dirty_changed AFTER UPDATE ON usage_rollup_project
        WHEN EXISTS (SELECT 1 FROM report_groups)
        BEGIN
            DELETE FROM report_dirty WHERE bucket IN (old.bucket, new.bucket);
            INSERT INTO report_dirty SELECT DISTINCT b, COALESCE(
                (SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'generation'), 0)
                FROM (SELECT old.bucket AS b UNION SELECT new.bucket);
        END;
    CREATE TRIGGER report_dirty_removed AFTER DELETE ON usage_rollup_project
        WHEN EXISTS (SELECT 1 FROM report_groups)
        BEGIN
            DELETE FROM report_dirty WHERE bucket = old.bucket;
            INSERT INTO report_dirty VALUES (
                old.bucket, COALESCE((SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'generation'), 0));
        END;
    CREATE TRIGGER report_groups_pending AFTER INSERT ON meta WHEN new.key = 'rollup_pending'
        BEGIN DELETE FROM report_groups; DELETE FROM report_dirty; END;
    """,
    # 15: the keys' uniqueness as a named index (``events_dedup``), not the column's inline
    # UNIQUE: a first import that is the only writer drops it while its rows go in (it keeps the
    # keys unique itself, ``store.bulk``) and leaves it to build with the other indexes. SQLite's
    # table-rebuild procedure: a new table, the rows (ids kept: ``otlp_events`` names them), the
    # old one dropped, the new renamed, then its indexes and triggers (6, 12) made again. No
    # foreign key names ``events``, so none needs to be switched off.
    """
    CREATE TABLE events_rebuilt (
        id INTEGER PRIMARY KEY,
        source TEXT NOT NULL,
        dedup_key BLOB NOT NULL,  -- 128-bit digest of the tool's own ids; unique: events_dedup
        session_id TEXT NOT NULL,
        project TEXT NOT NULL,
        git_branch TEXT NOT NULL,
        model TEXT NOT NULL,
        ts_ms INTEGER NOT NULL,
        input_tokens INTEGER NOT NULL,
        output_tokens INTEGER NOT NULL,
        cache_write_5m_tokens INTEGER NOT NULL,
        cache_write_1h_tokens INTEGER NOT NULL,
        cache_read_tokens INTEGER NOT NULL,
        reasoning_tokens INTEGER NOT NULL,
        total_tokens INTEGER NOT NULL,
        prompt_class INTEGER NOT NULL,  -- how many of PROMPT_THRESHOLDS the prompt exceeds
        tool_cost_micro INTEGER,
        subscription INTEGER NOT NULL DEFAULT 0
    );
    INSERT INTO events_rebuilt (id, source, dedup_key, session_id, project, git_branch, model, ts_ms,
        input_tokens, output_tokens, cache_write_5m_tokens, cache_write_1h_tokens, cache_read_tokens,
        reasoning_tokens, total_tokens, prompt_class, tool_cost_micro, subscription)
    SELECT id, source, dedup_key, session_id, project, git_branch, model, ts_ms,
        input_tokens, output_tokens, cache_write_5m_tokens, cache_write_1h_tokens, cache_read_tokens,
        reasoning_tokens, total_tokens, prompt_class, tool_cost_micro, subscription FROM events;
    DROP TABLE events;
    ALTER TABLE events_rebuilt RENAME TO events;
    CREATE UNIQUE INDEX events_dedup ON events(dedup_key);
    CREATE INDEX events_ts ON events(ts_ms);
    CREATE INDEX events_tool_cost ON events(ts_ms) WHERE (tool_cost_micro IS NOT NULL OR subscription = 1);
    CREATE TRIGGER events_moved AFTER UPDATE OF ts_ms ON events
        WHEN old.ts_ms / 900000 != new.ts_ms / 900000
            AND NOT EXISTS (SELECT 1 FROM rollup_dirty WHERE bucket = old.ts_ms / 900000)
        BEGIN INSERT INTO rollup_dirty VALUES (old.ts_ms / 900000); END;
    CREATE TRIGGER events_deleted AFTER DELETE ON events
        WHEN NOT EXISTS (SELECT 1 FROM rollup_dirty WHERE bucket = old.ts_ms / 900000)
        BEGIN INSERT INTO rollup_dirty VALUES (old.ts_ms / 900000); END;
    """,
)

SCHEMA_VERSION = len(MIGRATIONS)


class NewerSchemaError(RuntimeError):
    """The database was written by a newer Tokenworth; nothing in it is touched."""

    def __init__(self, version: int) -> None:
        super().__init__(
            f"database schema {version} is newer than this Tokenworth understands ({SCHEMA_VERSION}); update Tokenworth"
        )
        self.version = version


def migrate(conn: sqlite3.Connection, target: int = SCHEMA_VERSION) -> int:
    """Bring the database to ``target``; returns the version it had before.

    Safe when several processes start together on one file: each migration re-reads
    ``user_version`` inside ``BEGIN IMMEDIATE`` (one process at a time), so a migration
    another process has just applied is skipped, never run twice.
    """
    before = _version(conn)
    if before > SCHEMA_VERSION:
        raise NewerSchemaError(before)
    while _version(conn) < target:
        with conn:  # one transaction per migration: all of it or none
            conn.execute("BEGIN IMMEDIATE")
            version = _version(conn)  # another process may have migrated while we waited
            if version > SCHEMA_VERSION:
                raise NewerSchemaError(version)
            if version >= target:
                break
            for statement in _statements(MIGRATIONS[version]):
                conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {version + 1}")
    return before


def _version(conn: sqlite3.Connection) -> int:
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def _statements(script: str) -> list[str]:
    """Split a migration into statements, keeping trigger bodies whole."""
    out: list[str] = []
    current = ""
    for part in script.split(";"):
        current = f"{current};{part}" if current else part
        if sqlite3.complete_statement(current + ";"):
            if current.strip():
                out.append(current.strip())
            current = ""
    if current.strip():
        out.append(current.strip())
    return out
