-- Backfills that run after the migrations' transaction, a batch per transaction, so a large store
-- is never locked for a whole fill (reale.store.backfill): one row per backfill, with the last
-- mention key it has done and whether it finished. 'mentions.post_at' fills the post time of the
-- mentions stored before 0013 (0 until then); it is set up only where a mention has post_at 0.
-- Portable SQL (SQLite and PostgreSQL).
CREATE TABLE store_backfills (
    name TEXT PRIMARY KEY,
    brand TEXT NOT NULL DEFAULT '',
    post_uri TEXT NOT NULL DEFAULT '',
    done INTEGER NOT NULL DEFAULT 0
);
INSERT INTO store_backfills (name)
SELECT 'mentions.post_at' WHERE EXISTS (SELECT 1 FROM mentions WHERE post_at = 0)
