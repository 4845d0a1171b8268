-- VolSync ReplicationSource / ReplicationDestination objects (from volsync.replication-*) and their status.
-- object: the record as accepted (apiVersion, kind, metadata, spec; no status); status: the CRD status document.
-- invalid: why the last record could not be accepted (then the object only carries an Error condition).
CREATE TABLE replication_objects (
    kind        TEXT        NOT NULL CHECK (kind IN ('ReplicationSource', 'ReplicationDestination')),
    namespace   TEXT        NOT NULL,
    name        TEXT        NOT NULL,
    uid         UUID        NOT NULL,
    generation  BIGINT      NOT NULL DEFAULT 1,
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    object      JSONB       NOT NULL,
    invalid     TEXT,
    status      JSONB,
    updated_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (kind, namespace, name)
);
