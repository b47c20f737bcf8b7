-- A team decision keeps the opportunity as the team saw it when deciding (its stored body then):
-- a later post in the conversation replaces opportunities.body, and what the decision teaches
-- must not change with it. '' for decisions recorded before this migration.

ALTER TABLE opportunity_decisions ADD COLUMN body TEXT NOT NULL DEFAULT ''
