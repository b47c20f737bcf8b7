-- What the web desk reads besides the core tables: opportunities (with their signals), the team's
-- decisions on them, moments, understanding labels, aftermath, and the desk's users, sessions
-- and extra watch-queries. Bodies are msgspec JSON of the records in reale.web.records.
-- (0002 is the desk's approval schema: desk_members, desk_replies, desk_decisions, ...)

CREATE TABLE opportunities (
    key TEXT PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    brand TEXT NOT NULL,
    kind TEXT NOT NULL,
    score {{float}} NOT NULL,
    status TEXT NOT NULL DEFAULT 'open',
    post_uri TEXT NOT NULL,
    root_uri TEXT NOT NULL,
    author TEXT NOT NULL DEFAULT '',
    text TEXT NOT NULL DEFAULT '',
    lang TEXT NOT NULL DEFAULT '',
    verdict TEXT NOT NULL DEFAULT '',
    created_at {{float}} NOT NULL,
    updated_at {{float}} NOT NULL,
    decided_at {{float}},
    decided_by TEXT NOT NULL DEFAULT '',
    body TEXT NOT NULL
);
CREATE INDEX opportunities_status_score ON opportunities (status, score);
CREATE INDEX opportunities_brand_time ON opportunities (brand, created_at);
CREATE INDEX opportunities_time ON opportunities (created_at);
CREATE INDEX opportunities_post ON opportunities (post_uri);

CREATE TABLE opportunity_decisions (
    id {{autoid}},
    opportunity_key TEXT NOT NULL,
    action TEXT NOT NULL,
    actor TEXT NOT NULL,
    role TEXT NOT NULL,
    at {{float}} NOT NULL,
    comment TEXT NOT NULL DEFAULT ''
);
CREATE INDEX opportunity_decisions_key ON opportunity_decisions (opportunity_key, at);

CREATE TABLE moments (
    id TEXT PRIMARY KEY,
    scope TEXT NOT NULL,
    term TEXT NOT NULL,
    at {{float}} NOT NULL,
    verdict TEXT NOT NULL DEFAULT '',
    ratio {{float}} NOT NULL DEFAULT 0,
    count INTEGER NOT NULL DEFAULT 0,
    body TEXT NOT NULL
);
CREATE INDEX moments_time ON moments (at);
CREATE INDEX moments_scope_time ON moments (scope, at);

CREATE TABLE labels (
    post_uri TEXT PRIMARY KEY,
    lang TEXT NOT NULL DEFAULT '',
    sentiment TEXT NOT NULL DEFAULT '',
    intent TEXT NOT NULL DEFAULT '',
    updated_at {{float}} NOT NULL,
    body TEXT NOT NULL
);

CREATE TABLE aftermath (
    opportunity_key TEXT PRIMARY KEY,
    updated_at {{float}} NOT NULL,
    body TEXT NOT NULL
);

CREATE TABLE web_users (
    name TEXT PRIMARY KEY,
    password_hash TEXT NOT NULL,
    lang TEXT NOT NULL DEFAULT '',
    disabled INTEGER NOT NULL DEFAULT 0,
    created_at {{float}} NOT NULL,
    updated_at {{float}} NOT NULL
);

CREATE TABLE web_sessions (
    id_hash TEXT PRIMARY KEY,
    user_name TEXT NOT NULL,
    csrf TEXT NOT NULL,
    created_at {{float}} NOT NULL,
    last_seen {{float}} NOT NULL,
    expires_at {{float}} NOT NULL
);
CREATE INDEX web_sessions_user ON web_sessions (user_name);

CREATE TABLE watch_queries (
    id {{autoid}},
    brand TEXT NOT NULL,
    query TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at {{float}} NOT NULL
);
CREATE INDEX watch_queries_brand ON watch_queries (brand);

-- Rollups behind the brand pages, built incrementally from closed hours and days (reale.web.rollup):
-- mentions per brand, hour, sentiment and intent; mentions per brand, day and author.
CREATE TABLE brand_hours (
    brand TEXT NOT NULL,
    hour {{bigint}} NOT NULL,
    sentiment TEXT NOT NULL,
    intent TEXT NOT NULL,
    n INTEGER NOT NULL,
    PRIMARY KEY (brand, hour, sentiment, intent)
);
CREATE TABLE brand_author_days (
    brand TEXT NOT NULL,
    day {{bigint}} NOT NULL,
    network TEXT NOT NULL,
    author_id TEXT NOT NULL,
    n INTEGER NOT NULL,
    PRIMARY KEY (brand, day, network, author_id)
);
CREATE TABLE rollup_marks (
    name TEXT PRIMARY KEY,
    mark {{bigint}} NOT NULL
);

-- The live page's first screen, the query preview and reports read posts by time.
CREATE INDEX posts_created ON posts (created_at)
