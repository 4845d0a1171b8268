-- What an applied event said (SHA-256 of its kind, action, model and data, keys sorted): an event id sent again with
-- other content is another event under a used id, and is dead-lettered rather than dropped as a redelivery. Null for
-- events applied before.
ALTER TABLE model_event_ledger ADD COLUMN digest TEXT;
