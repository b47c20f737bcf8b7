-- Author profiles fetched from the networks (followers, following, posts, account age) and the
-- authors whose profile is wanted, shared by every process of a deployment: the Kafka stages
-- workers ask for the profiles their reach needs (profile_wants, one row per author however many
-- ask), and the one fetcher holding the lease fetches them under the networks' rate limits into
-- author_profiles. found is 0 when the network says the account does not exist. Times are float
-- seconds since the Unix epoch (UTC); fetched_at is the fetcher's clock.

CREATE TABLE author_profiles (
    network TEXT NOT NULL,
    id TEXT NOT NULL,
    handle TEXT NOT NULL DEFAULT '',
    followers {{bigint}},
    following {{bigint}},
    posts {{bigint}},
    created_at {{float}},
    fetched_at {{float}} NOT NULL,
    found INTEGER NOT NULL DEFAULT 1,
    PRIMARY KEY (network, id)
);
CREATE INDEX author_profiles_fetched ON author_profiles (fetched_at);

CREATE TABLE profile_wants (
    network TEXT NOT NULL,
    id TEXT NOT NULL,
    wanted_at {{float}} NOT NULL,
    PRIMARY KEY (network, id)
);
CREATE INDEX profile_wants_oldest ON profile_wants (wanted_at)
