package dev.ferry.client;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.ferry.rpc.auth.FerryHeaders;
import dev.ferry.rpc.auth.RequestSigner;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.UniEmitter;

/**
 * A typed Java client for Ferry's RPC topics, on plain kafka-clients: produces signed Juju requests keyed by model
 * UUID and completes each call when the response with the same {@code ferry-correlation-id} arrives.
 *
 * <p>One producer ({@code acks=all}, idempotent) and one {@code read_committed} consumer serve all calls; the
 * consumer is positioned at the end of the responses topic before {@link Builder#build()} returns, so no response to
 * a later request can be missed. Calls are matched to responses through a concurrent map; any number may be in
 * flight. Uni results are completed on the client's consumer thread (or the producer's I/O thread for send
 * failures): do not block in downstream callbacks, or move them off with {@code emitOn}.
 *
 * <p>Thread-safe. Close it to stop its threads; calls still pending then fail.
 */
public final class FerryClient implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(FerryClient.class.getName());
    private static final Duration POLL_INTERVAL = Duration.ofMillis(100);

    private final String requestsTopic;
    private final String responsesTopic;
    private final Duration timeout;
    private final RequestSigner signer;
    private final ObjectMapper mapper;
    private final KafkaProducer<String, byte[]> producer;
    private final KafkaConsumer<String, byte[]> consumer;
    private final Thread poller;
    private final AtomicLong requestIds = new AtomicLong();
    /** Waiters per correlation id, oldest first; a queue because a replayed record gets a response of its own. */
    private final Map<String, ArrayDeque<UniEmitter<? super RpcResponse>>> pending = new ConcurrentHashMap<>();
    /** Set when the client can take no more calls: closed, or its consumer failed. */
    private final AtomicReference<RuntimeException> stopped = new AtomicReference<>();
    private final AtomicBoolean closed = new AtomicBoolean();

    private FerryClient(Builder b) {
        this.requestsTopic = b.requestsTopic;
        this.responsesTopic = b.responsesTopic;
        this.timeout = b.timeout;
        this.signer = b.derivedKey != null ? new RequestSigner(b.callerTag, b.derivedKey)
                : RequestSigner.withPassword(b.callerTag, b.password);
        this.mapper = b.mapper;
        this.consumer = new KafkaConsumer<>(consumerConfig(b));
        try {
            positionAtEnd(b.startTimeout);
            this.producer = new KafkaProducer<>(producerConfig(b));
        } catch (RuntimeException e) {
            consumer.close(Duration.ZERO);
            throw e;
        }
        this.poller = new Thread(this::pollResponses, "ferry-client-responses-" + signer.callerTag());
        poller.setDaemon(true);
        poller.start();
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Calls {@code facade.method} (version {@code version}) on the model: a signed request with a fresh request id,
     * correlation id and timestamp, produced on subscription. The Uni fails with {@link RpcTimeoutException} when no
     * response arrives within the timeout; a Juju error is a normal item ({@link RpcResponse#isError()}).
     *
     * @param params any Jackson-serialisable object or {@code JsonNode}; null sends {@code {}}
     */
    public Uni<RpcResponse> call(String modelUuid, String facade, int version, String method, Object params) {
        return Uni.createFrom().deferred(() -> send(signer.sign(request(modelUuid, facade, version, method, params))));
    }

    /**
     * An unsigned request record for the requests topic (keyed by the model UUID, {@code ferry-reply-to} set when
     * the responses topic is not the default); sign it with {@link #signer()}, tamper with it as a test needs, then
     * {@link #send} it.
     */
    public ProducerRecord<String, byte[]> request(String modelUuid, String facade, int version, String method,
            Object params) {
        return record(modelUuid, encode(new RpcRequest(requestIds.incrementAndGet(), facade, version, method,
                params == null ? Map.of() : params)));
    }

    /** A record for the requests topic with this key and raw value (e.g. malformed JSON), unsigned. */
    public ProducerRecord<String, byte[]> record(String key, byte[] value) {
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(requestsTopic, key, value);
        if (!FerryHeaders.DEFAULT_REPLY_TO.equals(responsesTopic)) {
            record.headers().add(FerryHeaders.REPLY_TO, responsesTopic.getBytes(StandardCharsets.UTF_8));
        }
        return record;
    }

    /** The JSON bytes of a request, exactly as {@link #call} produces them. */
    public byte[] encode(RpcRequest request) {
        try {
            return mapper.writeValueAsBytes(request);
        } catch (IOException e) {
            throw new FerryClientException("params cannot be serialised to JSON: " + e.getMessage(), e);
        }
    }

    /** Signs records as this client's caller, e.g. with a chosen correlation id or an expired timestamp. */
    public RequestSigner signer() {
        return signer;
    }

    /**
     * Produces the record as it is (on subscription) and completes with the next response carrying its
     * {@code ferry-correlation-id}; for each subscription, one record and one response. Sending the same record
     * twice (a replay) waits for two responses, matched oldest first.
     *
     * @throws FerryClientException (in the Uni) when the record has no correlation id header
     */
    public Uni<RpcResponse> send(ProducerRecord<String, byte[]> record) {
        String correlationId = FerryHeaders.lastValue(record.headers(), FerryHeaders.CORRELATION_ID);
        if (correlationId == null) {
            return Uni.createFrom().failure(new FerryClientException(
                    "the record has no " + FerryHeaders.CORRELATION_ID + " header to match its response by"));
        }
        Uni<RpcResponse> response = Uni.createFrom().emitter(emitter -> {
            // Register before producing, so that even an instant response finds its waiter.
            emitter.onTermination(() -> forget(correlationId, emitter));
            RuntimeException stop = stopped.get();
            if (stop != null) {
                emitter.fail(stop);
                return;
            }
            pending.compute(correlationId, (id, waiters) -> {
                ArrayDeque<UniEmitter<? super RpcResponse>> queue = waiters == null ? new ArrayDeque<>() : waiters;
                queue.add(emitter);
                return queue;
            });
            try {
                producer.send(record, (metadata, error) -> {
                    if (error != null) {
                        emitter.fail(error);
                    }
                });
            } catch (RuntimeException e) {
                emitter.fail(e);
            }
        });
        return response.ifNoItem().after(timeout).failWith(() -> new RpcTimeoutException(correlationId, timeout));
    }

    /** Produces the record (on subscription) without waiting for a response, e.g. one that should go to the DLQ. */
    public Uni<RecordMetadata> produce(ProducerRecord<String, byte[]> record) {
        return Uni.createFrom().emitter(emitter -> {
            try {
                producer.send(record, (metadata, error) -> {
                    if (error != null) {
                        emitter.fail(error);
                    } else {
                        emitter.complete(metadata);
                    }
                });
            } catch (RuntimeException e) {
                emitter.fail(e);
            }
        });
    }

    /** Calls waiting for a response now; for tests and benchmarks. */
    public int pendingCalls() {
        // An approximate count while calls come and go; exact when the client is quiet.
        return pending.values().stream().mapToInt(ArrayDeque::size).sum();
    }

    public String callerTag() {
        return signer.callerTag();
    }

    public String requestsTopic() {
        return requestsTopic;
    }

    public String responsesTopic() {
        return responsesTopic;
    }

    public Duration timeout() {
        return timeout;
    }

    /** Stops the consumer thread, fails the calls still pending, and closes the producer. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        stopped.compareAndSet(null, new FerryClientException("the client is closed"));
        consumer.wakeup();
        try {
            poller.join(Duration.ofSeconds(30).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        failAllPending();
        producer.close(Duration.ofSeconds(10));
    }

    private void forget(String correlationId, UniEmitter<? super RpcResponse> emitter) {
        pending.computeIfPresent(correlationId, (id, waiters) -> {
            waiters.remove(emitter);
            return waiters.isEmpty() ? null : waiters;
        });
    }

    private UniEmitter<? super RpcResponse> takeOldestWaiter(String correlationId) {
        Object[] taken = new Object[1];
        pending.computeIfPresent(correlationId, (id, waiters) -> {
            taken[0] = waiters.poll();
            return waiters.isEmpty() ? null : waiters;
        });
        @SuppressWarnings("unchecked")
        UniEmitter<? super RpcResponse> emitter = (UniEmitter<? super RpcResponse>) taken[0];
        return emitter;
    }

    /**
     * Fixes the consumer's position at the current end of every responses partition before the first request can be
     * sent. Partitions are assigned, not subscribed: no group rebalance to wait for, so this is instant and certain.
     */
    private void positionAtEnd(Duration startTimeout) {
        List<PartitionInfo> partitions = consumer.partitionsFor(responsesTopic, startTimeout);
        if (partitions == null || partitions.isEmpty()) {
            throw new FerryClientException("the responses topic " + responsesTopic + " does not exist");
        }
        List<TopicPartition> assigned = partitions.stream()
                .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
        consumer.assign(assigned);
        consumer.seekToEnd(assigned);
        // seekToEnd is lazy; position() resolves it now, while nothing has been sent yet.
        for (TopicPartition partition : assigned) {
            consumer.position(partition, startTimeout);
        }
    }

    private void pollResponses() {
        try {
            while (stopped.get() == null) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(POLL_INTERVAL)) {
                    dispatch(record);
                }
            }
        } catch (WakeupException e) {
            // close() woke us up.
        } catch (RuntimeException e) {
            LOG.log(Level.ERROR, "Ferry client: the responses consumer failed; pending calls fail", e);
            stopped.compareAndSet(null, new FerryClientException("the responses consumer failed: " + e, e));
            failAllPending();
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    private void dispatch(ConsumerRecord<String, byte[]> record) {
        String correlationId = FerryHeaders.lastValue(record.headers(), FerryHeaders.CORRELATION_ID);
        if (correlationId == null || !pending.containsKey(correlationId)) {
            return; // someone else's response, or ours after it timed out
        }
        UniEmitter<? super RpcResponse> emitter = takeOldestWaiter(correlationId);
        if (emitter == null) {
            return;
        }
        try {
            emitter.complete(parse(record.value(), correlationId));
        } catch (FerryClientException e) {
            emitter.fail(e);
        }
    }

    private RpcResponse parse(byte[] value, String correlationId) {
        JsonNode body;
        try {
            body = value == null ? null : mapper.readTree(value);
        } catch (IOException e) {
            throw new FerryClientException("malformed response to " + correlationId + ": " + e.getMessage(), e);
        }
        if (body == null || !body.isObject()) {
            throw new FerryClientException("malformed response to " + correlationId + ": not a JSON object");
        }
        return new RpcResponse(body.path("request-id").asLong(), nonNull(body.get("response")),
                text(body.get("error")), text(body.get("error-code")), nonNull(body.get("error-info")), correlationId);
    }

    private static JsonNode nonNull(JsonNode node) {
        return node == null || node.isNull() || node.isMissingNode() ? null : node;
    }

    private static String text(JsonNode node) {
        JsonNode value = nonNull(node);
        return value == null ? null : value.asText();
    }

    private void failAllPending() {
        RuntimeException reason = stopped.get();
        for (String correlationId : List.copyOf(pending.keySet())) {
            UniEmitter<? super RpcResponse> emitter;
            while ((emitter = takeOldestWaiter(correlationId)) != null) {
                emitter.fail(reason);
            }
        }
    }

    private static Map<String, Object> consumerConfig(Builder b) {
        Map<String, Object> config = new HashMap<>(b.properties);
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, b.bootstrapServers);
        // A group of its own: this client must see every response, not share them with other clients.
        config.put(ConsumerConfig.GROUP_ID_CONFIG, "ferry-client-" + UUID.randomUUID());
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        // Ferry publishes responses in Kafka transactions: only committed ones are real.
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        return config;
    }

    private static Map<String, Object> producerConfig(Builder b) {
        Map<String, Object> config = new HashMap<>(b.properties);
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, b.bootstrapServers);
        // Stated, not assumed: no lost or duplicated requests on broker fail-over, per-key order kept.
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, 5);
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        return config;
    }

    /** Configures and starts a {@link FerryClient}. */
    public static final class Builder {

        private String bootstrapServers;
        private String callerTag;
        private String password;
        private byte[] derivedKey;
        private String requestsTopic = FerryHeaders.DEFAULT_REQUESTS_TOPIC;
        private String responsesTopic = FerryHeaders.DEFAULT_REPLY_TO;
        private Duration timeout = Duration.ofSeconds(30);
        private Duration startTimeout = Duration.ofSeconds(30);
        private ObjectMapper mapper = new ObjectMapper();
        private final Map<String, Object> properties = new HashMap<>();

        private Builder() {
        }

        public Builder bootstrapServers(String bootstrapServers) {
            this.bootstrapServers = bootstrapServers;
            return this;
        }

        /** The caller's Juju tag, e.g. {@code machine-0} or {@code user-admin}. */
        public Builder callerTag(String callerTag) {
            this.callerTag = callerTag;
            return this;
        }

        /** The caller's password; the signing key is derived from it once, at build time. */
        public Builder password(String password) {
            this.password = password;
            return this;
        }

        /** The caller's already derived signing key, instead of a password. */
        public Builder derivedKey(byte[] derivedKey) {
            this.derivedKey = derivedKey.clone();
            return this;
        }

        /** Default {@code juju.rpc.requests}. */
        public Builder requestsTopic(String requestsTopic) {
            this.requestsTopic = requestsTopic;
            return this;
        }

        /** Default {@code juju.rpc.responses}; any other is also sent as {@code ferry-reply-to}. */
        public Builder responsesTopic(String responsesTopic) {
            this.responsesTopic = responsesTopic;
            return this;
        }

        /** How long a call waits for its response; default 30 s. */
        public Builder timeout(Duration timeout) {
            this.timeout = timeout;
            return this;
        }

        /** How long {@link #build()} waits for the broker; default 30 s. */
        public Builder startTimeout(Duration startTimeout) {
            this.startTimeout = startTimeout;
            return this;
        }

        /** The mapper that serialises params and reads responses; default a plain {@code ObjectMapper}. */
        public Builder objectMapper(ObjectMapper mapper) {
            this.mapper = mapper;
            return this;
        }

        /** An extra Kafka client property for both producer and consumer, e.g. TLS or SASL settings. */
        public Builder property(String name, Object value) {
            properties.put(name, value);
            return this;
        }

        /** Connects, positions the responses consumer at the end of its topic, and starts it. */
        public FerryClient build() {
            Objects.requireNonNull(bootstrapServers, "bootstrapServers");
            Objects.requireNonNull(callerTag, "callerTag");
            if (password == null && derivedKey == null) {
                throw new IllegalStateException("a password or a derived key is required");
            }
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("the timeout must be positive");
            }
            return new FerryClient(this);
        }
    }
}
