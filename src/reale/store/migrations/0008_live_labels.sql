-- The store follower of a desk process that does not write (reale serve beside Kafka workers)
-- also follows labels: on Kafka a `stages` worker labels a mention after the matcher stored it,
-- and the live feed updates the row it already showed. When each labels row was (last) stored,
-- indexed with the key (a batch shares one stamp; the scan orders its ties by key); 0: stored
-- before this migration. Float seconds since the Unix epoch (writer's clock).

ALTER TABLE labels ADD COLUMN stored_at {{float}} NOT NULL DEFAULT 0;
CREATE INDEX labels_stored ON labels (stored_at, post_uri)
