-- The Juju domain as Ferry keeps it, fed by juju.model.events and changed by facade calls.
-- Every row belongs to a model; ids are Juju's (machine "0/lxd/1", unit "mysql/0", ...).

CREATE TABLE controller_config (
    key   TEXT PRIMARY KEY,
    value JSONB NOT NULL
);

CREATE TABLE model_config (
    model_uuid UUID  NOT NULL REFERENCES models (uuid) ON DELETE CASCADE,
    key        TEXT  NOT NULL,
    value      JSONB NOT NULL,
    PRIMARY KEY (model_uuid, key)
);

CREATE TABLE machines (
    model_uuid            UUID    NOT NULL REFERENCES models (uuid) ON DELETE CASCADE,
    machine_id            TEXT    NOT NULL,
    parent_id             TEXT,
    container_type        TEXT    NOT NULL DEFAULT '',
    life                  TEXT    NOT NULL DEFAULT 'alive' CHECK (life IN ('alive', 'dying', 'dead')),
    base                  TEXT    NOT NULL DEFAULT '',
    jobs                  TEXT[]  NOT NULL DEFAULT '{JobHostUnits}',
    nonce                 TEXT    NOT NULL DEFAULT '',
    placement             TEXT    NOT NULL DEFAULT '',
    instance_id           TEXT    NOT NULL DEFAULT '',
    display_name          TEXT    NOT NULL DEFAULT '',
    hardware              JSONB   NOT NULL DEFAULT '{}',
    supported_containers  TEXT[],
    keep_instance         BOOLEAN NOT NULL DEFAULT false,
    marked_for_removal    BOOLEAN NOT NULL DEFAULT false,
    charm_profiles        TEXT[]  NOT NULL DEFAULT '{}',
    agent_version         TEXT    NOT NULL DEFAULT '',
    PRIMARY KEY (model_uuid, machine_id)
);
CREATE INDEX machines_parent ON machines (model_uuid, parent_id);

CREATE TABLE constraints (
    model_uuid  UUID  NOT NULL REFERENCES models (uuid) ON DELETE CASCADE,
    entity_kind TEXT  NOT NULL CHECK (entity_kind IN ('model', 'machine', 'application')),
    entity_id   TEXT  NOT NULL,
    value       JSONB NOT NULL,
    PRIMARY KEY (model_uuid, entity_kind, entity_id)
);

CREATE TABLE charms (
    model_uuid  UUID  NOT NULL REFERENCES models (uuid) ON DELETE CASCADE,
    url         TEXT  NOT NULL,
    revision    INT   NOT NULL DEFAULT 0,
    lxd_profile JSONB,
    PRIMARY KEY (model_uuid, url)
);

CREATE TABLE applications (
    model_uuid       UUID    NOT NULL REFERENCES models (uuid) ON DELETE CASCADE,
    name             TEXT    NOT NULL,
    charm_url        TEXT    NOT NULL,
    life             TEXT    NOT NULL DEFAULT 'alive' CHECK (life IN ('alive', 'dying', 'dead')),
    subordinate      BOOLEAN NOT NULL DEFAULT false,
    endpoint_bindings JSONB  NOT NULL DEFAULT '{}',
    PRIMARY KEY (model_uuid, name)
);

CREATE TABLE units (
    model_uuid  UUID NOT NULL REFERENCES models (uuid) ON DELETE CASCADE,
    name        TEXT NOT NULL,
    application TEXT NOT NULL,
    machine_id  TEXT,
    principal   TEXT NOT NULL DEFAULT '',
    life        TEXT NOT NULL DEFAULT 'alive' CHECK (life IN ('alive', 'dying', 'dead')),
    PRIMARY KEY (model_uuid, name)
);
CREATE INDEX units_machine ON units (model_uuid, machine_id);

CREATE TABLE spaces (
    model_uuid  UUID NOT NULL REFERENCES models (uuid) ON DELETE CASCADE,
    id          TEXT NOT NULL,
    name        TEXT NOT NULL,
    provider_id TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (model_uuid, id)
);

CREATE TABLE subnets (
    model_uuid         UUID   NOT NULL REFERENCES models (uuid) ON DELETE CASCADE,
    cidr               TEXT   NOT NULL,
    provider_id        TEXT   NOT NULL DEFAULT '',
    space_id           TEXT   NOT NULL DEFAULT '0',
    availability_zones TEXT[] NOT NULL DEFAULT '{}',
    PRIMARY KEY (model_uuid, cidr)
);

CREATE TABLE link_layer_devices (
    model_uuid  UUID    NOT NULL REFERENCES models (uuid) ON DELETE CASCADE,
    machine_id  TEXT    NOT NULL,
    name        TEXT    NOT NULL,
    mac_address TEXT    NOT NULL DEFAULT '',
    type        TEXT    NOT NULL DEFAULT 'ethernet',
    parent_name TEXT    NOT NULL DEFAULT '',
    mtu         INT     NOT NULL DEFAULT 0,
    is_up       BOOLEAN NOT NULL DEFAULT true,
    PRIMARY KEY (model_uuid, machine_id, name)
);

CREATE TABLE addresses (
    model_uuid  UUID NOT NULL REFERENCES models (uuid) ON DELETE CASCADE,
    machine_id  TEXT NOT NULL,
    device_name TEXT NOT NULL,
    value       TEXT NOT NULL,
    cidr        TEXT NOT NULL DEFAULT '',
    scope       TEXT NOT NULL DEFAULT '',
    origin      TEXT NOT NULL DEFAULT 'provider',
    config_type TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (model_uuid, machine_id, device_name, value)
);

-- Statuses of any entity: machine agent ('agent'), instance ('instance'), modification ('modification'), ...
CREATE TABLE statuses (
    model_uuid  UUID        NOT NULL REFERENCES models (uuid) ON DELETE CASCADE,
    entity_kind TEXT        NOT NULL,
    entity_id   TEXT        NOT NULL,
    status_kind TEXT        NOT NULL,
    status      TEXT        NOT NULL,
    info        TEXT        NOT NULL DEFAULT '',
    data        JSONB       NOT NULL DEFAULT '{}',
    since       TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (model_uuid, entity_kind, entity_id, status_kind)
);

CREATE TABLE agent_tools (
    version   TEXT NOT NULL,
    os_type   TEXT NOT NULL,
    arch      TEXT NOT NULL,
    url       TEXT NOT NULL,
    sha256    TEXT NOT NULL,
    size      BIGINT NOT NULL,
    PRIMARY KEY (version, os_type, arch)
);

-- Agent credentials: only the HMAC key derived from the password (PBKDF2), never the password itself.
CREATE TABLE agent_credentials (
    model_uuid  UUID        NOT NULL,
    tag         TEXT        NOT NULL,
    signing_key BYTEA       NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (model_uuid, tag)
);

-- One row per answered request: the idempotency ledger. A redelivered request finds its response here.
CREATE TABLE rpc_ledger (
    caller         TEXT        NOT NULL,
    correlation_id TEXT        NOT NULL,
    response       TEXT        NOT NULL,
    -- records the call published besides its response (watcher changes), re-published on redelivery
    effects        JSONB       NOT NULL DEFAULT '[]',
    answered_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (caller, correlation_id)
);
CREATE INDEX rpc_ledger_answered_at ON rpc_ledger (answered_at);

-- Model events already applied (idempotent ingestion).
CREATE TABLE model_event_ledger (
    event_id   TEXT        PRIMARY KEY,
    applied_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX model_event_ledger_applied_at ON model_event_ledger (applied_at);

-- Watchers are state, not memory: they outlive a restart.
CREATE TABLE watchers (
    watcher_id  TEXT        PRIMARY KEY,
    model_uuid  UUID        NOT NULL,
    owner_tag   TEXT        NOT NULL,
    watcher_type TEXT       NOT NULL CHECK (watcher_type IN ('StringsWatcher', 'NotifyWatcher')),
    subject     TEXT        NOT NULL,
    scope       TEXT        NOT NULL DEFAULT '',
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX watchers_subject ON watchers (model_uuid, subject);
