package dev.ferry.stream;

import java.util.List;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;

import io.smallrye.mutiny.Uni;

/**
 * Turns one poll's records into the records to publish. Any state change must be committed to the database before
 * the returned Uni completes; the lane then publishes the output and the consumed offsets in one Kafka transaction.
 * A failed Uni rewinds the batch, which is delivered again: processing must be idempotent.
 */
public interface BatchProcessor {

    /** Header carrying why a record was moved to its topic's {@code .dlq}. */
    String DLQ_REASON_HEADER = "ferry-dlq-reason";

    Uni<List<ProducerRecord<String, byte[]>>> process(List<ConsumerRecord<String, byte[]>> records);
}
