-- Writers no longer update a row per rollup bucket (an upsert of rollup_buckets.wrote: two writers
-- of one brand's hour waited on that row until the first committed). A write now only appends a
-- mark per distinct bucket it changes to rollup_touches, which has no unique key, so appends never
-- wait on each other; rollup_states holds a row per bucket the rollups have counted, which a
-- rolling desk locks to claim the bucket (reale.web.rollup, docs/web.md "Rollups").
-- A bucket is read from the rollup when it has a state row and no touch, from the raw mentions
-- while it has a touch. The conversion keeps what 0016 knew: every bucket it tracked gets a state
-- row, and every one it had not rolled up to date (rolled <> wrote) a touch.
-- Portable SQL (SQLite and PostgreSQL).
CREATE TABLE rollup_touches (
    brand TEXT NOT NULL,
    kind TEXT NOT NULL,
    bucket {{bigint}} NOT NULL
);
CREATE INDEX rollup_touches_bucket ON rollup_touches (brand, kind, bucket);
CREATE TABLE rollup_states (
    brand TEXT NOT NULL,
    kind TEXT NOT NULL,
    bucket {{bigint}} NOT NULL,
    PRIMARY KEY (brand, kind, bucket)
);
INSERT INTO rollup_touches (brand, kind, bucket)
SELECT brand, kind, bucket FROM rollup_buckets WHERE rolled <> wrote;
INSERT INTO rollup_states (brand, kind, bucket)
SELECT brand, kind, bucket FROM rollup_buckets;
DROP TABLE rollup_buckets
