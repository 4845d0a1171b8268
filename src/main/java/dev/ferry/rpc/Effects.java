package dev.ferry.rpc;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.apache.kafka.clients.producer.ProducerRecord;

import dev.ferry.rpc.ledger.RequestLedger.StoredRecord;

/**
 * Records a batch produces besides its responses (e.g. watcher changes). Collected while the database transaction
 * runs and published in the same Kafka transaction as the responses, so they are exactly-once too.
 */
public final class Effects {

    private final List<ProducerRecord<String, byte[]>> records = new ArrayList<>();

    public void publish(ProducerRecord<String, byte[]> record) {
        records.add(record);
    }

    public List<ProducerRecord<String, byte[]>> records() {
        return records;
    }

    /** The records as the ledger keeps them, to publish again if the request is delivered again. */
    public List<StoredRecord> stored() {
        return records.stream().map(r -> new StoredRecord(r.topic(), r.key(),
                new String(r.value(), StandardCharsets.UTF_8))).toList();
    }

    public static Effects of(List<StoredRecord> stored) {
        Effects effects = new Effects();
        stored.forEach(r -> effects.publish(new ProducerRecord<>(r.topic(), r.key(),
                r.value().getBytes(StandardCharsets.UTF_8))));
        return effects;
    }
}
