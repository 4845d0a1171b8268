package dev.ferry.replication.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;

import org.junit.jupiter.api.Test;

import dev.ferry.replication.api.Condition;
import dev.ferry.replication.api.ReplicationSourceStatus;
import dev.ferry.replication.api.ReplicationStatus;
import dev.ferry.replication.api.TriggerSpec;
import dev.ferry.replication.api.TypedLocalObjectReference;
import dev.ferry.replication.mover.Mover;
import dev.ferry.replication.mover.MoverException;
import dev.ferry.replication.mover.Result;
import dev.ferry.replication.support.MutableClock;

/** VolSync's state machine driven pass by pass, with a hand-moved clock and a scripted mover. */
class StateMachineTest {

    final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:30Z"));
    final StateMachine machine = new StateMachine(clock);
    final RecordingMetrics metrics = new RecordingMetrics();
    final ReplicationStatus status = new ReplicationSourceStatus();
    final ScriptedMover mover = new ScriptedMover();
    TriggerSpec trigger;

    /** Synchronize answers from a queue (complete when empty); Cleanup always completes. */
    static final class ScriptedMover implements Mover {
        final Deque<Object> answers = new ArrayDeque<>();
        int synchronizeCalls;
        int cleanupCalls;

        @Override
        public String name() {
            return "scripted";
        }

        @Override
        public Result synchronize() throws MoverException {
            synchronizeCalls++;
            Object next = answers.isEmpty() ? Result.complete() : answers.poll();
            if (next instanceof MoverException e) {
                throw e;
            }
            return (Result) next;
        }

        @Override
        public Result cleanup() {
            cleanupCalls++;
            return Result.complete();
        }
    }

    /** Thrown once by the next setLatestImage (marking the previous image failed). */
    MoverException imageFailure;

    MachineResult pass() {
        ObjectMetrics objectMetrics = metrics.forObject("ns", "obj", "source", mover.name());
        return machine.run(new StateMachine.Machine() {
            @Override
            public ReplicationStatus status() {
                return status;
            }

            @Override
            public TriggerSpec trigger() {
                return trigger;
            }

            @Override
            public Mover mover() {
                return mover;
            }

            @Override
            public ObjectMetrics metrics() {
                return objectMetrics;
            }

            @Override
            public void setLatestImage(TypedLocalObjectReference image) throws MoverException {
                if (imageFailure != null) {
                    MoverException failure = imageFailure;
                    imageFailure = null;
                    throw failure;
                }
            }
        });
    }

    Condition condition() {
        return status.synchronizing().orElseThrow();
    }

    @Test
    void givenNoTrigger_whenPassesRun_thenItSynchronizesBackToBack() {
        pass();
        assertThat(State.of(status)).isEqualTo(State.SYNCHRONIZING);
        assertThat(condition().reason()).isEqualTo("SyncInProgress");
        assertThat(condition().message()).isEqualTo("Synchronization in-progress");
        clock.advance(Duration.ofMillis(62_500));
        pass();
        assertThat(State.of(status)).isEqualTo(State.CLEANING_UP);
        assertThat(condition().status()).isEqualTo("False");
        assertThat(condition().reason()).isEqualTo("CleaningUp");
        assertThat(status.lastSyncDuration).isEqualTo("1m2.5s");
        assertThat(status.nextSyncTime).isNull();
        pass();
        assertThat(State.of(status)).as("no trigger: the next sync starts at once").isEqualTo(State.SYNCHRONIZING);
        assertThat(mover.cleanupCalls).isEqualTo(1);
        assertThat(metrics.durations.get("ns/obj/source")).containsExactly(Duration.ofMillis(62_500));
    }

    @Test
    void givenASchedule_whenASyncCompletes_thenItWaitsForTheNextFireAndStartsAfterIt() {
        trigger = new TriggerSpec("*/10 * * * *", null);
        pass();
        clock.set(Instant.parse("2026-01-01T00:01:00Z"));
        pass();
        assertThat(status.nextSyncTime).isEqualTo(Instant.parse("2026-01-01T00:10:00Z"));
        MachineResult waiting = pass();
        assertThat(condition().reason()).isEqualTo("WaitingForSchedule");
        assertThat(condition().message()).isEqualTo("Waiting for next scheduled synchronization");
        assertThat(waiting.requeueAfter()).isEqualTo(Duration.ofMinutes(9));
        clock.set(Instant.parse("2026-01-01T00:09:59Z"));
        pass();
        assertThat(State.of(status)).isEqualTo(State.CLEANING_UP);
        clock.set(Instant.parse("2026-01-01T00:10:01Z"));
        pass();
        assertThat(State.of(status)).isEqualTo(State.SYNCHRONIZING);
        assertThat(status.lastSyncStartTime).isEqualTo(Instant.parse("2026-01-01T00:10:01Z"));
        assertThat(metrics.outOfSync.get("ns/obj/source")).isFalse();
    }

    @Test
    void givenAScheduledSyncThatRunsPastTheSecondFire_whenItCompletes_thenOneMissedIntervalIsCounted() {
        trigger = new TriggerSpec("*/10 * * * *", null);
        pass();
        clock.set(Instant.parse("2026-01-01T00:01:00Z"));
        pass();
        clock.set(Instant.parse("2026-01-01T00:10:05Z"));
        pass();
        assertThat(State.of(status)).isEqualTo(State.SYNCHRONIZING);
        mover.answers.add(Result.inProgress());
        clock.set(Instant.parse("2026-01-01T00:21:00Z"));
        MachineResult running = pass();
        assertThat(running.requeueAfter()).isEqualTo(Duration.ofMinutes(1));
        assertThat(metrics.outOfSync.get("ns/obj/source")).as("deadline missed").isTrue();
        assertThat(metrics.missed).doesNotContainKey("ns/obj/source");
        clock.set(Instant.parse("2026-01-01T00:25:00Z"));
        pass();
        assertThat(metrics.missed.get("ns/obj/source").get()).isEqualTo(1);
        assertThat(metrics.outOfSync.get("ns/obj/source")).isFalse();
        assertThat(status.nextSyncTime).isEqualTo(Instant.parse("2026-01-01T00:30:00Z"));
    }

    @Test
    void givenAManualTrigger_whenTheValueChanges_thenExactlyOneSyncRunsPerValue() {
        trigger = new TriggerSpec(null, "one");
        pass();
        assertThat(State.of(status)).as("the first sync does not wait for a trigger").isEqualTo(State.SYNCHRONIZING);
        pass();
        assertThat(status.lastManualSync).isEqualTo("one");
        MachineResult waiting = pass();
        assertThat(condition().reason()).isEqualTo("WaitingForManual");
        assertThat(condition().message()).isEqualTo("Waiting for manual trigger");
        assertThat(waiting.requeueAfter()).isNull();
        pass();
        assertThat(mover.synchronizeCalls).isEqualTo(1);
        trigger = new TriggerSpec(null, "two");
        pass();
        assertThat(State.of(status)).isEqualTo(State.SYNCHRONIZING);
        pass();
        assertThat(status.lastManualSync).isEqualTo("two");
        assertThat(mover.synchronizeCalls).isEqualTo(2);
    }

    @Test
    void givenManualAndSchedule_whenBothAreSet_thenManualWins() {
        trigger = new TriggerSpec("*/10 * * * *", "m");
        pass();
        pass();
        assertThat(status.nextSyncTime).isNull();
        pass();
        assertThat(condition().reason()).isEqualTo("WaitingForManual");
    }

    @Test
    void givenAMoverAskingToRetryLater_whenSynchronizing_thenTheRequeueIsItsRetryAfter() {
        pass();
        mover.answers.add(Result.retryAfter(Duration.ofSeconds(5)));
        MachineResult result = pass();
        assertThat(result.requeueAfter()).isEqualTo(Duration.ofSeconds(5));
        assertThat(result.error()).isNull();
        assertThat(State.of(status)).isEqualTo(State.SYNCHRONIZING);
        assertThat(condition().reason()).isEqualTo("SyncInProgress");
    }

    @Test
    void givenAMoverError_whenSynchronizing_thenTheConditionIsErrorAndTheNextGoodPassClearsIt() {
        pass();
        mover.answers.add(new MoverException("secrets \"x\" not found"));
        mover.answers.add(Result.inProgress());
        MachineResult failed = pass();
        assertThat(failed.error()).hasMessage("secrets \"x\" not found");
        assertThat(condition().status()).isEqualTo("False");
        assertThat(condition().reason()).isEqualTo("Error");
        assertThat(condition().message()).isEqualTo("secrets \"x\" not found");
        assertThat(State.of(status)).as("errors never change the state").isEqualTo(State.SYNCHRONIZING);
        pass();
        assertThat(condition().reason()).isEqualTo("SyncInProgress");
        assertThat(condition().status()).isEqualTo("True");
    }

    @Test
    void givenAnUnparsableSchedule_whenCompleting_thenTheErrorIsReportedAndTheObjectStaysSynchronizing() {
        trigger = new TriggerSpec("61 * * * *", null);
        pass();
        MachineResult result = pass();
        assertThat(result.error()).isNotNull();
        assertThat(condition().reason()).isEqualTo("Error");
        assertThat(condition().message()).contains("61 * * * *");
        assertThat(State.of(status)).isEqualTo(State.SYNCHRONIZING);
    }

    @Test
    void givenGoDurations_whenFormatted_thenTheyReadAsGoWritesThem() {
        assertThat(GoDuration.format(Duration.ZERO)).isEqualTo("0s");
        assertThat(GoDuration.format(Duration.ofMillis(150))).isEqualTo("150ms");
        assertThat(GoDuration.format(Duration.ofMillis(1500))).isEqualTo("1.5s");
        assertThat(GoDuration.format(Duration.ofHours(1))).isEqualTo("1h0m0s");
        assertThat(GoDuration.format(Duration.ofSeconds(3723))).isEqualTo("1h2m3s");
    }

    @Test
    void givenDescriptors_whenParsed_thenTheyFireAsRobfigCronDoes() throws Exception {
        Instant t = Instant.parse("2026-03-04T05:06:07Z");
        assertThat(CronSchedule.parse("@hourly").next(t)).isEqualTo(Instant.parse("2026-03-04T06:00:00Z"));
        assertThat(CronSchedule.parse("@daily").next(t)).isEqualTo(Instant.parse("2026-03-05T00:00:00Z"));
        assertThat(CronSchedule.parse("@monthly").next(t)).isEqualTo(Instant.parse("2026-04-01T00:00:00Z"));
        assertThat(CronSchedule.parse("0 0 * * 0").next(t)).isEqualTo(Instant.parse("2026-03-08T00:00:00Z"));
    }

    @Test
    void givenADayOfWeekOf7_whenParsed_thenItIsRefusedAsRobfigCronRefusesIt() throws Exception {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> CronSchedule.parse("0 0 * * 7"))
                .isInstanceOf(MoverException.class).hasMessageContaining("end of range (7) above maximum (6): 7");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> CronSchedule.parse("0 0 * * 1,5-7"))
                .hasMessageContaining("end of range (7) above maximum (6): 5-7");
        Instant t = Instant.parse("2026-03-04T05:06:07Z");
        assertThat(CronSchedule.parse("0 0 * * */7").next(t)).as("a step of 7 is no day 7")
                .isEqualTo(Instant.parse("2026-03-08T00:00:00Z"));
        assertThat(CronSchedule.parse("0 0 * * 6").next(t)).isEqualTo(Instant.parse("2026-03-07T00:00:00Z"));
    }

    @Test
    void givenAnImageWhosePredecessorCannotBeMarked_whenSynchronizeCompletes_thenTheSyncIsNeitherDoneNorInSync() {
        pass();
        mover.answers.add(Result.completeWithImage(TypedLocalObjectReference.volumeSnapshot("img-2")));
        imageFailure = new MoverException("cannot label VolumeSnapshot/img-1");
        MachineResult failed = pass();
        assertThat(failed.error()).hasMessage("cannot label VolumeSnapshot/img-1");
        assertThat(failed.requeueAfter()).isEqualTo(Duration.ofMinutes(1));
        assertThat(State.of(status)).isEqualTo(State.SYNCHRONIZING);
        assertThat(status.lastSyncTime).isNull();
        assertThat(metrics.outOfSync.get("ns/obj/source")).as("not reported in sync").isNotEqualTo(false);
        pass();
        assertThat(State.of(status)).isEqualTo(State.CLEANING_UP);
        assertThat(metrics.outOfSync.get("ns/obj/source")).isFalse();
    }
}
