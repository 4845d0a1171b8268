-- A watcher belongs to its model: removed with it, as the model's machines are. Without this, a model removed and
-- added again under its UUID found its old watchers still announcing to clients that had long gone. Watchers of
-- models already removed go now.
DELETE FROM watchers w WHERE NOT EXISTS (SELECT 1 FROM models m WHERE m.uuid = w.model_uuid);
ALTER TABLE watchers ADD CONSTRAINT watchers_model_fk FOREIGN KEY (model_uuid) REFERENCES models (uuid) ON DELETE CASCADE;
-- So do its agents' credentials: a model added again under its UUID does not know the old agents' passwords.
DELETE FROM agent_credentials c WHERE NOT EXISTS (SELECT 1 FROM models m WHERE m.uuid = c.model_uuid);
ALTER TABLE agent_credentials ADD CONSTRAINT agent_credentials_model_fk FOREIGN KEY (model_uuid)
    REFERENCES models (uuid) ON DELETE CASCADE;
