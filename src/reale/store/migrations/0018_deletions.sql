-- Deletions from the networks (see docs/deletions.md): one tombstone per deleted post URI, kept
-- whether or not the post is stored, so a delete that arrives before its post (or twice) is
-- applied once the post is stored. A deleted post keeps its row for counts and reports, with
-- its text, links, hashtags and mentions erased and deleted_at set (NULL: not deleted).
-- A tombstone of a post the store does not hold is dropped after a while (stored_at, the
-- writer's clock): a post does not arrive days after its deletion.
-- Times are float seconds since the Unix epoch (UTC). Portable SQL (SQLite and PostgreSQL).
CREATE TABLE deletions (
    uri TEXT PRIMARY KEY,
    network TEXT NOT NULL,
    author_id TEXT NOT NULL DEFAULT '',
    deleted_at {{float}} NOT NULL,
    received_at {{float}} NOT NULL DEFAULT 0,
    stored_at {{float}} NOT NULL DEFAULT 0
);
CREATE INDEX deletions_stored ON deletions (stored_at);
ALTER TABLE posts ADD COLUMN deleted_at {{float}}
