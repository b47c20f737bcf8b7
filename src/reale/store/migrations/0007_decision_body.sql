-- A team decision keeps the opportunity as the team saw it when deciding (its stored body then):
-- a later post in the conversation replaces opportunities.body, and what the decision teaches
-- must not change with it. '' for decisions recorded before this migration. The brand stage on
-- Kafka reads the decisions after a time every few seconds: indexed.

ALTER TABLE opportunity_decisions ADD COLUMN body TEXT NOT NULL DEFAULT '';
CREATE INDEX opportunity_decisions_at ON opportunity_decisions (at)
