-- metadata.uid is a Kubernetes types.UID: any string. A record's uid is kept as it came (Kubernetes makes UUIDs,
-- other producers may not), so that the uid published is the uid sent and another uid is another object.
ALTER TABLE replication_objects ALTER COLUMN uid TYPE TEXT USING uid::text;
