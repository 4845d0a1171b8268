package dev.ferry.replication.volume;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Map;

/**
 * VolSync's copy trigger, on a source PVC's annotations (its properties file under {@code .volsync/pvc/}): a PVC
 * annotated {@code volsync.backube/use-copy-trigger} is copied (Clone, Snapshot) only once its
 * {@code volsync.backube/copy-trigger} differs from the {@code latest-copy-trigger} of the last copy, so that an
 * application can quiesce, set a new trigger, and wait for {@code latest-copy-status=Completed} before resuming.
 */
final class CopyTrigger {

    static final String PREFIX = "volsync.backube/";
    static final String USE = PREFIX + "use-copy-trigger";
    static final String TRIGGER = PREFIX + "copy-trigger";
    static final String LATEST = PREFIX + "latest-copy-trigger";
    static final String STATUS = PREFIX + "latest-copy-status";
    static final String WAITING_SINCE = PREFIX + "latest-copy-trigger-waiting-since";
    static final Duration TIMEOUT = Duration.ofMinutes(10);
    private static final String PVC = "pvc";

    private CopyTrigger() {
    }

    /**
     * True when the copy may be made now (no trigger in use, or a new trigger, then marked InProgress); false while
     * waiting (marked WaitingForTrigger, with the time it started waiting).
     */
    static boolean mayCopy(Path nsDir, String pvc, Instant now) throws IOException, CopyTriggerTimeoutException {
        Map<String, String> meta = MetaStore.read(nsDir, PVC, pvc);
        if (!meta.containsKey(USE)) {
            return true;
        }
        String trigger = meta.getOrDefault(TRIGGER, "");
        if (trigger.isEmpty() || trigger.equals(meta.get(LATEST))) {
            Instant since = waitingSince(meta);
            if (!"WaitingForTrigger".equals(meta.get(STATUS)) || since == null) {
                since = now.truncatedTo(ChronoUnit.SECONDS);
                meta.put(STATUS, "WaitingForTrigger");
                meta.put(WAITING_SINCE, since.toString());
                writeOwn(nsDir, pvc, meta);
            }
            if (Duration.between(since, now).compareTo(TIMEOUT) > 0) {
                throw new CopyTriggerTimeoutException(pvc);
            }
            return false;
        }
        if (!"InProgress".equals(meta.get(STATUS)) || meta.containsKey(WAITING_SINCE)) {
            meta.put(STATUS, "InProgress");
            meta.remove(WAITING_SINCE);
            writeOwn(nsDir, pvc, meta);
        }
        return true;
    }

    /** The copy is made: the trigger it was made for becomes the latest, and the status Completed. */
    static void completed(Path nsDir, String pvc) throws IOException {
        Map<String, String> meta = MetaStore.read(nsDir, PVC, pvc);
        if (!meta.containsKey(USE) || !"InProgress".equals(meta.get(STATUS))) {
            return;
        }
        meta.put(STATUS, "Completed");
        meta.put(LATEST, meta.getOrDefault(TRIGGER, ""));
        meta.remove(WAITING_SINCE);
        writeOwn(nsDir, pvc, meta);
    }

    /**
     * Writes Ferry's own annotations onto the PVC's annotations as they are now, not as they were read: what the
     * user wrote meanwhile (a new copy-trigger) stays.
     */
    private static void writeOwn(Path nsDir, String pvc, Map<String, String> computed) throws IOException {
        Map<String, String> current = MetaStore.read(nsDir, PVC, pvc);
        for (String own : java.util.List.of(STATUS, LATEST, WAITING_SINCE)) {
            if (computed.containsKey(own)) {
                current.put(own, computed.get(own));
            } else {
                current.remove(own);
            }
        }
        MetaStore.write(nsDir, PVC, pvc, current);
    }

    /** When waiting began; null when absent or unreadable (VolSync then starts the wait again). */
    private static Instant waitingSince(Map<String, String> meta) {
        try {
            String since = meta.get(WAITING_SINCE);
            return since == null ? null : Instant.parse(since);
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
