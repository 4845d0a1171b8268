package dev.ferry.state.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.ferry.stream.BatchProcessor;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.vertx.VertxContextSupport;
import jakarta.inject.Inject;

/**
 * A poll delivered again (a crash between the database commit and the Kafka commit) gets the same answer for every
 * record, although the events applied in it have changed the state its dead-lettered events were judged against.
 */
@QuarkusTest
class ModelEventRedeliveryTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final long TIMESTAMP = System.currentTimeMillis();

    @Inject
    ModelEventProcessor processor;

    private final String topic = "juju.model.events.redelivery-" + UUID.randomUUID();
    private final String model = UUID.randomUUID().toString();

    @Test
    void aDeadLetteredEventDeliveredAgainIsDeadLetteredAgain_evenWhenTheEventsAfterItWouldNowMakeItValid()
            throws Throwable {
        List<ConsumerRecord<String, byte[]>> poll = List.of(
                record(0, event("model", "added", Map.of("name", "redelivery-" + model.substring(0, 8), "owner-tag",
                        "user-admin", "cloud", "lxd"))),
                record(1, event("machine", "changed", Map.of("machine-id", "5", "life", "dying"))),
                record(2, event("machine", "added", Map.of("machine-id", "5", "base", "ubuntu@22.04"))));

        assertThat(deadLetters(process(poll))).containsExactly("no machine \"5\" to change");
        assertThat(deadLetters(process(poll))).as("the same poll again: the same answers, the change not applied")
                .containsExactly("no machine \"5\" to change");

        // Sent again, the change is another record (another offset): judged afresh, now it applies.
        assertThat(deadLetters(process(List.of(record(3, poll.get(1).value()))))).isEmpty();
        // Other bytes at a used offset (a topic created anew): judged afresh too.
        assertThat(deadLetters(process(List.of(record(1, event("machine", "changed",
                Map.of("machine-id", "5", "life", "dead"))))))).isEmpty();
        // And what such a record is refused for is what its own redelivery gets.
        List<ConsumerRecord<String, byte[]>> anew = List.of(
                record(1, event("machine", "changed", Map.of("machine-id", "6", "life", "dying"))),
                record(2, event("machine", "added", Map.of("machine-id", "6", "base", "ubuntu@22.04"))));
        assertThat(deadLetters(process(anew))).containsExactly("no machine \"6\" to change");
        assertThat(deadLetters(process(anew))).containsExactly("no machine \"6\" to change");
    }

    private List<ProducerRecord<String, byte[]>> process(List<ConsumerRecord<String, byte[]>> records)
            throws Throwable {
        return VertxContextSupport.subscribeAndAwait(() -> processor.process(records));
    }

    private static List<String> deadLetters(List<ProducerRecord<String, byte[]>> output) {
        return output.stream().map(r -> r.headers().lastHeader(BatchProcessor.DLQ_REASON_HEADER))
                .filter(java.util.Objects::nonNull).map(Header::value)
                .map(v -> new String(v, StandardCharsets.UTF_8)).toList();
    }

    private ConsumerRecord<String, byte[]> record(long offset, byte[] value) {
        return new ConsumerRecord<>(topic, 0, offset, TIMESTAMP, TimestampType.CREATE_TIME, model.length(),
                value.length, model, value, new RecordHeaders(), Optional.empty());
    }

    private byte[] event(String kind, String action, Map<String, Object> data) throws Exception {
        return MAPPER.writeValueAsBytes(Map.of("event-id", "e-" + UUID.randomUUID(), "model-uuid", model, "kind", kind,
                "action", action, "data", data));
    }
}
