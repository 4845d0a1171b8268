package dev.ferry.stream;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
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
import org.apache.kafka.common.errors.RecordTooLargeException;
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
 * <p>Two polls are in flight: while the Kafka transaction of poll N commits (on the lane's committer thread), the
 * database work of poll N+1 runs; N+1's transaction begins only once N's has committed, so output stays in order. If
 * N's transaction fails, both polls are rewound: N+1's database work is already committed, and its redelivery is
 * answered from what the processor stored (its ledger), as after a crash between the two commits.
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
    private volatile String lastFailure = "";
    /** Whether the last Kafka transaction that failed did so for a record too large for its topic. */
    private volatile boolean lastCommitTooLarge;
    private int narrowRemaining;
    private volatile KafkaConsumer<String, byte[]> consumer;
    /** Used only on the committer thread, one transaction at a time. */
    private KafkaProducer<String, byte[]> producer;
    private final ExecutorService committer;
    /** The Kafka transaction of the previous poll, still committing; null when none is. */
    private InFlight inFlight;

    /** A poll whose Kafka transaction was handed to the committer: its outcome and where to rewind to. */
    private record InFlight(Future<Boolean> committed, Map<TopicPartition, Long> firstOffsets) {
    }

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
        this.committer = Executors.newSingleThreadExecutor(runnable -> {
            Thread thread = new Thread(runnable, "ferry-" + settings.name() + "-commit-" + index);
            thread.setDaemon(true);
            return thread;
        });
    }

    boolean isRunning() {
        return finished.getCount() > 0 && !stopping;
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
            producer = committer.submit(this::newProducer).get();
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
                    if (inFlight != null && inFlight.committed().isDone() && !settle(Map.of())) {
                        failures = backOff(failures);
                    }
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
                boolean lastAttempt = failures == NARROW_AFTER + DEAD_LETTER_AFTER - 1 && records.size() == 1;
                // A record is the culprit only if the database answered both before its last attempt and after that
                // failed: asked only after, a database back from an outage just then made its victim look guilty.
                if ((deadLetter || lastAttempt) && !processorReady()) {
                    // Not the record's fault while the database does not answer: keep it, wait, try again.
                    LOG.warnf("Lane %s-%d: record %s-%d@%d keeps failing (%s) while the database does not answer; "
                            + "kept for the next attempt", settings.name(), index, records.get(0).topic(),
                            records.get(0).partition(), records.get(0).offset(), lastFailure);
                    rewind(firstOffsets(polled));
                    backOff(failures);
                    // Once it answers, the record is processed again before anything else is decided.
                    failures = NARROW_AFTER + DEAD_LETTER_AFTER - 1;
                    continue;
                }
                if (deadLetter || failures > 0) {
                    // Recovering: one poll at a time (nothing is in flight after a failure), waited for.
                    // The first time, the processor may answer it, or the whole record goes to the dead-letter topic;
                    // should the topic refuse it as too large, its value is cut.
                    boolean first = failures == NARROW_AFTER + DEAD_LETTER_AFTER;
                    boolean committed = deadLetter ? deadLetter(records.get(0), polled, first)
                            : processAndCommit(records, polled, true);
                    if (!committed) {
                        failures = backOff(failures);
                        continue;
                    }
                    failures = 0;
                    if (narrowed) {
                        // The rest of the poll comes again; the record just committed does not.
                        Map<TopicPartition, Long> again = firstOffsets(polled);
                        again.put(partitionOf(records.get(0)), records.get(0).offset() + 1);
                        rewind(again);
                        // Stay on one record at a time until the batch that failed has been passed.
                        narrowRemaining--;
                        failures = narrowRemaining > 0 ? NARROW_AFTER : 0;
                    }
                } else if (!processAndCommit(records, polled, false)) {
                    failures = backOff(failures);
                }
            }
            settle(Map.of());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | RuntimeException e) {
            LOG.errorf(e, "Lane %s-%d stopped on an unexpected error", settings.name(), index);
        } finally {
            closeQuietly();
            finished.countDown();
        }
    }

    private static boolean causedBy(Throwable e, Class<? extends Throwable> type) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    /** The processor's {@link BatchProcessor#ready()}, false when it cannot say within 10 s. */
    private boolean processorReady() {
        try {
            return VertxContextSupport.subscribeAndAwait(() -> processor.ready()
                    .ifNoItem().after(Duration.ofSeconds(10)).recoverWithItem(false)
                    .onFailure().recoverWithItem(false));
        } catch (Throwable e) {
            return false;
        }
    }

    /** Counts a failure and waits before the next attempt, so that an outage (database down) does not spin. */
    private int backOff(int failures) throws InterruptedException {
        abortsCounter.increment();
        int now = failures + 1;
        // The stop latch cuts the wait short.
        stopped.await(Math.min(30_000L, 100L << Math.min(now, 8)), TimeUnit.MILLISECONDS);
        return now;
    }

    /**
     * Waits for the Kafka transaction in flight, if any. If it failed, its poll and {@code alsoRewind} (a later poll,
     * whose output is then dropped) are rewound to be delivered again; returns whether it committed.
     */
    private boolean settle(Map<TopicPartition, Long> alsoRewind) throws InterruptedException {
        InFlight pending = inFlight;
        if (pending == null) {
            return true;
        }
        inFlight = null;
        boolean committed;
        try {
            committed = pending.committed().get();
        } catch (ExecutionException e) {
            lastFailure = e.getCause().toString();
            committed = false;
        }
        if (!committed) {
            Map<TopicPartition, Long> targets = new HashMap<>(alsoRewind);
            pending.firstOffsets().forEach((partition, offset) -> targets.merge(partition, offset, Math::min));
            rewind(targets);
        }
        return committed;
    }

    /**
     * Runs the processor's database work, then hands the output to the committer: waiting for it when
     * {@code wait} (recovery), else returning at once with the transaction in flight, after the previous one has
     * committed. Returns false, with what failed rewound, when the batch must be retried.
     */
    private boolean processAndCommit(List<ConsumerRecord<String, byte[]>> records,
            ConsumerRecords<String, byte[]> polled, boolean wait) throws InterruptedException {
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
            Map<TopicPartition, Long> firstOffsets = firstOffsets(polled);
            if (settle(firstOffsets)) {
                rewind(firstOffsets);
            }
            return false;
        }
        long processed = System.nanoTime();
        Map<TopicPartition, Long> firstOffsets = firstOffsets(polled);
        if (!settle(firstOffsets)) {
            return false;
        }
        var groupMetadata = consumer.groupMetadata();
        Future<Boolean> committed = committer.submit(() -> {
            long kafkaBegin = System.nanoTime();
            if (!commit(output, records, groupMetadata)) {
                return false;
            }
            long done = System.nanoTime();
            recordsCounter.increment(records.size());
            batchTimer.record(done - begin, TimeUnit.NANOSECONDS);
            LOG.debugf("Lane %s-%d: %d records, processing %.1f ms, Kafka transaction %.1f ms", settings.name(), index,
                    records.size(), (processed - begin) / 1e6, (done - kafkaBegin) / 1e6);
            return true;
        });
        inFlight = new InFlight(committed, firstOffsets);
        return !wait || settle(Map.of());
    }

    /**
     * Publishes, for a record that failed again and again alone, the processor's answer or else the record, on
     * {@code <topic>.dlq} with the last failure as reason; on a later attempt ({@code first} false: that failed too),
     * the record with its value cut.
     */
    private boolean deadLetter(ConsumerRecord<String, byte[]> record, ConsumerRecords<String, byte[]> polled,
            boolean first) throws InterruptedException {
        List<ProducerRecord<String, byte[]>> answer = first ? processor.unprocessable(record, lastFailure)
                : List.of();
        List<ProducerRecord<String, byte[]>> output = answer;
        if (answer.isEmpty()) {
            output = List.of(BatchProcessor.deadLetter(record, "processing failed repeatedly: " + lastFailure,
                    !first && lastCommitTooLarge));
        }
        LOG.errorf("Lane %s-%d: record %s-%d@%d failed %d times (%s): %s", settings.name(), index, record.topic(),
                record.partition(), record.offset(), DEAD_LETTER_AFTER, lastFailure,
                answer.isEmpty() ? "it goes to " + settings.topic() + ".dlq" : "answered as unprocessable");
        var groupMetadata = consumer.groupMetadata();
        List<ProducerRecord<String, byte[]>> published = output;
        inFlight = new InFlight(committer.submit(() -> commit(published, List.of(record), groupMetadata)),
                firstOffsets(polled));
        return settle(Map.of());
    }

    /** On the committer thread: one Kafka transaction with the output and the offsets after {@code records}. */
    private boolean commit(List<ProducerRecord<String, byte[]>> output, List<ConsumerRecord<String, byte[]>> records,
            ConsumerGroupMetadata groupMetadata) {
        try {
            lastCommitTooLarge = false;
            producer.beginTransaction();
            for (ProducerRecord<String, byte[]> record : output) {
                producer.send(record);
            }
            producer.sendOffsetsToTransaction(nextOffsets(records), groupMetadata);
            producer.commitTransaction();
            return true;
        } catch (ProducerFencedException | OutOfOrderSequenceException | InvalidProducerEpochException
                | AuthorizationException e) {
            LOG.warnf("Lane %s-%d: producer unusable (%s); starting a new one", settings.name(), index, e.toString());
            producer.close(Duration.ZERO);
            producer = newProducer();
            return false;
        } catch (KafkaException e) {
            lastCommitTooLarge = causedBy(e, RecordTooLargeException.class);
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

    private static Map<TopicPartition, Long> firstOffsets(ConsumerRecords<String, byte[]> polled) {
        Map<TopicPartition, Long> first = new HashMap<>();
        for (TopicPartition partition : polled.partitions()) {
            first.put(partition, polled.records(partition).get(0).offset());
        }
        return first;
    }

    private static TopicPartition partitionOf(ConsumerRecord<String, byte[]> record) {
        return new TopicPartition(record.topic(), record.partition());
    }

    /** Seeks partitions still owned back to the given offsets, so their records are delivered again in order. */
    private void rewind(Map<TopicPartition, Long> targets) {
        Set<TopicPartition> owned = consumer.assignment();
        targets.forEach((partition, offset) -> {
            if (owned.contains(partition)) {
                consumer.seek(partition, offset);
            }
        });
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
        // A transaction is open only while one poll's output is sent and committed. Should its instance die meanwhile,
        // the transaction holds that poll's partitions (their committed offsets) until it times out: Kafka's 60 s
        // would outlast the session timeout (45 s) after which the partitions move.
        props.putIfAbsent(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, 20_000);
        KafkaProducer<String, byte[]> created = new KafkaProducer<>(props, new StringSerializer(),
                new ByteArraySerializer());
        // Fences an earlier incarnation with the same transactional id and aborts its open transaction.
        created.initTransactions();
        return created;
    }

    /** This lane's static member name in its group. */
    String memberName() {
        return settings.instanceId() + "-" + settings.name() + "-" + index;
    }

    private KafkaConsumer<String, byte[]> newConsumer() {
        Map<String, Object> props = new HashMap<>(settings.kafka());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, settings.groupId());
        // Static membership: a restarted instance gets its partitions back at once.
        props.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, memberName());
        // Incremental rebalancing: a member joining or leaving moves only the partitions that change hands, the others
        // go on being processed. With eager rebalancing every member gives up every partition until the whole group
        // has rejoined, and a crashed member is waited for until its session times out (45 s).
        props.putIfAbsent(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG,
                CooperativeStickyAssignor.class.getName());
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
                // A static member does not leave the group on a plain close: its partitions wait for its session to
                // time out, and an instance replaced under another name (a Deployment's new pod) never comes back
                // for them. Leaving hands them over at once; after a crash, static membership still gives them back.
                consumer.close(CloseOptions.timeout(Duration.ofSeconds(5))
                        .withGroupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP));
            }
        } catch (RuntimeException e) {
            LOG.debugf("closing consumer: %s", e);
        }
        try {
            committer.submit(() -> {
                if (producer != null) {
                    producer.close(Duration.ofSeconds(5));
                }
            }).get(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            LOG.debugf("closing producer: %s", e);
        }
        committer.shutdownNow();
    }

    private final class RebalanceTracker implements org.apache.kafka.clients.consumer.ConsumerRebalanceListener {
        @Override
        public void onPartitionsRevoked(java.util.Collection<TopicPartition> partitions) {
            // The transaction in flight carries offsets of these partitions: let it finish while they are still ours.
            try {
                settle(Map.of());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        @Override
        public void onPartitionsAssigned(java.util.Collection<TopicPartition> partitions) {
            LOG.debugf("Lane %s-%d assigned %s", settings.name(), index, partitions);
        }
    }
}
