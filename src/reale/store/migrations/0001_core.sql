-- The core tables of the foundation: what was heard (posts, interactions), from whom (authors),
-- what matched a brand (mentions), where each source stands (cursors) and state snapshots.
-- Times are float seconds since the Unix epoch (UTC). List fields are JSON arrays in TEXT.
-- raw is the event's own JSON (msgspec): reads decode it back into reale.events types.

CREATE TABLE posts (
    uri TEXT PRIMARY KEY,
    network TEXT NOT NULL,
    author_id TEXT NOT NULL,
    text TEXT NOT NULL,
    created_at {{float}} NOT NULL,
    langs TEXT NOT NULL DEFAULT '[]',
    reply_parent TEXT,
    reply_root TEXT,
    quote_of TEXT,
    repost_of TEXT,
    hashtags TEXT NOT NULL DEFAULT '[]',
    mentions TEXT NOT NULL DEFAULT '[]',
    links TEXT NOT NULL DEFAULT '[]',
    received_at {{float}} NOT NULL DEFAULT 0,
    raw TEXT NOT NULL
);
CREATE INDEX posts_reply_root ON posts (reply_root);
CREATE INDEX posts_author ON posts (network, author_id);

CREATE TABLE authors (
    network TEXT NOT NULL,
    id TEXT NOT NULL,
    handle TEXT NOT NULL DEFAULT '',
    display_name TEXT NOT NULL DEFAULT '',
    followers {{bigint}},
    following {{bigint}},
    posts {{bigint}},
    created_at {{float}},
    updated_at {{float}} NOT NULL,
    PRIMARY KEY (network, id)
);

CREATE TABLE mentions (
    brand TEXT NOT NULL,
    post_uri TEXT NOT NULL,
    query TEXT NOT NULL,
    spans TEXT NOT NULL DEFAULT '[]',
    matched_at {{float}} NOT NULL,
    stored_at {{float}} NOT NULL,
    PRIMARY KEY (brand, post_uri)
);
CREATE INDEX mentions_brand_time ON mentions (brand, matched_at);
CREATE INDEX mentions_time ON mentions (matched_at);

CREATE TABLE interactions (
    uri TEXT PRIMARY KEY,
    network TEXT NOT NULL,
    kind TEXT NOT NULL,
    subject TEXT NOT NULL,
    root TEXT,
    author_id TEXT NOT NULL,
    created_at {{float}} NOT NULL,
    text TEXT NOT NULL DEFAULT '',
    received_at {{float}} NOT NULL DEFAULT 0,
    raw TEXT NOT NULL
);
CREATE INDEX interactions_subject ON interactions (subject);
CREATE INDEX interactions_root ON interactions (root);

CREATE TABLE cursors (
    source_id TEXT PRIMARY KEY,
    cursor TEXT NOT NULL,
    updated_at {{float}} NOT NULL
);

CREATE TABLE snapshots (
    name TEXT PRIMARY KEY,
    blob {{blob}} NOT NULL,
    updated_at {{float}} NOT NULL
);
