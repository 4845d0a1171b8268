package dev.ferry.replication.service;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;

import dev.ferry.replication.api.ObjectMeta;
import dev.ferry.replication.api.ReplicationCodec;
import dev.ferry.replication.api.ReplicationDestination;
import dev.ferry.replication.api.ReplicationDestinationStatus;
import dev.ferry.replication.api.ReplicationObject;
import dev.ferry.replication.api.ReplicationSource;
import dev.ferry.replication.api.ReplicationSourceStatus;
import dev.ferry.replication.api.ReplicationStatus;
import dev.ferry.replication.job.JobRunner;
import dev.ferry.replication.reconcile.MachineResult;
import dev.ferry.replication.reconcile.Reconciler;
import dev.ferry.replication.reconcile.StateMachine;
import dev.ferry.replication.volume.Owner;
import io.quarkus.runtime.Startup;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.interceptor.Interceptor;

/**
 * The per-object work queue of the replication feature, as controller-runtime's: an object is reconciled by one pass
 * at a time (changes arriving meanwhile queue one more pass), many objects in parallel on the pass pool. A pass
 * loads the object from PostgreSQL, runs the reconciler on a worker thread, stores the status and publishes it on
 * {@code volsync.status}; then the object is requeued at once (its state moved), after the mover's RetryAfter, after
 * an error back-off, or not at all. A job attempt that ends requeues its owner, as a Job's change would.
 */
@ApplicationScoped
// Created at start, after the schema migration, so that it hears of the first partition assignment (replayed to it
// if it came first) when the table it resumes from exists.
@Startup(Interceptor.Priority.APPLICATION + 600)
public class ReplicationController {

    private static final Logger LOG = Logger.getLogger(ReplicationController.class);

    private final ReplicationRepository repository;
    private final StatusPublisher publisher;
    private final Reconciler reconciler;
    private final JobRunner jobs;
    private final Ownership ownership;
    private final Duration handoverGrace;
    private final Clock clock;
    private final Executor passes;
    private final Timer timer;
    private final Duration backoffInitial;
    private final Duration backoffMax;
    private final ReplicationCodec codec = new ReplicationCodec();
    private final Map<ObjectRef, KeyState> keys = new ConcurrentHashMap<>();

    /** Delayed work (requeues, retries); the controller's only notion of waiting, so tests can move time by hand. */
    public interface Timer {
        Future<?> schedule(Runnable task, Duration delay);
    }

    private static final class KeyState {
        boolean running;
        boolean dirty;
        Future<?> timer;
        Instant timerDue;
        int failures;
        ReplicationObject finalizing;
        /** From the object's row at its last pass here: the partition it belongs to, and its identity. */
        Integer partition;
        Owner owner;
        /** The document last published for this object by this process; null until one is, as after a start. */
        String published;
    }

    /** What a pass produced: the object (null if gone), whether to write its status, the machine's result. */
    private record Outcome(StoredObject row, ReplicationObject object, StatusDocument document,
            Reconciler.Pass pass) {
    }

    @Inject
    public ReplicationController(ReplicationRepository repository, ReplicationRuntime runtime,
            StatusPublisher publisher, PartitionOwnership ownership) {
        this(repository, publisher, runtime.reconciler(), runtime.jobs(), runtime.clock(), runtime.passes(),
                (task, delay) -> runtime.timer().schedule(task, delay.toMillis(), TimeUnit.MILLISECONDS),
                runtime.config().errorBackoffInitial(), runtime.config().errorBackoffMax(), ownership,
                runtime.config().handoverGrace());
    }

    /**
     * The controller over its parts: passes run on {@code passes}, requeues wait on {@code timer}; it reconciles the
     * objects {@code ownership} gives it, and stops the jobs of those taken away {@code handoverGrace} later.
     */
    public ReplicationController(ReplicationRepository repository, StatusPublisher publisher, Reconciler reconciler,
            JobRunner jobs, Clock clock, Executor passes, Timer timer, Duration backoffInitial, Duration backoffMax,
            Ownership ownership, Duration handoverGrace) {
        this.repository = repository;
        this.publisher = publisher;
        this.reconciler = reconciler;
        this.jobs = jobs;
        this.clock = clock;
        this.passes = passes;
        this.timer = timer;
        this.backoffInitial = backoffInitial;
        this.backoffMax = backoffMax;
        this.ownership = ownership;
        this.handoverGrace = handoverGrace;
        jobs.onAttemptEnded(this::ownerChanged);
        ownership.listen(new Ownership.Listener() {
            @Override
            public void assigned(String kind, Set<Integer> partitions) {
                resume(kind, partitions);
            }

            @Override
            public void revoked(String kind, Set<Integer> partitions) {
                scheduleQuietly(() -> release(kind), handoverGrace);
            }
        });
    }

    /** A hand-over's task, run on a pass thread: stopping jobs waits for their tools, never on the shared timer. */
    private void scheduleQuietly(Runnable task, Duration delay) {
        try {
            timer.schedule(() -> passes.execute(task), delay);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // Shutting down: the runtime stops every job itself.
            LOG.debug("hand-over not scheduled: shutting down");
        }
    }

    /**
     * Requeues the stored objects of partitions now assigned here (at start, and when another instance left): their
     * state is re-derived from the persisted status.
     */
    void resume(String kind, Set<Integer> partitions) {
        repository.inPartitions(kind, partitions).subscribe().with(refs -> {
            LOG.infof("Resuming %d %s objects of partitions %s", refs.size(), kind, partitions);
            refs.forEach(this::enqueue);
        }, failure -> {
            LOG.warnf("Cannot load replication objects yet (%s); retrying", failure.getMessage());
            timer.schedule(() -> resume(kind, partitions), Duration.ofSeconds(5));
        });
    }

    /** Stops what runs here for objects of a kind no longer this instance's (their new owner runs them). */
    private void release(String kind) {
        keys.forEach((ref, state) -> {
            if (ref.kind().equals(kind)) {
                stopIfNotOwned(ref, state);
            }
        });
    }

    /**
     * Stops the object's jobs here if its partition is another instance's now: after a rebalance took it, or after
     * its latest record came from another partition (the topic grew, the producer's partitioner changed).
     */
    private void stopIfNotOwned(ObjectRef ref, KeyState state) {
        Owner owner;
        synchronized (state) {
            if (state.owner == null || ownership.owns(ref.kind(), ref.key(), state.partition)) {
                return;
            }
            owner = state.owner;
            state.owner = null;
            state.published = null;
            cancelTimer(state);
        }
        LOG.infof("%s: handed over to the instance that holds its partition; stopping its jobs here", ref);
        reconciler.handedOver(owner);
    }

    private void ownerChanged(Owner owner) {
        enqueue(new ObjectRef(owner.kind(), new dev.ferry.replication.api.ObjectKey(owner.namespace(), owner.name())));
    }

    /** Reconcile the object as soon as possible (once more if a pass is running). */
    public void enqueue(ObjectRef ref) {
        KeyState state = keys.computeIfAbsent(ref, r -> new KeyState());
        synchronized (state) {
            if (state.running) {
                state.dirty = true;
                return;
            }
            state.running = true;
            cancelTimer(state);
        }
        process(ref, state);
    }

    /** Reconcile the object after a delay (an earlier pending requeue wins). */
    public void enqueueAfter(ObjectRef ref, Duration delay) {
        if (delay.isZero() || delay.isNegative()) {
            enqueue(ref);
            return;
        }
        KeyState state = keys.computeIfAbsent(ref, r -> new KeyState());
        synchronized (state) {
            Instant due = clock.instant().plus(delay);
            if (state.timer != null && !state.timer.isDone() && !state.timerDue.isAfter(due)) {
                return;
            }
            cancelTimer(state);
            state.timerDue = due;
            state.timer = timer.schedule(() -> enqueue(ref), delay);
        }
    }

    /** The object was deleted: run its mover's Cleanup and delete what it owned, in its turn. */
    public void finalizeDeleted(ObjectRef ref, ReplicationObject last) {
        KeyState state = keys.computeIfAbsent(ref, r -> new KeyState());
        synchronized (state) {
            state.finalizing = last;
            cancelTimer(state);
        }
        enqueue(ref);
    }

    private static void cancelTimer(KeyState state) {
        if (state.timer != null) {
            state.timer.cancel(false);
            state.timer = null;
        }
    }

    private void process(ObjectRef ref, KeyState state) {
        ReplicationObject finalizing;
        synchronized (state) {
            finalizing = state.finalizing;
            state.finalizing = null;
            if (finalizing != null) {
                // A record re-creating the object may have arrived meanwhile: it gets its pass after the cleanup
                // and the tombstone (a pass finding no object does nothing).
                state.dirty = true;
            }
        }
        Uni<Outcome> work;
        if (finalizing != null) {
            // The tombstone is published here, in the object's turn, so that no status of a pass still running
            // can land after it on the compacted topic.
            work = Uni.createFrom().item(finalizing).emitOn(passes).map(object -> {
                try {
                    reconciler.finalizeDeleted(object);
                } catch (Exception e) {
                    LOG.warnf("%s: cleanup after delete failed: %s", ref, e.getMessage());
                }
                return new Outcome(null, null, null, null);
            }).call(outcome -> publisher.tombstone(ref)).invoke(() -> {
                synchronized (state) {
                    state.published = null;
                }
            });
        } else {
            work = repository.find(ref).emitOn(passes).map(row -> reconcile(ref, state, row))
                    .call(outcome -> persist(ref, state, outcome));
        }
        work.subscribe().with(outcome -> done(ref, state, outcome, null), failure -> done(ref, state, null, failure));
    }

    private Outcome reconcile(ObjectRef ref, KeyState state, Optional<StoredObject> found) {
        if (found.isEmpty()) {
            return new Outcome(null, null, null, null);
        }
        StoredObject row = found.get();
        if (!ownership.owns(ref.kind(), ref.key(), row.partition())) {
            LOG.debugf("%s: its partition is another instance's", ref);
            synchronized (state) {
                if (state.owner != null) {
                    // It ran here before: what it runs stops once the hand-over grace has passed.
                    state.partition = row.partition();
                }
            }
            return new Outcome(null, null, null, null);
        }
        synchronized (state) {
            state.partition = row.partition();
            state.owner = new Owner(ref.kind(), ref.namespace(), ref.name(), row.uid());
        }
        ReplicationStatus status = readStatus(ref.kind(), row.status());
        ObjectMeta meta = new ObjectMeta(ref.name(), ref.namespace(), row.uid(), row.generation(), null,
                row.createdAt(), null, null);
        if (row.invalid() != null) {
            status.setCondition(ReplicationStatus.CONDITION_SYNCHRONIZING, "False", StateMachine.REASON_ERROR,
                    row.invalid(), clock.instant());
            return new Outcome(row, null, new StatusDocument(ref.kind(), meta, status),
                    new Reconciler.Pass(true, null, null, MachineResult.none()));
        }
        ReplicationObject object = decode(ref.kind(), row, status);
        Reconciler.Pass pass = reconciler.reconcile(object);
        return new Outcome(row, object, new StatusDocument(ref.kind(), object.metadata(), object.status()), pass);
    }

    /** Rebuilds the object from its row: identity from the columns, status from the status column. */
    ReplicationObject decode(String kind, StoredObject row, ReplicationStatus status) {
        try {
            if (ReplicationSource.KIND.equals(kind)) {
                ReplicationSource rs = codec.mapper().readValue(row.object(), ReplicationSource.class);
                return rs.withMetadata(identity(rs.metadata(), row)).withStatus((ReplicationSourceStatus) status);
            }
            ReplicationDestination rd = codec.mapper().readValue(row.object(), ReplicationDestination.class);
            return rd.withMetadata(identity(rd.metadata(), row)).withStatus((ReplicationDestinationStatus) status);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored " + kind + " unreadable", e);
        }
    }

    private static ObjectMeta identity(ObjectMeta meta, StoredObject row) {
        ObjectMeta base = meta == null ? new ObjectMeta(null, null, null, null, null, null, null, null) : meta;
        return base.withIdentity(row.ref().namespace(), row.ref().name(), row.uid(), row.createdAt())
                .withGeneration(row.generation());
    }

    private ReplicationStatus readStatus(String kind, String json) {
        Class<? extends ReplicationStatus> type = ReplicationSource.KIND.equals(kind) ? ReplicationSourceStatus.class
                : ReplicationDestinationStatus.class;
        if (json == null) {
            return ReplicationSource.KIND.equals(kind) ? new ReplicationSourceStatus()
                    : new ReplicationDestinationStatus();
        }
        return codec.read(json, type);
    }

    /**
     * Stores the status when it changed, and publishes the document whenever it differs from the last one this
     * process published: a publication that failed, or never happened because the process stopped between the two
     * writes, is made by the next pass (after a start, every object's document is published once again; on the
     * compacted topic a repeat is harmless). A change of metadata alone is published too.
     */
    private Uni<Void> persist(ObjectRef ref, KeyState state, Outcome outcome) {
        if (outcome.row() == null || !outcome.pass().writeStatus()) {
            return Uni.createFrom().voidItem();
        }
        String json = codec.writeString(outcome.document().status());
        String document = codec.writeString(outcome.document());
        String published;
        synchronized (state) {
            published = state.published;
        }
        boolean stored = sameJson(json, outcome.row().status());
        if (stored && document.equals(published)) {
            return Uni.createFrom().voidItem();
        }
        Uni<Boolean> save = stored ? Uni.createFrom().item(true)
                : repository.saveStatus(ref, outcome.row().uid(), json);
        return save.chain(saved -> saved
                ? publisher.publish(ref, outcome.document()).invoke(() -> {
                    synchronized (state) {
                        state.published = document;
                    }
                })
                : Uni.createFrom().voidItem());
    }

    /** Compares documents, not text: PostgreSQL's jsonb reorders keys and spacing. */
    private boolean sameJson(String a, String b) {
        if (b == null) {
            return false;
        }
        try {
            return codec.mapper().readTree(a).equals(codec.mapper().readTree(b));
        } catch (JsonProcessingException e) {
            return false;
        }
    }

    private void done(ObjectRef ref, KeyState state, Outcome outcome, Throwable failure) {
        Duration next = null;
        boolean again;
        boolean handedOver;
        synchronized (state) {
            state.running = false;
            Exception passError = outcome == null || outcome.pass() == null ? null : outcome.pass().result().error();
            if (failure != null || passError != null) {
                if (failure != null) {
                    LOG.warnf(failure, "%s: reconcile failed", ref);
                }
                long factor = 1L << Math.min(state.failures, 30);
                Duration backoff = backoffInitial.multipliedBy(factor);
                next = backoff.compareTo(backoffMax) > 0 ? backoffMax : backoff;
                state.failures++;
            } else {
                state.failures = 0;
                if (outcome != null && outcome.pass() != null) {
                    if (outcome.pass().stateChanged()) {
                        next = Duration.ZERO;
                    } else {
                        next = outcome.pass().result().requeue().orElse(null);
                    }
                }
            }
            again = state.dirty || state.finalizing != null;
            state.dirty = false;
            handedOver = state.owner != null && !ownership.owns(ref.kind(), ref.key(), state.partition);
        }
        if (handedOver) {
            // A pass that began before its partition went may have started a job; a later one sees it is not
            // this instance's. Either way, what it runs here stops after the grace, unless the partition returns.
            scheduleQuietly(() -> stopIfNotOwned(ref, state), handoverGrace);
        }
        if (again) {
            enqueue(ref);
        } else if (next != null) {
            enqueueAfter(ref, next);
        }
    }
}
