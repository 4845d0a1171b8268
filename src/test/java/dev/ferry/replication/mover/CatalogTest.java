package dev.ferry.replication.mover;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.ferry.replication.api.ExternalSpec;
import dev.ferry.replication.api.RcloneSourceSpec;
import dev.ferry.replication.api.ReplicationDestination;
import dev.ferry.replication.api.ReplicationDestinationSpec;
import dev.ferry.replication.api.ReplicationSource;
import dev.ferry.replication.api.ReplicationSourceSpec;
import dev.ferry.replication.api.ReplicationSourceStatus;
import dev.ferry.replication.api.RsyncSourceSpec;
import dev.ferry.replication.api.RsyncDestinationSpec;
import dev.ferry.replication.api.RsyncTlsDestinationSpec;
import dev.ferry.replication.api.SyncthingSpec;
import dev.ferry.replication.mover.rclone.RcloneBuilder;
import dev.ferry.replication.mover.rsync.RsyncBuilder;
import dev.ferry.replication.mover.syncthing.SyncthingBuilder;
import dev.ferry.replication.reconcile.Reconciler;
import dev.ferry.replication.support.LocalCluster;

/** The catalog yields exactly one mover; the reconciler turns the rest into VolSync's conditions. */
class CatalogTest {

    @TempDir
    Path base;
    LocalCluster cluster;

    static final RsyncSourceSpec RSYNC = new RsyncSourceSpec("Direct", null, null, null, null, null, null,
            "127.0.0.1", 1, null, null, null, null, null);
    static final RcloneSourceSpec RCLONE = new RcloneSourceSpec("Direct", null, null, null, null, "c", "s", "/p",
            null, null, null, null, null);

    @BeforeEach
    void start() throws Exception {
        cluster = new LocalCluster(base);
    }

    @AfterEach
    void stop() {
        cluster.close();
    }

    static ReplicationSource source(RsyncSourceSpec rsync, RcloneSourceSpec rclone, SyncthingSpec syncthing,
            ExternalSpec external) {
        return LocalCluster.source("ns", "obj", new ReplicationSourceSpec("data", null, rsync, null, rclone, null,
                syncthing, external, null));
    }

    Catalog catalog() {
        return new Catalog().register(new RsyncBuilder("rsync")).register(new RcloneBuilder("rclone"));
    }

    @Test
    void givenNoMoverSection_whenAskingTheCatalog_thenErrNoMoverFound() {
        assertThatThrownBy(() -> catalog().sourceMover(cluster.env, source(null, null, null, null), false))
                .isInstanceOf(NoMoverFoundException.class).hasMessage("a replication method must be specified");
    }

    @Test
    void givenTwoMoverSections_whenAskingTheCatalog_thenErrMultipleMoversFound() {
        assertThatThrownBy(() -> catalog().sourceMover(cluster.env, source(RSYNC, RCLONE, null, null), false))
                .isInstanceOf(MultipleMoversFoundException.class)
                .hasMessage("only one replication method can be supplied");
    }

    @Test
    void givenOneSection_whenAskingTheCatalog_thenThatMover() throws Exception {
        assertThat(catalog().sourceMover(cluster.env, source(null, RCLONE, null, null), false).name())
                .isEqualTo("rclone");
        assertThat(catalog().sourceMover(cluster.env, source(RSYNC, null, null, null), false).name())
                .isEqualTo("rsync");
    }

    @Test
    void givenABuilderThatFails_whenAskingTheCatalog_thenItCountsAsNotMatching() throws Exception {
        Builder failing = new Builder() {
            @Override
            public Optional<Mover> fromSource(MoverEnvironment env, ReplicationSource source, boolean privileged)
                    throws MoverException {
                throw new MoverException("broken");
            }

            @Override
            public Optional<Mover> fromDestination(MoverEnvironment env, ReplicationDestination destination,
                    boolean privileged) {
                return Optional.empty();
            }

            @Override
            public String versionInfo() {
                return "broken";
            }
        };
        Catalog catalog = catalog().register(failing);
        assertThat(catalog.sourceMover(cluster.env, source(RSYNC, null, null, null), false).name())
                .isEqualTo("rsync");
    }

    @Test
    void givenTwoInternalMovers_whenReconciled_thenTheConditionSaysAMethodMustBeSpecified() {
        ReplicationSource rs = source(RSYNC, RCLONE, null, null);
        Reconciler.Pass pass = cluster.reconciler.reconcile(rs);
        assertThat(pass.writeStatus()).isTrue();
        assertThat(rs.status().synchronizing()).get().satisfies(c -> {
            assertThat(c.type()).isEqualTo("Synchronizing");
            assertThat(c.status()).isEqualTo("False");
            assertThat(c.reason()).isEqualTo("Error");
            assertThat(c.message()).isEqualTo("a replication method must be specified");
        });
    }

    @Test
    void givenNoMover_whenReconciled_thenTheConditionSaysAMethodMustBeSpecified() {
        ReplicationSource rs = source(null, null, null, null);
        cluster.reconciler.reconcile(rs);
        assertThat(rs.status().synchronizing().orElseThrow().message())
                .isEqualTo("a replication method must be specified");
    }

    @Test
    void givenAnInternalAndAnExternalMover_whenReconciled_thenOnlyOneMethodCanBeSupplied() {
        ReplicationSource rs = source(RSYNC, null, null, new ExternalSpec("acme.io/mover", Map.of()));
        cluster.reconciler.reconcile(rs);
        assertThat(rs.status().synchronizing().orElseThrow().message())
                .isEqualTo("only one replication method can be supplied");
    }

    @Test
    void givenOnlyAnExternalMover_whenReconciled_thenNoStatusIsWritten() {
        ReplicationSource rs = source(null, null, null, new ExternalSpec("acme.io/mover", Map.of()));
        Reconciler.Pass pass = cluster.reconciler.reconcile(rs);
        assertThat(pass.writeStatus()).isFalse();
        assertThat(rs.status().conditions).isEmpty();
    }

    @Test
    void givenSyncthingWithAMissingSourcePvc_whenReconciled_thenTheSyncthingMoverSaysWhatIsMissing() {
        ReplicationSource rs = source(null, null, new SyncthingSpec(List.of(), null, null, null, null, null, null,
                null, null), null);
        cluster.reconciler.reconcile(rs);
        cluster.reconciler.reconcile(rs);
        assertThat(rs.status().synchronizing().orElseThrow().message())
                .isEqualTo("persistentvolumeclaims \"data\" not found");
        assertThat(((ReplicationSourceStatus) rs.status()).syncthing).isNotNull();
    }

    @Test
    void givenSyncthingAndRsync_whenBothAreGiven_thenTheCatalogFindsTwoMovers() {
        ReplicationSource rs = source(RSYNC, null, new SyncthingSpec(List.of(), null, null, null, null, null, null,
                null, null), null);
        assertThatThrownBy(() -> catalog().register(new SyncthingBuilder("syncthing")).sourceMover(cluster.env, rs,
                false))
                .isInstanceOf(MultipleMoversFoundException.class);
    }

    @Test
    void givenRsyncTlsAndRsync_whenBothAreGiven_thenTheCatalogFindsTwoMovers() throws Exception {
        ReplicationDestination rd = LocalCluster.destination("ns", "obj", new ReplicationDestinationSpec(null,
                new RsyncDestinationSpec("Direct", "1Gi", null, List.of("ReadWriteOnce"), null, null, null, null,
                        null, null, null, null, null, null, null, null),
                new RsyncTlsDestinationSpec(null, null, null, null, null, null, null, null, null, null, null, null,
                        null),
                null, null, null, null));
        Catalog catalog = new Catalog().register(new RsyncBuilder("rsync"))
                .register(new dev.ferry.replication.mover.rsynctls.RsyncTlsBuilder("rsync-tls"));
        assertThatThrownBy(() -> catalog.destinationMover(cluster.env, rd, false))
                .isInstanceOf(MultipleMoversFoundException.class);
        assertThat(catalog.destinationMover(cluster.env, LocalCluster.destination("ns", "tls",
                new ReplicationDestinationSpec(null, null, rd.spec().rsyncTLS(), null, null, null, null)), false)
                .name()).isEqualTo("rsync-tls");
        // As VolSync's reconcile: two internal movers are told that a method must be specified.
        cluster.reconciler.reconcile(rd);
        assertThat(rd.status().synchronizing().orElseThrow().message())
                .isEqualTo("a replication method must be specified");
    }

    @Test
    void givenResultHelpers_whenBuilt_thenTheyMatchVolSyncs() {
        assertThat(Result.inProgress()).isEqualTo(new Result(false, null, java.time.Duration.ofMinutes(1)));
        assertThat(Result.complete().requeueAfter()).isEmpty();
        assertThat(Result.retryAfter(java.time.Duration.ZERO).requeueAfter()).contains(java.time.Duration.ZERO);
        assertThat(Result.completeWithImage(dev.ferry.replication.api.TypedLocalObjectReference.pvc("p")).image()
                .kind()).isEqualTo("PersistentVolumeClaim");
        assertThat(MoverConstants.SNAPSHOT_BIND_TIMEOUT).hasSeconds(30);
        assertThat(MoverConstants.PVC_BIND_TIMEOUT).hasSeconds(120);
        assertThat(MoverConstants.SERVICE_ADDRESS_TIMEOUT).hasSeconds(15);
        assertThat(MoverConstants.VOLSYNC_PREFIX).isEqualTo("volsync-");
    }
}
