package dev.ferry.stream;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.jboss.logging.Logger;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.vertx.VertxContextSupport;

/**
 * One consume → process → produce loop with exactly-once output: a consumer and its own transactional producer.
 * Per poll, the processor commits its database work, then the output and the consumed offsets go out in one Kafka
 * transaction; any failure rewinds the batch, which is processed again (the processor deduplicates).
 *
 * <p>Why not the SmallRye connector's {@code KafkaTransactions}: it allows one transaction at a time per producer
 * channel, and this loop wants several batches in flight (one per lane, each lane with its own producer).
 * Kafka's clients are blocking, so each lane owns a dedicated thread; database work runs on a Vert.x context.
 */
final class ExactlyOnceLane implements Runnable {

    private static final Logger LOG = Logger.getLogger(ExactlyOnceLane.class);
    /** Failures of a whole batch before it is retried one record at a time. */
    private static final int NARROW_AFTER = 3;
    /** Failures of a single record before it is dead-lettered. */
    private static final int DEAD_LETTER_AFTER = 3;

    private final LaneSettings settings;
    private final int index;
    private final BatchProcessor processor;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final CountDownLatch finished = new CountDownLatch(1);
    private final Counter recordsCounter;
    private final Counter abortsCounter;
    private final Timer batchTimer;
    private volatile boolean stopping;
    private volatile boolean assigned;
    private String lastFailure = "";
    private int narrowRemaining;
    private volatile KafkaConsumer<String, byte[]> consumer;
    private KafkaProducer<String, byte[]> producer;

    ExactlyOnceLane(LaneSettings settings, int index, BatchProcessor processor, MeterRegistry registry) {
        this.settings = settings;
        this.index = index;
        this.processor = processor;
        this.recordsCounter = Counter.builder("ferry.lane.records").tag("lane", settings.name())
                .description("records consumed and answered exactly once").register(registry);
        this.abortsCounter = Counter.builder("ferry.lane.aborts").tag("lane", settings.name())
                .description("batches rewound after a failure").register(registry);
        this.batchTimer = Timer.builder("ferry.lane.batch").tag("lane", settings.name())
                .description("poll to committed Kafka transaction").register(registry);
    }

    boolean isRunning() {
        return finished.getCount() > 0 && !stopping;
    }

    boolean hasAssignment() {
        return assigned;
    }

    void stop() {
        stopping = true;
        stopped.countDown();
        KafkaConsumer<String, byte[]> current = consumer;
        if (current != null) {
            current.wakeup();
        }
    }

    boolean awaitFinished(Duration timeout) throws InterruptedException {
        return finished.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void run() {
        int failures = 0;
        try {
            producer = newProducer();
            consumer = newConsumer();
            consumer.subscribe(List.of(settings.topic()), new RebalanceTracker());
            while (!stopping) {
                ConsumerRecords<String, byte[]> polled;
                try {
                    polled = consumer.poll(settings.pollTimeout());
                } catch (WakeupException e) {
                    break;
                }
                if (polled.isEmpty()) {
                    continue;
                }
                List<ConsumerRecord<String, byte[]>> records = new ArrayList<>(polled.count());
                polled.forEach(records::add);
                // After repeated failures, find the culprit: one record at a time; one that still fails is dead-lettered.
                boolean narrowed = failures >= NARROW_AFTER && (records.size() > 1 || narrowRemaining > 0);
                if (narrowed) {
                    if (narrowRemaining == 0) {
                        narrowRemaining = records.size();
                    }
                    records = List.of(records.get(0));
                }
                boolean deadLetter = failures >= NARROW_AFTER + DEAD_LETTER_AFTER && records.size() == 1;
                boolean committed = deadLetter ? deadLetter(records.get(0)) : processAndCommit(records);
                if (committed) {
                    failures = 0;
                    if (narrowed) {
                        rewind(polled, records.get(0));
                        // Stay on one record at a time until the batch that failed has been passed.
                        narrowRemaining--;
                        failures = narrowRemaining > 0 ? NARROW_AFTER : 0;
                    }
                } else {
                    abortsCounter.increment();
                    rewind(polled, null);
                    failures++;
                    // Back off so that an outage (database down) does not spin; the stop latch cuts the wait short.
                    stopped.await(Math.min(30_000L, 100L << Math.min(failures, 8)), TimeUnit.MILLISECONDS);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.errorf(e, "Lane %s-%d stopped on an unexpected error", settings.name(), index);
        } finally {
            closeQuietly();
            finished.countDown();
        }
    }

    private boolean processAndCommit(List<ConsumerRecord<String, byte[]>> records) {
        long begin = System.nanoTime();
        List<ProducerRecord<String, byte[]>> output;
        try {
            output = VertxContextSupport.subscribeAndAwait(() -> processor.process(records)
                    .ifNoItem().after(settings.processTimeout())
                    .failWith(() -> new IllegalStateException("processing took longer than " + settings.processTimeout())));
        } catch (Throwable e) {
            lastFailure = e.toString();
            LOG.errorf("Lane %s-%d: a batch of %d records failed and will be retried: %s", settings.name(), index,
                    records.size(), lastFailure);
            return false;
        }
        long processed = System.nanoTime();
        if (commit(output, records)) {
            long committed = System.nanoTime();
            recordsCounter.increment(records.size());
            batchTimer.record(committed - begin, TimeUnit.NANOSECONDS);
            LOG.debugf("Lane %s-%d: %d records, processing %.1f ms, Kafka transaction %.1f ms", settings.name(), index,
                    records.size(), (processed - begin) / 1e6, (committed - processed) / 1e6);
            return true;
        }
        return false;
    }

    /** Moves a record that failed again and again, alone, to {@code <topic>.dlq} with the last failure as reason. */
    private boolean deadLetter(ConsumerRecord<String, byte[]> record) {
        ProducerRecord<String, byte[]> dead = new ProducerRecord<>(settings.topic() + ".dlq", null, record.key(),
                record.value(), record.headers());
        dead.headers().add(BatchProcessor.DLQ_REASON_HEADER, ("processing failed repeatedly: " + lastFailure)
                .getBytes(java.nio.charset.StandardCharsets.UTF_8));
        LOG.errorf("Lane %s-%d: record %s-%d@%d failed %d times and goes to %s.dlq", settings.name(), index,
                record.topic(), record.partition(), record.offset(), DEAD_LETTER_AFTER, settings.topic());
        return commit(List.of(dead), List.of(record));
    }

    private boolean commit(List<ProducerRecord<String, byte[]>> output, List<ConsumerRecord<String, byte[]>> records) {
        try {
            producer.beginTransaction();
            for (ProducerRecord<String, byte[]> record : output) {
                producer.send(record);
            }
            producer.sendOffsetsToTransaction(nextOffsets(records), consumer.groupMetadata());
            producer.commitTransaction();
            return true;
        } catch (ProducerFencedException | OutOfOrderSequenceException | InvalidProducerEpochException
                | AuthorizationException e) {
            LOG.warnf("Lane %s-%d: producer unusable (%s); starting a new one", settings.name(), index, e.toString());
            producer.close(Duration.ZERO);
            producer = newProducer();
            return false;
        } catch (KafkaException e) {
            LOG.warnf("Lane %s-%d: Kafka transaction aborted (%s)", settings.name(), index, e.toString());
            try {
                producer.abortTransaction();
            } catch (KafkaException abortFailure) {
                producer.close(Duration.ZERO);
                producer = newProducer();
            }
            return false;
        }
    }

    private static Map<TopicPartition, OffsetAndMetadata> nextOffsets(List<ConsumerRecord<String, byte[]>> records) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (ConsumerRecord<String, byte[]> record : records) {
            offsets.merge(new TopicPartition(record.topic(), record.partition()),
                    new OffsetAndMetadata(record.offset() + 1), (a, b) -> a.offset() >= b.offset() ? a : b);
        }
        return offsets;
    }

    /**
     * Seeks every partition of the poll back to its first record, so it is delivered again in order; a record
     * already committed ({@code done}, when narrowed to one) is not.
     */
    private void rewind(ConsumerRecords<String, byte[]> polled, ConsumerRecord<String, byte[]> done) {
        Set<TopicPartition> owned = consumer.assignment();
        for (TopicPartition partition : polled.partitions()) {
            if (owned.contains(partition)) {
                long first = polled.records(partition).get(0).offset();
                boolean skipDone = done != null && done.partition() == partition.partition()
                        && done.topic().equals(partition.topic());
                consumer.seek(partition, skipDone ? done.offset() + 1 : first);
            }
        }
    }

    private KafkaProducer<String, byte[]> newProducer() {
        Map<String, Object> props = new HashMap<>(settings.kafka());
        props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG,
                "ferry-" + settings.instanceId() + "-" + settings.name() + "-" + index);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.CLIENT_ID_CONFIG, "ferry-" + settings.name() + "-producer-" + index);
        props.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, 2);
        props.putIfAbsent(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        props.putIfAbsent(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 10_485_760);
        KafkaProducer<String, byte[]> created = new KafkaProducer<>(props, new StringSerializer(),
                new ByteArraySerializer());
        // Fences an earlier incarnation with the same transactional id and aborts its open transaction.
        created.initTransactions();
        return created;
    }

    private KafkaConsumer<String, byte[]> newConsumer() {
        Map<String, Object> props = new HashMap<>(settings.kafka());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, settings.groupId());
        // Static membership: a restarted instance gets its partitions back at once.
        props.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, settings.instanceId() + "-" + settings.name() + "-" + index);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, settings.maxBatch());
        props.putIfAbsent(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "ferry-" + settings.name() + "-consumer-" + index);
        return new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
    }

    private void closeQuietly() {
        try {
            if (consumer != null) {
                consumer.close(Duration.ofSeconds(5));
            }
        } catch (RuntimeException e) {
            LOG.debugf("closing consumer: %s", e);
        }
        try {
            if (producer != null) {
                producer.close(Duration.ofSeconds(5));
            }
        } catch (RuntimeException e) {
            LOG.debugf("closing producer: %s", e);
        }
    }

    private final class RebalanceTracker implements org.apache.kafka.clients.consumer.ConsumerRebalanceListener {
        @Override
        public void onPartitionsRevoked(java.util.Collection<TopicPartition> partitions) {
            assigned = false;
        }

        @Override
        public void onPartitionsAssigned(java.util.Collection<TopicPartition> partitions) {
            assigned = true;
            LOG.debugf("Lane %s-%d assigned %s", settings.name(), index, partitions);
        }
    }
}
