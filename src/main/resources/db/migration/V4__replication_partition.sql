-- The partition of its topic an object's latest record came from: the instance assigned that partition is the one
-- that reconciles the object (null for rows stored before; they fall back to the key's default partition).
ALTER TABLE replication_objects ADD COLUMN kafka_partition INTEGER;
CREATE INDEX replication_objects_partition ON replication_objects (kind, kafka_partition);
