-- The brand pages' rollups are kept exact by bucket, not by a stored_at watermark: a mention
-- stored late (a writer whose clock lags, a transaction open for long, a backlog) or a label
-- arriving late bumps `wrote` of its brand's post hour ('h') and post day ('d') in the same
-- transaction (reale.store.buckets); a bucket is rolled up when `rolled` = `wrote`, and read from
-- the raw mentions while they differ (reale.web.rollup, docs/web.md "Rollups").
-- The rollups built by watermark are dropped; every bucket holding mentions starts unrolled
-- (bucket b holds post_at in [b * width, (b + 1) * width): the CASEs correct the division's
-- rounding; times beyond +-4e12 s count at that bound). mentions(post_uri) finds the mentions a
-- label changes; it is built last, so its lock on mentions (writes wait) is taken after the scan.
-- Portable SQL (SQLite and PostgreSQL).
CREATE TABLE rollup_buckets (
    brand TEXT NOT NULL,
    kind TEXT NOT NULL,
    bucket {{bigint}} NOT NULL,
    wrote {{bigint}} NOT NULL,
    rolled {{bigint}} NOT NULL,
    PRIMARY KEY (brand, kind, bucket)
);
CREATE INDEX rollup_buckets_unrolled ON rollup_buckets (brand, kind, bucket) WHERE rolled <> wrote;
DELETE FROM brand_hours;
DELETE FROM brand_author_days;
DELETE FROM rollup_marks;
INSERT INTO rollup_buckets (brand, kind, bucket, wrote, rolled)
SELECT brand, kind, b - CASE WHEN t < b * width THEN 1 ELSE 0 END
                      + CASE WHEN t >= (b + 1) * width THEN 1 ELSE 0 END AS bucket, 1, 0
FROM (SELECT brand, kind, width, t, CAST(t / width AS {{bigint}}) AS b
      FROM (SELECT brand, CASE WHEN post_at > 4e12 THEN 4e12 WHEN post_at < -4e12 THEN -4e12
                          ELSE post_at END AS t FROM mentions) m
      CROSS JOIN (SELECT 'h' AS kind, 3600.0 AS width UNION ALL SELECT 'd', 86400.0) k) s
GROUP BY brand, kind, b - CASE WHEN t < b * width THEN 1 ELSE 0 END
                      + CASE WHEN t >= (b + 1) * width THEN 1 ELSE 0 END;
CREATE INDEX IF NOT EXISTS mentions_post ON mentions (post_uri)
