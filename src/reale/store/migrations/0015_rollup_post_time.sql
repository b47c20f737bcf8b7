-- The brand pages' rollups count mentions by their post's time (post_at), like reports: they take
-- in the mentions stored before a watermark (stored_at, which only grows) and add each to its
-- post's hour or day, so a replayed or late post lands in its old bucket (reale.web.rollup).
-- The rollups built so far counted by matched_at: drop them (they rebuild on the next page view).
-- Indexed per brand by stored_at, so a read finds the mentions stored since the watermark alone.
-- Portable SQL (SQLite and PostgreSQL).
DELETE FROM brand_hours;
DELETE FROM brand_author_days;
DELETE FROM rollup_marks;
CREATE INDEX mentions_brand_stored ON mentions (brand, stored_at)
