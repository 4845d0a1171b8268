package dev.ferry.replication.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The version a mover's builder reports is the line naming its tool, whatever the tool prints before it. */
class ToolVersionTest {

    @TempDir
    Path dir;

    @Test
    void givenAToolThatPrintsSomethingElseFirst_whenAskedItsVersion_thenTheLineNamingItIsTaken() throws Exception {
        Path tool = dir.resolve("tunnel");
        Files.writeString(tool, "#!/bin/sh\necho 'Initializing inetd mode configuration' >&2\necho 'tunnel 5.68 on x86_64'\n");
        tool.toFile().setExecutable(true);
        assertThat(ReplicationRuntime.version(tool.toString(), "-version")).isEqualTo("tunnel 5.68 on x86_64");

        Path plain = dir.resolve("other");
        Files.writeString(plain, "#!/bin/sh\necho 'version 1'\n");
        plain.toFile().setExecutable(true);
        assertThat(ReplicationRuntime.version(plain.toString(), "--version")).isEqualTo("version 1");
        assertThat(ReplicationRuntime.version(dir.resolve("absent").toString(), "--version")).endsWith("(not installed)");
    }
}
