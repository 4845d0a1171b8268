package dev.ferry.replication.mover;

import java.time.Duration;

/**
 * How movers run the tools: binaries, the loopback address listening movers bind to, rsync's compression, sparse-file
 * handling ({@code -S}, VolSync's flags) and retry delay, whether rclone compares by checksum (VolSync does), and
 * VolSync's log limits ({@code MOVER_LOG_MAX_BYTES}, {@code MOVER_LOG_DEBUG}, {@code MOVER_LOG_TAIL_LINES}: the
 * last lines of a job's log considered, negative for all). {@code syncBinary} is coreutils'
 * {@code sync}, which movers run where VolSync's scripts do; {@code stunnelBinary} carries rsync-tls's TLS;
 * {@code syncthingBinary} is the Syncthing mover's daemon, {@code opensslBinary} makes its certificates.
 */
public record MoverSettings(String rsyncBinary, String rcloneBinary, String resticBinary, String syncBinary,
        String bindAddress, boolean rsyncCompress, boolean rsyncSparse, Duration rsyncRetryDelay,
        boolean rcloneChecksum, int logMaxBytes, boolean logDebug, int logTailLines, String stunnelBinary,
        String syncthingBinary, String opensslBinary) {

    public static MoverSettings defaults() {
        return new MoverSettings("rsync", "rclone", "restic", "sync", "127.0.0.1", false, true, Duration.ofSeconds(2),
                true, 1024, false, -1, "stunnel", "syncthing", "openssl");
    }
}
