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

    /** The record as it came (key, value, headers, timestamp) for its topic's {@code .dlq}, with why. */
    static ProducerRecord<String, byte[]> deadLetter(ConsumerRecord<String, byte[]> record, String reason) {
        ProducerRecord<String, byte[]> dead = new ProducerRecord<>(record.topic() + ".dlq", null, record.timestamp(),
                record.key(), record.value(), record.headers());
        dead.headers().add(DLQ_REASON_HEADER, reason.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        return dead;
    }

    Uni<List<ProducerRecord<String, byte[]>>> process(List<ConsumerRecord<String, byte[]>> records);

    /**
     * Whether what processing depends on (its database) answers now. A record that keeps failing alone is blamed on
     * itself only while this is true; otherwise (an outage) it is kept and retried, never dead-lettered or answered
     * as unprocessable: nothing is lost to an outage.
     */
    default Uni<Boolean> ready() {
        return Uni.createFrom().item(true);
    }

    /**
     * What to publish for a record whose processing failed repeatedly, alone, instead of moving it to the dead-letter
     * topic: an error answer, where the record can still be answered. Empty (the default): the dead-letter topic.
     * Must not fail; nothing is stored.
     */
    default List<ProducerRecord<String, byte[]>> unprocessable(ConsumerRecord<String, byte[]> record, String failure) {
        return List.of();
    }
}
