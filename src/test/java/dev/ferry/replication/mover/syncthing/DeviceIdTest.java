package dev.ferry.replication.mover.syncthing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;

/** Device IDs as Syncthing reads and prints them, and the configuration's listening address. */
class DeviceIdTest {

    /** An ID Syncthing printed for a device of its own. */
    static final String ID = "IGK4JNW-RP6C4SU-GMXEDW5-EAEV57X-PHKBQPW-4ZHJZUD-NTYA6OB-MKV7VQS";

    @Test
    void givenAnIdWrittenAnotherWay_whenMadeCanonical_thenItIsTheFormSyncthingPrints() throws Exception {
        assertThat(DeviceId.canonical(ID)).isEqualTo(ID);
        assertThat(DeviceId.canonical(ID.toLowerCase().replace("-", ""))).isEqualTo(ID);
        assertThat(DeviceId.canonical(ID.replace("-", " ") + "==")).isEqualTo(ID);
        // Without its check characters (Syncthing's old form): the same device.
        String plain = ID.replace("-", "");
        String old = plain.substring(0, 13) + plain.substring(14, 27) + plain.substring(28, 41) + plain.substring(42, 55);
        assertThat(DeviceId.canonical(old)).isEqualTo(ID);
    }

    @Test
    void givenNotAnId_whenMadeCanonical_thenSyncthingsErrorSaysWhy() {
        assertThatThrownBy(() -> DeviceId.canonical("NOT-AN-ID"))
                .hasMessage("\"NOT-AN-ID\": device ID invalid: incorrect length");
        String wrongCheck = ID.substring(0, 13) + (ID.charAt(13) == 'A' ? 'B' : 'A') + ID.substring(14);
        assertThatThrownBy(() -> DeviceId.canonical(wrongCheck)).hasMessageEndingWith(": check digit incorrect");
    }

    @Test
    void givenAConfiguration_whenItsListeningAddressIsSet_thenItIsTheOnlyOne() {
        String template = SyncthingScript.template(Path.of("/volumes/ns/data & more"), "tcp://127.0.0.1:20001");
        assertThat(template).contains("path=\"/volumes/ns/data &amp; more\"")
                .contains("<listenAddress>tcp://127.0.0.1:20001</listenAddress>");
        String twice = template.replace("<listenAddress>tcp://127.0.0.1:20001</listenAddress>",
                "<listenAddress>default</listenAddress>\n        <listenAddress>quic://0.0.0.0:22000</listenAddress>");
        String moved = SyncthingScript.withListenAddress(twice, "tcp://127.0.0.1:20002");
        assertThat(moved).contains("<listenAddress>tcp://127.0.0.1:20002</listenAddress>")
                .doesNotContain("default</listenAddress>").doesNotContain("quic://");
        assertThat(moved.split("<listenAddress>", -1)).hasSize(2);
        String none = twice.replaceAll("\\s*<listenAddress>[^<]*</listenAddress>", "");
        assertThat(SyncthingScript.withListenAddress(none, "tcp://127.0.0.1:20003"))
                .contains("<options>\n        <listenAddress>tcp://127.0.0.1:20003</listenAddress>");
    }

    @Test
    void givenAConfiguration_whenTheVolumeMoves_thenOnlyTheSharedFoldersPathFollows() {
        String config = "<configuration>\n    <folder id=\"other\" path=\"/x\">\n    </folder>\n"
                + "    <folder label=\"synced volume\" path=\"/volumes/ns/data\" id=\"syncthing-folder-id\" type=\"sendreceive\">\n"
                + "        <versioning><fsPath></fsPath></versioning>\n    </folder>\n</configuration>\n";
        String moved = SyncthingScript.withFolderPath(config, Path.of("/volumes/ns/data2"));
        assertThat(moved).contains("path=\"/volumes/ns/data2\" id=\"syncthing-folder-id\"")
                .contains("<folder id=\"other\" path=\"/x\">").contains("<fsPath></fsPath>");
        assertThat(moved.replace("data2", "data")).isEqualTo(config);
    }

    @Test
    void givenAConfiguration_whenRestarted_thenOnlyTheGuiPasswordIsCleared() {
        String config = "<configuration>\n    <gui enabled=\"true\" tls=\"true\">\n        <user>syncthing</user>\n"
                + "        <password>$2a$10$abc</password>\n    </gui>\n    <ldap><password>keep</password></ldap>\n"
                + "</configuration>\n";
        assertThat(SyncthingScript.withoutGuiPassword(config)).isEqualTo(config.replace("$2a$10$abc", ""));
    }
}
