-- Whether an applied event changed its entity's life cycle (came, went, or changed its life): only such machine
-- events are announced to watchers, as Juju's lifecycle watchers report, and a redelivered event is announced again
-- only if it was the first time. Null for events applied before, which were announced whenever they named a life.
ALTER TABLE model_event_ledger ADD COLUMN life_cycle_changed BOOLEAN;
