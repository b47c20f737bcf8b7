-- One answer per post across processes (see docs/publishing.md): before a reply goes out, its
-- publisher claims the post it answers for the account, in the same transaction that records the
-- publication as pending, so two desks (or a desk and a worker) sharing this store cannot both
-- send. slot is '' for the one answer to a post, the reply's id for a further reply (which may
-- follow). A claim whose publication failed for certain is released (deleted, or taken over).
-- Portable SQL (SQLite and PostgreSQL); idempotent like 0002_desk.
CREATE TABLE IF NOT EXISTS publish_claims (
    account TEXT NOT NULL,
    target_uri TEXT NOT NULL,
    slot TEXT NOT NULL,
    reply_id TEXT NOT NULL,
    claimed_at DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (account, target_uri, slot)
);
CREATE INDEX IF NOT EXISTS publish_claims_reply ON publish_claims (reply_id);
