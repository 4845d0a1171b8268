package dev.ferry.foundation;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.reactive.messaging.kafka.companion.ConsumerTask;
import io.smallrye.reactive.messaging.kafka.companion.KafkaCompanion;

/** Given the embedded broker, when a request record is produced, then Ferry answers on the response topic. */
@QuarkusTest
class KafkaRoundTripTest {

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    @Test
    void givenARequestRecord_whenProduced_thenTheResponseCarriesKeyAndCorrelationId() throws Exception {
        KafkaCompanion companion = new KafkaCompanion(bootstrapServers);
        String model = UUID.randomUUID().toString();
        String correlation = UUID.randomUUID().toString();
        ConsumerTask<String, String> responses = companion.consume(Serdes.String(), Serdes.String())
                .withGroupId("test-" + correlation).withAutoCommit()
                .fromTopics("juju.rpc.responses");
        ProducerRecord<String, String> request = new ProducerRecord<>("juju.rpc.requests", model,
                "{\"request-id\":7,\"type\":\"NoSuchFacade\",\"version\":1,\"request\":\"Ping\",\"params\":{}}");
        request.headers().add("ferry-correlation-id", correlation.getBytes(StandardCharsets.UTF_8));
        companion.produce(Serdes.String(), Serdes.String()).fromRecords(request).awaitCompletion();

        var answer = responses.awaitRecords(1, Duration.ofSeconds(30)).getRecords().stream()
                .filter(r -> model.equals(r.key())).findFirst().orElseThrow();
        responses.stop();
        companion.close();
        assertThat(new String(answer.headers().lastHeader("ferry-correlation-id").value(), StandardCharsets.UTF_8))
                .isEqualTo(correlation);
        JsonNode body = new ObjectMapper().readTree(answer.value());
        assertThat(body.get("request-id").asLong()).isEqualTo(7);
        // Unsigned, so refused; what matters here is that the broker round trip works and nothing is dropped.
        assertThat(body.get("error-code").asText()).isEqualTo("unauthorized access");
        assertThat(body.get("error").asText()).isEqualTo("missing header ferry-caller");
    }
}
