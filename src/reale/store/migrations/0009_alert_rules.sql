-- Alert rules edited in the web desk, laid over the [alerts] rules of the config (see
-- docs/alerts.md): one row per rule the desk made, edited, disabled or enabled. origin is
-- 'config' (the row overrides the config rule of that name until reverted) or 'desk' (a rule
-- made in the desk). rule is the whole rule as JSON, or '' for a config rule only disabled or
-- enabled; base is the config rule as it was when edited (JSON), to tell when the config changed.
-- alert_rule_log keeps who changed which rule when (the audit trail the Rules page shows).
-- Times are float seconds since the Unix epoch (UTC).

CREATE TABLE IF NOT EXISTS alert_rules (
    name TEXT PRIMARY KEY,
    origin TEXT NOT NULL,
    rule TEXT NOT NULL DEFAULT '',
    disabled INTEGER NOT NULL DEFAULT 0,
    base TEXT NOT NULL DEFAULT '',
    updated_by TEXT NOT NULL DEFAULT '',
    updated_at {{float}} NOT NULL,
    position {{bigint}} NOT NULL DEFAULT 0
);

CREATE TABLE IF NOT EXISTS alert_rule_log (
    id {{autoid}},
    name TEXT NOT NULL,
    action TEXT NOT NULL,
    rule TEXT NOT NULL DEFAULT '',
    by_user TEXT NOT NULL DEFAULT '',
    at {{float}} NOT NULL
);
CREATE INDEX IF NOT EXISTS alert_rule_log_at ON alert_rule_log (at, id);
