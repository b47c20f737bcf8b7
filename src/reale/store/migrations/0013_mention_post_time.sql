-- A mention carries the time of its post (post_at, the post's created_at), so reports count this
-- week's mentions by when they were posted, like opportunities, not by when Reale matched them:
-- a replayed recording or a late-arriving post falls on its post's day (see docs/web.md). Rows
-- written before this migration take their post's time from posts (matched_at when the post is
-- gone). Indexed like matched_at: per brand and overall, so a period's count reads the index alone.
-- Portable SQL (SQLite and PostgreSQL).
ALTER TABLE mentions ADD COLUMN post_at {{float}} NOT NULL DEFAULT 0;
UPDATE mentions SET post_at = COALESCE(
    (SELECT p.created_at FROM posts p WHERE p.uri = mentions.post_uri), matched_at);
CREATE INDEX mentions_brand_post_time ON mentions (brand, post_at);
CREATE INDEX mentions_post_time ON mentions (post_at)
