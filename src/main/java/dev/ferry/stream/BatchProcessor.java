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

    /** Header of a dead letter whose value was cut (the whole record could not be published): the value's length. */
    String DLQ_TRUNCATED_HEADER = "ferry-dlq-truncated";
    /** What a cut dead letter keeps of its value: enough to tell which record it was. */
    int DLQ_TRUNCATED_BYTES = 16 * 1024;
    /** The longest reason a dead letter carries. */
    int MAX_REASON_CHARS = 1024;

    /** The record as it came (key, value, headers, timestamp) for its topic's {@code .dlq}, with why. */
    static ProducerRecord<String, byte[]> deadLetter(ConsumerRecord<String, byte[]> record, String reason) {
        return deadLetter(record, reason, false);
    }

    /**
     * As {@link #deadLetter(ConsumerRecord, String)}, the value cut to {@link #DLQ_TRUNCATED_BYTES} when {@code cut}
     * and longer: for a record the dead-letter topic refused whole (too large for it), so that the lane goes on.
     */
    static ProducerRecord<String, byte[]> deadLetter(ConsumerRecord<String, byte[]> record, String reason, boolean cut) {
        byte[] value = record.value();
        boolean cutting = cut && value != null && value.length > DLQ_TRUNCATED_BYTES;
        ProducerRecord<String, byte[]> dead = new ProducerRecord<>(record.topic() + ".dlq", null, record.timestamp(),
                record.key(), cutting ? java.util.Arrays.copyOf(value, DLQ_TRUNCATED_BYTES) : value, record.headers());
        // A reason quoting the record (an exception's message may) must not double its size.
        String shortReason = reason.length() <= MAX_REASON_CHARS ? reason
                : reason.substring(0, MAX_REASON_CHARS) + "…";
        dead.headers().add(DLQ_REASON_HEADER, shortReason.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        if (cutting) {
            dead.headers().add(DLQ_TRUNCATED_HEADER,
                    Integer.toString(value.length).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
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
