-- What a desk process that does not write (reale serve beside Kafka workers or another runner)
-- needs to follow the store: when each mention, opportunity and moment was stored, indexed.
-- mentions.stored_at exists since 0001; opportunities and moments get theirs here (0: stored
-- before this migration). Times are float seconds since the Unix epoch (the writer's clock).

ALTER TABLE opportunities ADD COLUMN stored_at {{float}} NOT NULL DEFAULT 0;
ALTER TABLE moments ADD COLUMN stored_at {{float}} NOT NULL DEFAULT 0;
CREATE INDEX mentions_stored ON mentions (stored_at);
CREATE INDEX opportunities_stored ON opportunities (stored_at);
CREATE INDEX moments_stored ON moments (stored_at)
