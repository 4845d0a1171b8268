package dev.ferry.replication.mover;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

class MoverLogsTest {

    static MoverSettings limit(int maxBytes) {
        return limit(maxBytes, -1);
    }

    static MoverSettings limit(int maxBytes, int tailLines) {
        MoverSettings d = MoverSettings.defaults();
        return new MoverSettings(d.rsyncBinary(), d.rcloneBinary(), d.resticBinary(), d.syncBinary(),
                d.bindAddress(), d.rsyncCompress(), d.rsyncSparse(), d.rsyncRetryDelay(), d.rcloneChecksum(),
                maxBytes, false, tailLines, d.stunnelBinary(), d.syncthingBinary(), d.opensslBinary());
    }

    @Test
    void givenATailLineLimit_whenFiltered_thenOnlyTheLastLinesOfTheLogAreConsidered() {
        String logs = "sent 1\nnoise\nsent 2\nnoise\n";
        var keep = MoverLogs.anyOf(Pattern.compile("^sent"));
        assertThat(MoverLogs.filter(logs, keep, limit(1024, -1))).isEqualTo("sent 1\nsent 2");
        assertThat(MoverLogs.filter(logs, keep, limit(1024, 3))).isEqualTo("sent 2");
        assertThat(MoverLogs.filter(logs, keep, limit(1024, 0))).isEmpty();
        assertThat(MoverLogs.all(logs, limit(1024, 2))).isEqualTo("sent 2\nnoise");
    }

    @Test
    void givenMatchingLines_whenFiltered_thenTheyAreKeptAsWrittenAndJoinedByNewlines() {
        String logs = "noise\n   sent 1,024 bytes  received 35 bytes\nmore noise\nRsync completed in 1s\n";
        assertThat(MoverLogs.filter(logs, MoverLogs.anyOf(Pattern.compile("^sent"), Pattern.compile("^Rsync")),
                limit(1024))).isEqualTo("   sent 1,024 bytes  received 35 bytes\nRsync completed in 1s");
    }

    @Test
    void givenALimitCuttingACharacter_whenTailed_thenOnlyThePartLeftOfItGoes() {
        assertThat(MoverLogs.tail("aéb", 2)).as("é is cut: its second byte goes").isEqualTo("b");
        assertThat(MoverLogs.tail("xé€b", 3)).as("€ is cut after its first byte").isEqualTo("b");
        assertThat(MoverLogs.tail("aé\uFFFDb", 4)).as("a replacement character the tool wrote stays")
                .isEqualTo("\uFFFDb");
        assertThat(MoverLogs.tail("abc", 0)).isEmpty();
        assertThat(MoverLogs.tail("abc", 3)).isEqualTo("abc");
    }
}
