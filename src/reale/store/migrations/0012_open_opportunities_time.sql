-- The open opportunities by brand and the time of their post (see docs/web.md): every desk page
-- counts the queue in its header (open, younger than [desk.targets] max_age), the queue page the
-- older ones it leaves out, the brands page each brand's open ones; with (status, brand,
-- created_at) those counts read the index alone instead of every open row.
-- Portable SQL (SQLite and PostgreSQL); idempotent like 0002_desk.
CREATE INDEX IF NOT EXISTS opportunities_status_brand_time ON opportunities (status, brand, created_at);
