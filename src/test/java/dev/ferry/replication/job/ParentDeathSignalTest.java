package dev.ferry.replication.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * A tool started through the parent-death signal ends when the thread that started it ends, as when Ferry's process
 * is killed; one started plainly lives on. A missing tool fails to start as before.
 */
class ParentDeathSignalTest {

    @Test
    void givenAToolStartedThroughTheSignal_whenItsStartingThreadEnds_thenTheKernelEndsIt() throws Exception {
        ParentDeathSignal signal = ParentDeathSignal.detect();
        assertThat(signal.enabled()).as("setpriv (util-linux) with --pdeathsig is installed here").isTrue();
        ProcessHandle linked = startOnAThreadThatEnds(signal.wrap(List.of("sleep", "120")));
        ProcessHandle plain = startOnAThreadThatEnds(List.of("sleep", "120"));
        try {
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> !linked.isAlive());
            assertThat(plain.isAlive()).as("started plainly, a tool outlives whoever started it").isTrue();
            assertThat(linked.info().command()).isEmpty();
        } finally {
            linked.destroyForcibly();
            plain.destroyForcibly();
        }
    }

    @Test
    void givenAToolThatIsNotInstalled_whenStarted_thenItFailsToStartAsWithoutTheSignal() {
        List<String> missing = List.of("no-such-mover-tool-" + System.nanoTime(), "--version");
        assertThat(ParentDeathSignal.detect().wrap(missing)).isEqualTo(missing);
        assertThatThrownBy(() -> new ProcessBuilder(missing).start()).isInstanceOf(IOException.class);
    }

    @Test
    void givenAToolOnThePath_whenWrapped_thenSetprivRunsItByItsFullPathWithItsArguments() {
        List<String> wrapped = ParentDeathSignal.detect().wrap(List.of("sleep", "1"));
        assertThat(wrapped).hasSize(6);
        assertThat(wrapped.get(0)).endsWith("/setpriv");
        assertThat(wrapped.subList(1, 4)).containsExactly("--pdeathsig", "KILL", "--");
        assertThat(wrapped.get(4)).endsWith("/sleep").startsWith("/");
        assertThat(wrapped.get(5)).isEqualTo("1");
        assertThat(ParentDeathSignal.none().wrap(List.of("sleep", "1"))).containsExactly("sleep", "1");
    }

    private static ProcessHandle startOnAThreadThatEnds(List<String> command) throws Exception {
        AtomicReference<Process> started = new AtomicReference<>();
        AtomicReference<Exception> failed = new AtomicReference<>();
        Thread starter = new Thread(() -> {
            try {
                Process process = new ProcessBuilder(command).start();
                started.set(process);
                // As a job's thread, which waits for its tools: the thread ends only once the tool runs (setpriv
                // sets the signal before it starts the tool, and a thread gone before that is no parent to lose).
                Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> Files
                        .readString(Path.of("/proc", String.valueOf(process.pid()), "comm")).strip().equals("sleep"));
            } catch (IOException e) {
                failed.set(e);
            }
        });
        starter.start();
        starter.join();
        if (failed.get() != null) {
            throw failed.get();
        }
        return started.get().toHandle();
    }
}
