package dev.ferry.replication.mover.rclone;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PermissionsFileTest {

    @TempDir
    Path base;

    static String entry(String name, String mode) {
        return "# file: " + name + "\n# owner: root\n# group: root\nuser::" + mode + "\ngroup::r--\nother::r--\n\n";
    }

    @Test
    void givenGetfaclRunInTheVolume_whenWritten_thenEntriesAreNamedAsVolSyncsGetfaclOfDataNamesThem() {
        String written = PermissionsFile.fromVolume(entry(".", "rwx") + entry("x", "rw-") + entry("a/b\\012c", "r--"));
        assertThat(written).isEqualTo(entry("data", "rwx") + entry("data/x", "rw-") + entry("data/a/b\\012c", "r--"));
    }

    @Test
    void givenARemoteFile_whenRestored_thenOnlyEntriesInsideTheVolumeWithoutLinksRemainRelativeToIt()
            throws Exception {
        Path volume = Files.createDirectories(base.resolve("ns/volume"));
        Files.createDirectories(volume.resolve("a"));
        Files.writeString(volume.resolve("a/b\nc"), "x");
        Files.writeString(volume.resolve("x"), "x");
        Path outside = Files.writeString(base.resolve("ns/outside"), "secret");
        Files.createSymbolicLink(volume.resolve("link"), outside);
        Files.createSymbolicLink(volume.resolve("dirlink"), base.resolve("ns"));

        String remote = entry("data", "rwx") + entry("data/x", "rw-") + entry("data/a/b\\012c", "r--")
                + entry("data/../outside", "rwx") + entry("data/link", "rwx") + entry("data/dirlink/outside", "rwx")
                + entry("/etc/passwd", "rwx") + entry("etc/passwd", "rwx") + entry("data/missing", "rwx")
                + entry("data/a/../../outside", "rwx") + entry(".", "rwx");
        PermissionsFile.Restorable restorable = PermissionsFile.forVolume(remote, volume);

        assertThat(restorable.text()).isEqualTo(entry(".", "rwx") + entry("x", "rw-") + entry("a/b\\012c", "r--"));
        assertThat(restorable.dropped()).isEqualTo(8);
    }

    @Test
    void givenEscapes_whenUnescaped_thenTheyAreTheBytesOfTheName() {
        assertThat(PermissionsFile.unescape("a\\040b\\134c\\012")).isEqualTo("a b\\c\n");
        assertThat(PermissionsFile.unescape("\\303\\251t\\303\\251")).isEqualTo("été");
        assertThat(PermissionsFile.unescape("trailing\\01")).isEqualTo("trailing\\01");
    }

    @Test
    void givenHeadersSetfaclWouldReadButAStrictPrefixWouldNot_whenRestored_thenTheyStartDroppedEntriesNotKeptOnes()
            throws Exception {
        Path volume = Files.createDirectories(base.resolve("ns/volume"));
        Files.writeString(volume.resolve("x"), "x");
        String remote = entry("data", "rwx")
                + "#file: /etc/passwd\nuser::rwx\n\n"
                + " # file: /etc/shadow\n# owner: nobody\nuser::rwx\n\n"
                + "#\tfile:\tdata/../../outside\nuser::rwx\n\n"
                + "# file: data/x\n# owner: root\n# flags: --t\n# something: else\nuser::rw-\n"
                + "user:nobody:r--\t#effective:r--\ngarbage line\nuser:a b:rwx\nother::r--\n\n";

        PermissionsFile.Restorable restorable = PermissionsFile.forVolume(remote, volume);

        assertThat(restorable.text()).isEqualTo(entry(".", "rwx")
                + "# file: x\n# owner: root\n# flags: --t\nuser::rw-\nuser:nobody:r--\nother::r--\n\n");
        assertThat(restorable.dropped()).isEqualTo(3);
    }
}
