-- The order of the alert rules as an admin arranged it on the desk's Rules page (see
-- docs/alerts.md): one row per rule name, position ascending. Empty until the first move: the
-- rules then keep their default order (the config's in config order, then the desk's in the
-- order they were made). A rule not listed here (added later) comes after the listed ones.

CREATE TABLE IF NOT EXISTS alert_rule_order (
    name TEXT PRIMARY KEY,
    position {{bigint}} NOT NULL
);
