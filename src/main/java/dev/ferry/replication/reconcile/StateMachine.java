package dev.ferry.replication.reconcile;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import dev.ferry.replication.api.ReplicationStatus;
import dev.ferry.replication.api.TriggerSpec;
import dev.ferry.replication.api.TypedLocalObjectReference;
import dev.ferry.replication.mover.Mover;
import dev.ferry.replication.mover.MoverException;
import dev.ferry.replication.mover.Result;

/**
 * VolSync's synchronization state machine: Initial → Synchronizing (call Synchronize until completed) →
 * CleaningUp (call Cleanup until completed, then wait for the trigger) → Synchronizing … The state is derived from
 * the status on every pass; errors set the {@code Error} condition and never change the state.
 */
public final class StateMachine {

    public static final String REASON_SYNC_IN_PROGRESS = "SyncInProgress";
    public static final String REASON_WAITING_FOR_SCHEDULE = "WaitingForSchedule";
    public static final String REASON_WAITING_FOR_MANUAL = "WaitingForManual";
    public static final String REASON_CLEANING_UP = "CleaningUp";
    public static final String REASON_ERROR = "Error";

    /** How the machine reaches the object it drives. */
    public interface Machine {
        ReplicationStatus status();

        TriggerSpec trigger();

        Mover mover();

        ObjectMetrics metrics();

        /** Destination only: take the new image (labelling the superseded snapshot for cleanup). */
        void setLatestImage(TypedLocalObjectReference image) throws MoverException;
    }

    private enum TriggerType {
        MANUAL, SCHEDULE, NONE
    }

    private final Clock clock;

    public StateMachine(Clock clock) {
        this.clock = clock;
    }

    public MachineResult run(Machine machine) {
        ReplicationStatus status = machine.status();
        MachineResult result;
        try {
            if (status.lastSyncTime == null) {
                machine.metrics().outOfSync(true);
            } else if (missedDeadline(machine)) {
                machine.metrics().outOfSync(true);
            }
            result = switch (State.of(status)) {
                case INITIAL -> {
                    transitionToSynchronizing(status);
                    yield MachineResult.none();
                }
                case SYNCHRONIZING -> synchronize(machine);
                case CLEANING_UP -> cleanup(machine);
            };
        } catch (MoverException | RuntimeException e) {
            result = new MachineResult(null, e);
        }
        if (result.error() != null) {
            String message = result.error().getMessage() == null ? result.error().toString()
                    : result.error().getMessage();
            status.setCondition(ReplicationStatus.CONDITION_SYNCHRONIZING, "False", REASON_ERROR, message, now());
        }
        return result;
    }

    private Instant now() {
        return clock.instant();
    }

    private static TriggerType triggerType(TriggerSpec trigger) {
        if (trigger != null && trigger.manual() != null && !trigger.manual().isEmpty()) {
            return TriggerType.MANUAL;
        }
        if (trigger != null && trigger.schedule() != null && !trigger.schedule().isEmpty()) {
            return TriggerType.SCHEDULE;
        }
        return TriggerType.NONE;
    }

    /** Schedule only: the sync due at the first fire after the last completion did not end before the second. */
    private boolean missedDeadline(Machine machine) throws MoverException {
        ReplicationStatus status = machine.status();
        if (triggerType(machine.trigger()) != TriggerType.SCHEDULE || status.lastSyncTime == null) {
            return false;
        }
        CronSchedule schedule = CronSchedule.parse(machine.trigger().schedule());
        return schedule.next(schedule.next(status.lastSyncTime)).isBefore(now());
    }

    private void transitionToSynchronizing(ReplicationStatus status) {
        status.lastSyncStartTime = now();
        status.setCondition(ReplicationStatus.CONDITION_SYNCHRONIZING, "True", REASON_SYNC_IN_PROGRESS,
                "Synchronization in-progress", now());
    }

    private MachineResult synchronize(Machine machine) throws MoverException {
        ReplicationStatus status = machine.status();
        Result result = machine.mover().synchronize();
        if (!result.completed()) {
            status.setCondition(ReplicationStatus.CONDITION_SYNCHRONIZING, "True", REASON_SYNC_IN_PROGRESS,
                    "Synchronization in-progress", now());
            return new MachineResult(result.requeueAfter().orElse(null), null);
        }
        if (result.image() != null) {
            try {
                machine.setLatestImage(result.image());
            } catch (MoverException e) {
                // Not complete yet, so not in sync either.
                return new MachineResult(Result.IN_PROGRESS_RECHECK, e);
            }
        }
        machine.metrics().outOfSync(false);
        transitionToCleaningUp(machine);
        return MachineResult.none();
    }

    private void transitionToCleaningUp(Machine machine) throws MoverException {
        ReplicationStatus status = machine.status();
        if (missedDeadline(machine)) {
            machine.metrics().missedInterval();
        }
        Instant now = now();
        status.lastSyncTime = now;
        if (status.lastSyncStartTime != null) {
            Duration took = Duration.between(status.lastSyncStartTime, now);
            status.lastSyncDuration = GoDuration.format(took);
            machine.metrics().syncDuration(took);
        }
        updateNextSyncTime(machine);
        TriggerSpec trigger = machine.trigger();
        status.lastManualSync = trigger == null || trigger.manual() == null ? "" : trigger.manual();
        status.lastSyncStartTime = null;
        status.setCondition(ReplicationStatus.CONDITION_SYNCHRONIZING, "False", REASON_CLEANING_UP, "Cleaning up",
                now);
    }

    private void updateNextSyncTime(Machine machine) throws MoverException {
        ReplicationStatus status = machine.status();
        if (triggerType(machine.trigger()) == TriggerType.SCHEDULE) {
            CronSchedule schedule = CronSchedule.parse(machine.trigger().schedule());
            status.nextSyncTime = schedule.next(status.lastSyncTime == null ? now() : status.lastSyncTime);
        } else {
            status.nextSyncTime = null;
        }
    }

    private MachineResult cleanup(Machine machine) throws MoverException {
        ReplicationStatus status = machine.status();
        Result result = machine.mover().cleanup();
        updateNextSyncTime(machine);
        if (!result.completed()) {
            status.setCondition(ReplicationStatus.CONDITION_SYNCHRONIZING, "False", REASON_CLEANING_UP,
                    "Cleaning up", now());
            return new MachineResult(result.requeueAfter().orElse(null), null);
        }
        TriggerType type = triggerType(machine.trigger());
        boolean shouldSync = switch (type) {
            case SCHEDULE -> now().isAfter(status.nextSyncTime);
            case MANUAL -> !machine.trigger().manual().equals(status.lastManualSync);
            case NONE -> true;
        };
        if (shouldSync) {
            transitionToSynchronizing(status);
            return MachineResult.none();
        }
        if (type == TriggerType.SCHEDULE) {
            status.setCondition(ReplicationStatus.CONDITION_SYNCHRONIZING, "False", REASON_WAITING_FOR_SCHEDULE,
                    "Waiting for next scheduled synchronization", now());
        } else {
            status.setCondition(ReplicationStatus.CONDITION_SYNCHRONIZING, "False", REASON_WAITING_FOR_MANUAL,
                    "Waiting for manual trigger", now());
        }
        if (status.nextSyncTime != null) {
            Duration wait = Duration.between(now(), status.nextSyncTime);
            return new MachineResult(wait.isNegative() ? Duration.ZERO : wait, null);
        }
        return MachineResult.none();
    }
}
