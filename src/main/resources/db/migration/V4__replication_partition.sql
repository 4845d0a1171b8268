-- The partition of its topic an object's latest record came from: the instance assigned that partition is the one
-- that reconciles the object (null for rows stored before; they fall back to the key's default partition).
ALTER TABLE replication_objects ADD COLUMN kafka_partition INTEGER;
CREATE INDEX replication_objects_partition ON replication_objects (kind, kafka_partition);
-- Whether the uid came with the object's first record (metadata.uid) or was made up by Ferry: only a given uid can
-- tell a re-created object from a later record of the same one.
ALTER TABLE replication_objects ADD COLUMN uid_given BOOLEAN NOT NULL DEFAULT false;
