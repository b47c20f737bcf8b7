-- The desk's tables: replies, their decisions (the audit log), publications and the team.
-- Portable SQL (SQLite and PostgreSQL); every statement is idempotent so it can run at each start.
CREATE TABLE IF NOT EXISTS desk_members (
    name TEXT PRIMARY KEY,
    role TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS desk_replies (
    id TEXT PRIMARY KEY,
    brand TEXT NOT NULL,
    account TEXT NOT NULL,
    state TEXT NOT NULL,
    kind TEXT NOT NULL,
    created_at DOUBLE PRECISION NOT NULL,
    updated_at DOUBLE PRECISION NOT NULL,
    body TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS desk_replies_brand_state ON desk_replies (brand, state);
CREATE TABLE IF NOT EXISTS desk_decisions (
    id TEXT PRIMARY KEY,
    reply_id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    action TEXT NOT NULL,
    actor TEXT NOT NULL,
    role TEXT NOT NULL,
    at DOUBLE PRECISION NOT NULL,
    comment TEXT NOT NULL,
    text_digest TEXT NOT NULL,
    UNIQUE (reply_id, seq)
);
CREATE INDEX IF NOT EXISTS desk_decisions_reply ON desk_decisions (reply_id, seq);
CREATE TABLE IF NOT EXISTS desk_publications (
    reply_id TEXT PRIMARY KEY,
    network TEXT NOT NULL,
    account TEXT NOT NULL,
    state TEXT NOT NULL,
    at DOUBLE PRECISION NOT NULL,
    body TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS desk_publications_account ON desk_publications (account, at);
