package dev.ferry.client;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.ferry.rpc.auth.FerryHeaders;
import dev.ferry.rpc.auth.KeyLookup;
import dev.ferry.rpc.auth.SignatureVerifier;
import dev.ferry.rpc.auth.Verdict;

/**
 * A stand-in for Ferry in client tests, on plain kafka-clients: consumes the test requests topic, verifies each
 * record's signature, and answers on its {@code ferry-reply-to} topic with the correlation id copied — an echo of
 * the request, an {@code unauthorized access} error, or a {@code bad request} for malformed JSON. Method
 * {@code Ignore} gets no answer, so that tests can see timeouts.
 */
final class EchoResponder implements AutoCloseable {

    private final ObjectMapper mapper = new ObjectMapper();
    private final SignatureVerifier verifier = SignatureVerifier.withDefaults();
    private final KeyLookup keys;
    private final KafkaConsumer<String, byte[]> consumer;
    private final KafkaProducer<String, byte[]> producer;
    private final Thread thread;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicInteger seen = new AtomicInteger();

    EchoResponder(String bootstrapServers, String requestsTopic, KeyLookup keys) {
        this.keys = keys;
        consumer = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.GROUP_ID_CONFIG, "echo-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName(),
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName()));
        producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.LINGER_MS_CONFIG, 2,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName(),
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName()));
        consumer.subscribe(List.of(requestsTopic));
        thread = new Thread(this::run, "echo-responder");
        thread.setDaemon(true);
        thread.start();
    }

    /** Request records seen so far. */
    int seen() {
        return seen.get();
    }

    private void run() {
        try {
            while (running.get()) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(50))) {
                    seen.incrementAndGet();
                    answer(record);
                }
            }
        } catch (WakeupException e) {
            // closing
        } finally {
            consumer.close(Duration.ZERO);
        }
    }

    private void answer(ConsumerRecord<String, byte[]> record) {
        Map<String, Object> response = new LinkedHashMap<>();
        JsonNode body;
        try {
            body = mapper.readTree(record.value());
        } catch (Exception e) {
            body = null;
        }
        response.put("request-id", body == null ? 0 : body.path("request-id").asLong());
        Verdict verdict = verifier.verify(record.topic(), record.key(), record.headers(), record.value(), keys);
        if (verdict instanceof Verdict.Refused refused) {
            response.put("error", refused.message());
            response.put("error-code", "unauthorized access");
            response.put("error-info", Map.of("reason", refused.reason().name()));
        } else if (body == null || !body.isObject()) {
            response.put("error", "malformed request");
            response.put("error-code", "bad request");
        } else if ("Ignore".equals(body.path("request").asText())) {
            return;
        } else {
            Map<String, Object> echo = new LinkedHashMap<>();
            echo.put("caller", ((Verdict.Accepted) verdict).callerTag());
            echo.put("model", record.key());
            echo.put("partition", record.partition());
            echo.put("type", body.path("type").asText());
            echo.put("version", body.path("version").asInt());
            echo.put("request", body.path("request").asText());
            echo.put("params", body.get("params"));
            response.put("response", echo);
        }
        String replyTo = FerryHeaders.lastValue(record.headers(), FerryHeaders.REPLY_TO);
        ProducerRecord<String, byte[]> out;
        try {
            out = new ProducerRecord<>(replyTo == null ? FerryHeaders.DEFAULT_REPLY_TO : replyTo, record.key(),
                    mapper.writeValueAsBytes(response));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        String correlation = FerryHeaders.lastValue(record.headers(), FerryHeaders.CORRELATION_ID);
        if (correlation != null) {
            out.headers().add(FerryHeaders.CORRELATION_ID, correlation.getBytes(StandardCharsets.UTF_8));
        }
        producer.send(out);
    }

    @Override
    public void close() throws InterruptedException {
        running.set(false);
        consumer.wakeup();
        thread.join(10_000);
        producer.close(Duration.ofSeconds(5));
    }
}
