-- Models known to Ferry (fed by juju.model.events); the root of every other Juju entity.
CREATE TABLE models (
    uuid            UUID PRIMARY KEY,
    name            TEXT        NOT NULL,
    owner_tag       TEXT        NOT NULL,
    model_type      TEXT        NOT NULL DEFAULT 'iaas' CHECK (model_type IN ('iaas', 'caas')),
    life            TEXT        NOT NULL DEFAULT 'alive' CHECK (life IN ('alive', 'dying', 'dead')),
    migration_mode  TEXT        NOT NULL DEFAULT '' CHECK (migration_mode IN ('', 'importing', 'exporting')),
    cloud           TEXT        NOT NULL DEFAULT '',
    cloud_region    TEXT        NOT NULL DEFAULT '',
    agent_version   TEXT        NOT NULL DEFAULT '',
    created_at      TIMESTAMPTZ NOT NULL DEFAULT now()
);
