-- Retention (reale.store.retention.due) looks for the oldest posts whose words are still kept,
-- at most once a minute in every writing process when [store] keep_text_days is set: without an
-- index that was a scan and sort of the whole posts table each time. A partial index holds only
-- the posts still keeping their words, by post time. Portable SQL (SQLite and PostgreSQL); it
-- reads `posts` once when the store is upgraded.
CREATE INDEX IF NOT EXISTS posts_words_kept ON posts (created_at) WHERE deleted_at IS NULL AND erased_at IS NULL
