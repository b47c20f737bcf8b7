-- The alert outbox: one row per delivery of an alert to a channel (or of a digest). A row is
-- written when the alert is submitted and changed only by the dispatcher, so nothing is lost
-- across a crash. States: held (waiting for quiet hours or a digest), pending (to send),
-- sent, dead (given up after max_attempts; requeue with `reale alerts --retry ID`),
-- digested (folded into a digest row). Rows of one (brand, channel) lane go out in id order.
-- Times are float seconds since the Unix epoch (UTC). message is the Message as JSON.

CREATE TABLE IF NOT EXISTS alert_outbox (
    id {{autoid}},
    delivery_id TEXT NOT NULL UNIQUE,
    brand TEXT NOT NULL,
    channel TEXT NOT NULL,
    rule TEXT NOT NULL,
    dedup_key TEXT NOT NULL,
    alert_id TEXT NOT NULL,
    event TEXT NOT NULL,
    state TEXT NOT NULL,
    severity INTEGER NOT NULL,
    score {{float}},
    message TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_at {{float}} NOT NULL,
    created_at {{float}} NOT NULL,
    sent_at {{float}},
    last_error TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS alert_outbox_lane ON alert_outbox (state, brand, channel, id);
CREATE INDEX IF NOT EXISTS alert_outbox_key ON alert_outbox (channel, dedup_key, id);
