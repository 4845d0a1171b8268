package dev.ferry.replication.service;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** {@code ferry.replication.*}: where volumes and secrets live, how movers run, how the controller retries. */
@ConfigMapping(prefix = "ferry.replication")
public interface ReplicationConfig {

    /** PVCs are directories {@code <volumes-root>/<namespace>/<pvc>}. */
    @WithDefault("/var/lib/ferry/volumes")
    Path volumesRoot();

    /** Secrets are {@code <secrets-root>/<namespace>/<secret>/<key>}, as Kubernetes mounts them. */
    @WithDefault("/var/lib/ferry/secrets")
    Path secretsRoot();

    /** ConfigMaps (a mover's custom CA) are {@code <configmaps-root>/<namespace>/<configmap>/<key>}, as mounted. */
    @WithDefault("/var/lib/ferry/configmaps")
    Path configmapsRoot();

    /** Scratch space of running mover jobs (their /tmp). */
    @WithDefault("${java.io.tmpdir}/ferry-jobs")
    Path scratchDir();

    /** The address listening movers (the rsync destination) bind to and publish in their status. */
    @WithDefault("127.0.0.1")
    String bindAddress();

    /** Reconcile passes running at the same time (one at a time per object). */
    @WithDefault("16")
    int workers();

    /**
     * Delay before a failed job attempt is retried, doubled for each further failed attempt of the job, at most six
     * minutes (a Kubernetes Job's pod back-off).
     */
    @WithDefault("10s")
    Duration jobRetryDelay();

    /**
     * How long a stopped job's tools have to end after SIGINT (restic removes its lock from the repository, rsync
     * its partial files) before they are killed; a Kubernetes pod's termination grace period.
     */
    @WithDefault("10s")
    Duration toolStopGrace();

    /** First back-off of a reconcile that failed; doubles per failure up to the maximum. */
    @WithDefault("5ms")
    Duration errorBackoffInitial();

    @WithDefault("1000s")
    Duration errorBackoffMax();

    /**
     * How long after a partition is taken from this instance its objects' running jobs are stopped, unless it is
     * given back meanwhile (as an eager rebalance does at once): the new owner runs them from then on.
     */
    @WithDefault("10s")
    Duration handoverGrace();

    /** Namespaces whose movers run privileged (VolSync's namespace annotation volsync.backube/privileged-movers). */
    Optional<List<String>> privilegedNamespaces();

    Tools tools();

    Rsync rsync();

    Rclone rclone();

    MoverLog moverLog();

    /** The tool binaries. */
    interface Tools {
        @WithDefault("rsync")
        String rsync();

        @WithDefault("rclone")
        String rclone();

        @WithDefault("restic")
        String restic();

        /** coreutils' {@code sync}: flushes what a mover wrote before its sync is reported done. */
        @WithDefault("sync")
        String sync();

        /** stunnel: the TLS (pre-shared key) of the rsync-tls mover, both sides. */
        @WithDefault("stunnel")
        String stunnel();

        /** Syncthing: the syncthing mover's daemon. */
        @WithDefault("syncthing")
        String syncthing();

        /** OpenSSL: makes the syncthing mover's certificates. */
        @WithDefault("openssl")
        String openssl();
    }

    /** rsync mover settings. */
    interface Rsync {
        /** First delay between the source's five attempts (doubles each time). */
        @WithDefault("2s")
        Duration retryDelay();

        /** Compress on the wire (-z); off by default because movers talk over loopback. */
        @WithDefault("false")
        boolean compress();

        /**
         * Handle sparse files ({@code -S}, as VolSync does): keeps holes as holes, at a cost of about half the
         * throughput of a plain copy; false copies holes as zeros.
         */
        @WithDefault("true")
        boolean sparse();
    }

    /** rclone mover settings. */
    interface Rclone {
        /**
         * Compare files by checksum ({@code --checksum}, as VolSync does): reads the whole tree on both sides on
         * every sync; false compares size and modification time, so a re-sync costs what changed.
         */
        @WithDefault("true")
        boolean checksum();
    }

    /** VolSync's MOVER_LOG_MAX_BYTES and MOVER_LOG_DEBUG. */
    interface MoverLog {
        @WithDefault("1024")
        int maxBytes();

        @WithDefault("false")
        boolean debug();

        /** VolSync's {@code MOVER_LOG_TAIL_LINES}: the last lines of a job's log considered; negative: all. */
        @WithDefault("-1")
        int tailLines();
    }
}
