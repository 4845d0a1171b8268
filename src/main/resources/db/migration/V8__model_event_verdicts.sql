-- Why an event was dead-lettered, by where it was read. Delivered again (after a crash between the database commit
-- and the Kafka commit) it gets the same verdict, although the events applied with it may have made it valid since:
-- judged again, it would now be applied, after them rather than in its place. Sent again, it has another offset and
-- is judged afresh. The verdict is repeated only for the same bytes (record_digest: SHA-256 of key and value), so
-- that a topic created anew, whose offsets start again, is judged afresh too.
CREATE TABLE model_event_verdicts (
    topic           TEXT        NOT NULL,
    kafka_partition INTEGER     NOT NULL,
    kafka_offset    BIGINT      NOT NULL,
    record_digest   TEXT        NOT NULL,
    reason          TEXT        NOT NULL,
    decided_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (topic, kafka_partition, kafka_offset)
);
