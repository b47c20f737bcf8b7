-- A mention carries the time of its post (post_at, the post's created_at), so reports count this
-- week's mentions by when they were posted, like opportunities, not by when Reale matched them:
-- a replayed recording or a late-arriving post falls on its post's day (see docs/web.md).
-- Indexed like matched_at: per brand and overall, so a period's count reads the index alone.
-- Rows written before this migration take their post's time from posts (matched_at when the post
-- is gone) after the migrations' transaction, a batch per transaction (reale.store.backfill, set
-- up by 0017): the first text of this file filled them in one UPDATE inside it, which held
-- ALTER TABLE's lock on mentions for the whole fill of a large PostgreSQL store. A store that
-- applied that text (already filled) keeps it: its checksums, per backend, follow.
-- was sha256 41079059f9e42c6337032233a65c0b28b7bef27187821d392445658ab4d74e49
-- was sha256 02147763b87978ec3e1b86b237d80eb214c75ea536ee826d5b2d4c608cb5a4f6
-- (IF NOT EXISTS: an operator may build the indexes beforehand with CREATE INDEX CONCURRENTLY.)
-- Portable SQL (SQLite and PostgreSQL).
ALTER TABLE mentions ADD COLUMN post_at {{float}} NOT NULL DEFAULT 0;
CREATE INDEX IF NOT EXISTS mentions_brand_post_time ON mentions (brand, post_at);
CREATE INDEX IF NOT EXISTS mentions_post_time ON mentions (post_at)
