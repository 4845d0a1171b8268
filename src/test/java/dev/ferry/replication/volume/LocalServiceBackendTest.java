package dev.ferry.replication.volume;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A service's port is its own: outside the ephemeral range, never another service's, kept across restarts. */
class LocalServiceBackendTest {

    @TempDir
    Path root;

    @Test
    void givenManyServices_whenEachIsGivenAPort_thenNoneSharesOneAndEachStaysBelowTheEphemeralRange() throws Exception {
        LocalServiceBackend services = new LocalServiceBackend(root, "127.0.0.1");
        Set<Integer> ports = new HashSet<>();
        for (int i = 0; i < 60; i++) {
            String ns = "ns-" + (i % 3);
            int port = services.ensure(ns, "svc-" + i, new Owner("ReplicationDestination", ns, "rd-" + i, "u" + i), null)
                    .orElseThrow().port();
            assertThat(port).isBetween(LocalServiceBackend.FIRST_PORT, LocalServiceBackend.LAST_PORT);
            assertThat(ports.add(port)).as("port %d given twice, though nothing listens on it yet", port).isTrue();
        }
        // Kept across a restart (a new backend on the same root), and never handed to a new service.
        LocalServiceBackend restarted = new LocalServiceBackend(root, "127.0.0.1");
        int again = restarted.ensure("ns-0", "svc-0", new Owner("ReplicationDestination", "ns-0", "rd-0", "u0"), null)
                .orElseThrow().port();
        assertThat(ports).contains(again);
        int fresh = restarted.ensure("ns-9", "other", new Owner("ReplicationDestination", "ns-9", "o", "x"), null)
                .orElseThrow().port();
        assertThat(ports).doesNotContain(fresh);
    }
}
