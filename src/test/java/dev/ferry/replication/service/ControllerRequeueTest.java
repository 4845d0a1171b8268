package dev.ferry.replication.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.ferry.replication.api.ObjectKey;
import dev.ferry.replication.api.RcloneSourceSpec;
import dev.ferry.replication.api.ReplicationCodec;
import dev.ferry.replication.api.ReplicationDestination;
import dev.ferry.replication.api.ReplicationSource;
import dev.ferry.replication.api.ReplicationSourceSpec;
import dev.ferry.replication.api.ReplicationSourceStatus;
import dev.ferry.replication.api.TriggerSpec;
import dev.ferry.replication.mover.Builder;
import dev.ferry.replication.mover.Catalog;
import dev.ferry.replication.mover.Mover;
import dev.ferry.replication.mover.MoverEnvironment;
import dev.ferry.replication.mover.Result;
import dev.ferry.replication.mover.rclone.RcloneBuilder;
import dev.ferry.replication.reconcile.Reconciler;
import dev.ferry.replication.support.LocalCluster;
import dev.ferry.replication.support.MutableClock;
import io.smallrye.mutiny.Uni;

/**
 * Given the controller over a local cluster with a hand-moved clock (no database, no broker: the store and the status
 * topic are in memory), a mover's RetryAfter becomes the controller's requeue: the object is looked at again when
 * that time has passed, not before, and at once for a zero delay.
 */
class ControllerRequeueTest {

    private static final String NS = "team-r";
    private static final Instant START = Instant.parse("2026-03-01T12:00:00Z");
    /** The partitions objects' records came from, by name (others: unknown). */
    static final Map<String, Integer> PARTITION = Map.of("mine", 0, "theirs", 1);

    @TempDir
    Path base;
    final MutableClock clock = new MutableClock(START);
    LocalCluster cluster;
    final ManualTimer timer = new ManualTimer();
    final MemoryRepository repository = new MemoryRepository();
    final MemoryPublisher publisher = new MemoryPublisher();
    final ReplicationCodec codec = new ReplicationCodec();

    /** Delayed tasks that run when the test moves the clock past their time and calls {@link #fire()}. */
    final class ManualTimer implements ReplicationController.Timer {
        record Task(Instant due, FutureTask<Void> task) {
        }

        final List<Task> tasks = new ArrayList<>();

        @Override
        public synchronized Future<?> schedule(Runnable task, Duration delay) {
            FutureTask<Void> future = new FutureTask<>(task, null);
            tasks.add(new Task(clock.instant().plus(delay), future));
            return future;
        }

        synchronized List<Instant> pending() {
            return tasks.stream().filter(t -> !t.task().isDone()).map(Task::due).sorted().toList();
        }

        void fire() {
            List<Task> due;
            synchronized (this) {
                due = tasks.stream().filter(t -> !t.task().isDone() && !t.due().isAfter(clock.instant())).toList();
                tasks.removeAll(due);
            }
            due.forEach(t -> t.task().run());
        }
    }

    /** replication_objects in memory; counts the passes (each pass reads its object once). */
    static final class MemoryRepository extends ReplicationRepository {
        final Map<ObjectRef, StoredObject> rows = new ConcurrentHashMap<>();
        final Map<ObjectRef, Integer> reads = new ConcurrentHashMap<>();

        MemoryRepository() {
            super(null, null);
        }

        @Override
        public Uni<Optional<StoredObject>> find(ObjectRef ref) {
            reads.merge(ref, 1, Integer::sum);
            return Uni.createFrom().item(Optional.ofNullable(rows.get(ref)));
        }

        @Override
        public Uni<Boolean> saveStatus(ObjectRef ref, String uid, String statusJson) {
            StoredObject row = rows.get(ref);
            if (row == null || !row.uid().equals(uid)) {
                return Uni.createFrom().item(false);
            }
            rows.put(ref, new StoredObject(ref, uid, row.generation(), row.createdAt(), row.object(), row.invalid(),
                    statusJson, row.partition()));
            return Uni.createFrom().item(true);
        }

        @Override
        public Uni<List<ObjectRef>> inPartitions(String kind, java.util.Collection<Integer> partitions) {
            return Uni.createFrom().item(rows.values().stream().filter(r -> r.ref().kind().equals(kind)
                    && (r.partition() == null || partitions.contains(r.partition()))).map(StoredObject::ref).toList());
        }

        int passes(ObjectRef ref) {
            return reads.getOrDefault(ref, 0);
        }
    }

    /** volsync.status in memory. */
    static final class MemoryPublisher extends StatusPublisher {
        final List<StatusDocument> published = new ArrayList<>();
        /** The reason of a Synchronizing condition whose first publication fails (the broker was away). */
        String failOnceAt;

        MemoryPublisher() {
            super(null);
        }

        @Override
        public synchronized Uni<Void> publish(ObjectRef ref, StatusDocument document) {
            String reason = document.status().synchronizing().map(c -> c.reason()).orElse(null);
            if (reason != null && reason.equals(failOnceAt)) {
                failOnceAt = null;
                return Uni.createFrom().failure(new IllegalStateException("broker unavailable"));
            }
            published.add(document);
            return Uni.createFrom().voidItem();
        }

        @Override
        public Uni<Void> tombstone(ObjectRef ref) {
            return Uni.createFrom().voidItem();
        }
    }

    /** A mover whose Synchronize answers from a script (Complete when it runs out); Cleanup completes. */
    static final class ScriptedBuilder implements Builder {
        final Deque<Result> answers = new ArrayDeque<>();
        int synchronizeCalls;
        /** Runs inside the first Synchronize, while its pass is under way. */
        Runnable duringFirstSynchronize = () -> {
        };

        @Override
        public Optional<Mover> fromSource(MoverEnvironment env, ReplicationSource source, boolean privileged) {
            return Optional.of(new Mover() {
                @Override
                public String name() {
                    return "scripted";
                }

                @Override
                public Result synchronize() {
                    if (++synchronizeCalls == 1) {
                        duringFirstSynchronize.run();
                    }
                    return answers.isEmpty() ? Result.complete() : answers.poll();
                }

                @Override
                public Result cleanup() {
                    return Result.complete();
                }
            });
        }

        @Override
        public Optional<Mover> fromDestination(MoverEnvironment env, ReplicationDestination destination,
                boolean privileged) {
            return Optional.empty();
        }

        @Override
        public String versionInfo() {
            return "scripted";
        }
    }

    @BeforeEach
    void start() throws Exception {
        cluster = new LocalCluster(base, clock);
    }

    @AfterEach
    void stop() {
        cluster.close();
    }

    ReplicationController controller(Reconciler reconciler) {
        // Passes run on the calling thread, so that each step below has finished when it returns.
        return controller(reconciler, Ownership.ALL);
    }

    ReplicationController controller(Reconciler reconciler, Ownership ownership) {
        return new ReplicationController(repository, publisher, reconciler, cluster.jobs, clock, Runnable::run, timer,
                Duration.ofMillis(5), Duration.ofSeconds(1000), ownership, Duration.ofSeconds(10));
    }

    ObjectRef store(ReplicationSource rs) throws Exception {
        ObjectRef ref = new ObjectRef(ReplicationSource.KIND, new ObjectKey(NS, rs.metadata().name()));
        String json = codec.mapper().writeValueAsString(rs.withStatus(new ReplicationSourceStatus()));
        repository.rows.put(ref, new StoredObject(ref, rs.metadata().uid(), 1, START, json, null,
                null, PARTITION.get(rs.metadata().name())));
        return ref;
    }

    ReplicationSourceStatus storedStatus(ObjectRef ref) {
        return codec.read(repository.rows.get(ref).status(), ReplicationSourceStatus.class);
    }

    @Test
    void givenAMoverAskingToRetryAfter30s_whenReconciledByTheController_thenTheNextPassComesAt30sNotBefore()
            throws Exception {
        ScriptedBuilder scripted = new ScriptedBuilder();
        scripted.answers.add(Result.retryAfter(Duration.ofSeconds(30)));
        scripted.answers.add(Result.retryAfter(Duration.ZERO));
        ReplicationController controller = controller(new Reconciler(new Catalog().register(scripted), cluster.env,
                cluster.metrics, ns -> false));
        ReplicationSource rs = LocalCluster.source(NS, "app", new ReplicationSourceSpec("data",
                new TriggerSpec(null, "once"), null, null, null, null, null, null, null));
        ObjectRef ref = store(rs);

        controller.enqueue(ref);
        assertThat(repository.passes(ref)).as("Initial → Synchronizing, then Synchronize at once").isEqualTo(2);
        assertThat(scripted.synchronizeCalls).isEqualTo(1);
        assertThat(timer.pending()).as("the mover's RetryAfter is the requeue").containsExactly(START.plusSeconds(30));
        assertThat(storedStatus(ref).synchronizing().orElseThrow().reason()).isEqualTo("SyncInProgress");

        clock.advance(Duration.ofSeconds(29));
        timer.fire();
        assertThat(repository.passes(ref)).as("not before RetryAfter").isEqualTo(2);

        clock.advance(Duration.ofSeconds(1));
        timer.fire();
        // At 30 s: Synchronize answers RetryAfter(0), so at once again: Complete → CleaningUp → WaitingForManual.
        assertThat(scripted.synchronizeCalls).isEqualTo(3);
        assertThat(repository.passes(ref)).isEqualTo(5);
        ReplicationSourceStatus status = storedStatus(ref);
        assertThat(status.lastSyncTime).isEqualTo(START.plusSeconds(30));
        assertThat(status.lastManualSync).isEqualTo("once");
        assertThat(status.synchronizing().orElseThrow().reason()).isEqualTo("WaitingForManual");
        assertThat(timer.pending()).as("a completed manual sync asks for no requeue").isEmpty();
        assertThat(publisher.published).isNotEmpty();
    }

    @Test
    void givenAPausedRcloneSource_whenReconciledByTheController_thenInProgressRequeuesItEveryMinute()
            throws Exception {
        ReplicationController controller = rcloneController(Ownership.ALL);
        ObjectRef ref = store(pausedRclone("paused"));

        controller.enqueue(ref);
        assertThat(repository.passes(ref)).isEqualTo(2);
        assertThat(cluster.jobs.get(NS, "volsync-rclone-src-paused")).get()
                .satisfies(job -> assertThat(job.parallelism()).isZero());
        assertThat(timer.pending()).as("InProgress is RetryAfter one minute").containsExactly(START.plusSeconds(60));

        clock.advance(Duration.ofSeconds(59));
        timer.fire();
        assertThat(repository.passes(ref)).isEqualTo(2);
        clock.advance(Duration.ofSeconds(1));
        timer.fire();
        assertThat(repository.passes(ref)).isEqualTo(3);
        assertThat(timer.pending()).containsExactly(START.plusSeconds(120));
        assertThat(storedStatus(ref).synchronizing().orElseThrow().reason()).isEqualTo("SyncInProgress");
        assertThat(storedStatus(ref).lastSyncTime).isNull();
    }
    /** Fires due requeues until none is left within the next ten minutes of the test's clock. */
    void settle() {
        for (int i = 0; i < 100 && !timer.pending().isEmpty(); i++) {
            clock.advance(Duration.ofSeconds(6));
            timer.fire();
        }
    }

    @Test
    void givenAPublicationThatFailsAfterItsStatusWasStored_whenTheObjectIsRequeued_thenThatStatusIsPublished()
            throws Exception {
        ReplicationController controller = controller(new Reconciler(new Catalog().register(new ScriptedBuilder()),
                cluster.env, cluster.metrics, ns -> false));
        ObjectRef ref = store(LocalCluster.source(NS, "app", new ReplicationSourceSpec("data",
                new TriggerSpec(null, "once"), null, null, null, null, null, null, null)));
        publisher.failOnceAt = "WaitingForManual";

        controller.enqueue(ref);
        settle();

        assertThat(storedStatus(ref).synchronizing().orElseThrow().reason()).isEqualTo("WaitingForManual");
        StatusDocument last = publisher.published.get(publisher.published.size() - 1);
        assertThat(codec.writeString(last.status())).as("the stored status reaches the topic after all")
                .isEqualTo(codec.writeString(storedStatus(ref)));
    }

    @Test
    void givenATombstoneAndARecreationWhileAPassRuns_whenThePassEnds_thenTheNewObjectIsReconciledAfterTheCleanup()
            throws Exception {
        ScriptedBuilder scripted = new ScriptedBuilder();
        ReplicationController controller = controller(new Reconciler(new Catalog().register(scripted), cluster.env,
                cluster.metrics, ns -> false));
        ReplicationSource old = LocalCluster.source(NS, "app", new ReplicationSourceSpec("data",
                new TriggerSpec(null, "once"), null, null, null, null, null, null, null));
        ObjectRef ref = store(old);
        ReplicationSource recreated = LocalCluster.source(NS, "app", old.spec());
        scripted.duringFirstSynchronize = () -> {
            try {
                repository.rows.remove(ref);
                controller.finalizeDeleted(ref, old);
                store(recreated);
                controller.enqueue(ref);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        };

        controller.enqueue(ref);
        settle();

        assertThat(repository.rows.get(ref).uid()).isEqualTo(recreated.metadata().uid());
        assertThat(repository.rows.get(ref).status()).as("the re-created object had its passes").isNotNull();
        assertThat(storedStatus(ref).lastManualSync).isEqualTo("once");
    }
    /** Partitions held by hand, as the rebalance listener would record them. */
    static final class HandOwnership implements Ownership {
        final Map<String, java.util.Set<Integer>> owned = new ConcurrentHashMap<>();
        final List<Listener> listeners = new ArrayList<>();

        @Override
        public boolean owns(String kind, ObjectKey key, Integer partition) {
            return owned.getOrDefault(kind, java.util.Set.of()).contains(partition);
        }

        @Override
        public void listen(Listener listener) {
            listeners.add(listener);
        }

        void assign(String kind, Integer... partitions) {
            owned.computeIfAbsent(kind, k -> ConcurrentHashMap.newKeySet()).addAll(List.of(partitions));
            listeners.forEach(l -> l.assigned(kind, java.util.Set.of(partitions)));
        }

        void revoke(String kind, Integer... partitions) {
            owned.getOrDefault(kind, java.util.Set.of()).removeAll(List.of(partitions));
            listeners.forEach(l -> l.revoked(kind, java.util.Set.of(partitions)));
        }
    }

    ReplicationSource pausedRclone(String name) throws Exception {
        cluster.pvc(NS, "data");
        cluster.secret(NS, "rclone-secret", Map.of("rclone.conf", "[store]\ntype = local\n"));
        return LocalCluster.source(NS, name, new ReplicationSourceSpec("data", new TriggerSpec(null, "once"), null,
                null, new RcloneSourceSpec("Direct", null, null, null, null, "rclone-secret", "store",
                        base.resolve("remote").toString(), null, null, null, null, null),
                null, null, null, true));
    }

    /** A controller with the real rclone mover whose partitions are held by hand. */
    ReplicationController rcloneController(Ownership ownership) {
        return controller(new Reconciler(new Catalog().register(new RcloneBuilder("rclone")), cluster.env,
                cluster.metrics, ns -> false), ownership);
    }

    @Test
    void givenObjectsOnTwoPartitions_whenOnlyOneIsAssignedHere_thenOnlyItsObjectsAreReconciledAndOnAssignmentAtOnce()
            throws Exception {
        HandOwnership ownership = new HandOwnership();
        ReplicationController controller = rcloneController(ownership);
        ObjectRef mine = store(pausedRclone("mine"));
        ObjectRef theirs = store(pausedRclone("theirs"));

        ownership.assign(ReplicationSource.KIND, 0);
        assertThat(repository.passes(mine)).as("assignment resumes the partition's objects").isEqualTo(2);
        assertThat(cluster.jobs.get(NS, "volsync-rclone-src-mine")).isPresent();
        assertThat(repository.passes(theirs)).isZero();

        controller.enqueue(theirs);
        assertThat(repository.passes(theirs)).as("read, then left to its partition's instance").isEqualTo(1);
        assertThat(repository.rows.get(theirs).status()).isNull();
        assertThat(cluster.jobs.get(NS, "volsync-rclone-src-theirs")).isEmpty();
    }

    @Test
    void givenAPartitionTakenAway_whenTheGraceEnds_thenItsObjectsJobsStopHereUnlessItCameBack() throws Exception {
        HandOwnership ownership = new HandOwnership();
        rcloneController(ownership);
        store(pausedRclone("mine"));
        ownership.assign(ReplicationSource.KIND, 0);
        assertThat(cluster.jobs.get(NS, "volsync-rclone-src-mine")).isPresent();

        ownership.revoke(ReplicationSource.KIND, 0);
        ownership.assign(ReplicationSource.KIND, 0);
        clock.advance(Duration.ofSeconds(10));
        timer.fire();
        assertThat(cluster.jobs.get(NS, "volsync-rclone-src-mine")).as("given back within the grace: kept")
                .isPresent();

        ownership.revoke(ReplicationSource.KIND, 0);
        clock.advance(Duration.ofSeconds(9));
        timer.fire();
        assertThat(cluster.jobs.get(NS, "volsync-rclone-src-mine")).isPresent();
        assertThat(cluster.metrics.outOfSync).as("its metrics, exported here while it runs here")
                .containsKey(NS + "/mine/source");
        clock.advance(Duration.ofSeconds(1));
        timer.fire();
        assertThat(cluster.jobs.get(NS, "volsync-rclone-src-mine")).as("the new owner runs it now").isEmpty();
        assertThat(cluster.metrics.outOfSync).as("the new owner exports its metrics now")
                .doesNotContainKey(NS + "/mine/source");
    }

    @Test
    void givenAnObjectWhoseLatestRecordCameFromAnotherPartition_whenItsNextPassRuns_thenItsJobsStopHereAfterTheGrace()
            throws Exception {
        HandOwnership ownership = new HandOwnership();
        ReplicationController controller = rcloneController(ownership);
        ObjectRef mine = store(pausedRclone("mine"));
        ownership.assign(ReplicationSource.KIND, 0);
        assertThat(cluster.jobs.get(NS, "volsync-rclone-src-mine")).isPresent();

        StoredObject row = repository.rows.get(mine);
        repository.rows.put(mine, new StoredObject(mine, row.uid(), row.generation(), row.createdAt(), row.object(),
                row.invalid(), row.status(), 1));
        controller.enqueue(mine);
        assertThat(cluster.jobs.get(NS, "volsync-rclone-src-mine")).as("not before the grace").isPresent();
        clock.advance(Duration.ofSeconds(10));
        timer.fire();
        assertThat(cluster.jobs.get(NS, "volsync-rclone-src-mine")).as("partition 1 is another instance's")
                .isEmpty();
    }
}
