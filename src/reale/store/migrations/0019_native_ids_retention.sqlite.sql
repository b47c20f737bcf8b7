-- The networks' own ids of stored posts where a deletion names a post by that id alone (a
-- Mastodon stream's `delete` says only the status id on the streaming server): the writer
-- resolves `mastodon://HOST/statuses/ID` to the stored post's URI through this table, whatever
-- the parser remembers (docs/deletions.md). Mastodon posts stored before keep their id in the
-- kept JSON's `cursor`: filled from it here.
CREATE TABLE native_ids (
    network TEXT NOT NULL,
    native_id TEXT NOT NULL,
    uri TEXT NOT NULL,
    PRIMARY KEY (network, native_id, uri)
);
INSERT INTO native_ids (network, native_id, uri)
SELECT network, json_extract(raw, '$.cursor'), uri FROM posts
WHERE network = 'mastodon' AND json_valid(raw) AND json_extract(raw, '$.cursor') IS NOT NULL
ON CONFLICT DO NOTHING;
-- Retention (`reale store prune`, docs/deletions.md): a post whose words were erased because
-- it is older than the store keeps them has erased_at set (NULL: not erased); posts are found by
-- their time (posts_created, 0003).
ALTER TABLE posts ADD COLUMN erased_at {{float}}
