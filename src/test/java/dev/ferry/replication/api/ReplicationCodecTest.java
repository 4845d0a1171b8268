package dev.ferry.replication.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import dev.ferry.json.StorableText;

/** Records in VolSync's CRD shape, JSON or YAML, are read; anything else names its problem. */
class ReplicationCodecTest {

    final ReplicationCodec codec = new ReplicationCodec();
    final ObjectKey key = new ObjectKey("team-a", "app");

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void givenASourceInJson_whenRead_thenEveryFieldOfTheCrdIsThere() throws Exception {
        ReplicationSource rs = codec.readSource(key, bytes("""
                {"apiVersion":"volsync.backube/v1alpha1","kind":"ReplicationSource",
                 "metadata":{"name":"app","namespace":"team-a","labels":{"x":"y"}},
                 "spec":{"sourcePVC":"data","trigger":{"schedule":"*/5 * * * *"},
                  "restic":{"copyMethod":"Snapshot","repository":"repo","pruneIntervalDays":3,
                   "retain":{"daily":5,"within":"3d"},"unlock":"u1","cacheCapacity":"2Gi"}},
                 "status":{"lastSyncTime":"2020-01-01T00:00:00Z"}}"""), null);
        assertThat(rs.metadata().labels()).containsEntry("x", "y");
        assertThat(rs.spec().trigger().schedule()).isEqualTo("*/5 * * * *");
        assertThat(rs.spec().restic().retain().daily()).isEqualTo(5);
        assertThat(rs.spec().restic().retain().within()).isEqualTo("3d");
        assertThat(rs.spec().restic().volumeOptions().copyMethod()).isEqualTo("Snapshot");
        assertThat(rs.status()).as("status is a subresource: never taken from the record").isNull();
    }

    @Test
    void givenADestinationInYaml_whenTheHeaderSaysSo_thenItIsRead() throws Exception {
        String yaml = """
                apiVersion: volsync.backube/v1alpha1
                kind: ReplicationDestination
                metadata:
                  name: app
                spec:
                  trigger:
                    manual: first
                  rsync:
                    copyMethod: Snapshot
                    capacity: 10Gi
                    accessModes: [ReadWriteOnce]
                """;
        ReplicationDestination rd = codec.readDestination(key, bytes(yaml), "application/yaml");
        assertThat(rd.metadata().namespace()).as("namespace from the key").isEqualTo("team-a");
        assertThat(rd.spec().rsync().capacity()).isEqualTo("10Gi");
        assertThat(rd.spec().rsync().accessModes()).containsExactly("ReadWriteOnce");
        assertThat(codec.readDestination(key, bytes(yaml), null).spec().trigger().manual())
                .as("without a header, a value that is not JSON is YAML").isEqualTo("first");
    }

    @Test
    void givenBadRecords_whenRead_thenTheProblemIsNamed() {
        assertThatThrownBy(() -> codec.readSource(key, bytes("{\"apiVersion\":\"v1\",\"kind\":\"ReplicationSource\","
                + "\"spec\":{}}"), null)).isInstanceOf(InvalidObjectException.class)
                .hasMessage("apiVersion: Unsupported value: \"v1\": supported values: \"volsync.backube/v1alpha1\"");
        assertThatThrownBy(() -> codec.readSource(key, bytes("{\"apiVersion\":\"volsync.backube/v1alpha1\","
                + "\"kind\":\"ReplicationDestination\",\"spec\":{}}"), null))
                .hasMessageStartingWith("kind: Unsupported value: \"ReplicationDestination\"");
        assertThatThrownBy(() -> codec.readSource(key, bytes("{\"apiVersion\":\"volsync.backube/v1alpha1\","
                + "\"kind\":\"ReplicationSource\",\"metadata\":{\"name\":\"other\"},\"spec\":{}}"), null))
                .hasMessage("metadata.name: Invalid value: \"other\": does not match the record key team-a/app");
        assertThatThrownBy(() -> codec.readSource(key, bytes("{\"apiVersion\":\"volsync.backube/v1alpha1\","
                + "\"kind\":\"ReplicationSource\",\"spec\":{\"trigger\":{\"schedule\":\"every day\"}}}"), null))
                .hasMessageStartingWith("spec.trigger.schedule: Invalid value: \"every day\"");
        assertThatThrownBy(() -> codec.readSource(key, bytes("{\"apiVersion\":\"volsync.backube/v1alpha1\","
                + "\"kind\":\"ReplicationSource\",\"spec\":{\"sourcePVC\":\"../x\"}}"), null))
                .hasMessageStartingWith("spec.sourcePVC: Invalid value: \"../x\"");
        assertThatThrownBy(() -> codec.readSource(key, bytes("{not json"), "application/json"))
                .hasMessageStartingWith("cannot parse ReplicationSource:");
        assertThatThrownBy(() -> codec.readSource(key, bytes("{\"apiVersion\":\"volsync.backube/v1alpha1\","
                + "\"kind\":\"ReplicationSource\",\"spec\":{\"paused\":\"maybe\"}}"), null))
                .hasMessageContaining("paused");
    }

    @Test
    void givenValuesOfTheWrongType_whenRead_thenTheyAreRefusedAsTheApiServerRefusesThem() {
        String head = "{\"apiVersion\":\"volsync.backube/v1alpha1\",\"kind\":\"ReplicationSource\",\"spec\":";
        assertThatThrownBy(() -> codec.readSource(key, bytes(head + "{\"paused\":\"true\"}}"), null))
                .hasMessage("spec.paused: Invalid value: \"string\": spec.paused in body must be of type boolean: "
                        + "\"string\"");
        assertThatThrownBy(() -> codec.readSource(key, bytes(head + "{\"rsync\":{\"port\":\"22\"}}}"), null))
                .hasMessage("spec.rsync.port: Invalid value: \"string\": spec.rsync.port in body must be of type "
                        + "integer: \"string\"");
        assertThatThrownBy(() -> codec.readSource(key, bytes(head + "{\"rsync\":{\"port\":22.5}}}"), null))
                .hasMessageStartingWith("spec.rsync.port: Invalid value: \"number\"");
        assertThatThrownBy(() -> codec.readSource(key, bytes(head + "{\"trigger\":{\"manual\":5}}}"), null))
                .hasMessageStartingWith("spec.trigger.manual: Invalid value: \"integer\"");
        assertThatThrownBy(() -> codec.readSource(key, bytes(head + "{\"paused\":1}}"), null))
                .hasMessageStartingWith("spec.paused: Invalid value: \"integer\"");
        assertThatThrownBy(() -> codec.readSource(key, bytes(head + "{\"rsync\":{\"accessModes\":[7]}}}"), null))
                .hasMessageStartingWith("spec.rsync.accessModes[0]: Invalid value: \"integer\"");
        assertThatThrownBy(() -> codec.readSource(key, bytes(head + "{\"trigger\":\"now\"}}"), null))
                .hasMessage("spec.trigger: Invalid value: \"string\": spec.trigger in body must be of type object: "
                        + "\"string\"");
    }

    @Test
    void givenQuantitiesAsNumbers_andNoSpec_whenRead_thenTheyAreAcceptedAsTheCrdAcceptsThem() throws Exception {
        ReplicationDestination rd = codec.readDestination(key, bytes("{\"apiVersion\":\"volsync.backube/v1alpha1\","
                + "\"kind\":\"ReplicationDestination\",\"spec\":{\"restic\":{\"capacity\":1073741824,"
                + "\"cacheCapacity\":2147483648}}}"), null);
        assertThat(rd.spec().restic().capacity()).isEqualTo("1073741824");
        assertThat(rd.spec().restic().cacheCapacity()).isEqualTo("2147483648");
        ReplicationSource bare = codec.readSource(key, bytes("{\"apiVersion\":\"volsync.backube/v1alpha1\","
                + "\"kind\":\"ReplicationSource\"}"), null);
        assertThat(bare.spec()).as("no spec is an empty spec: the catalog then names what is missing").isNotNull();
        assertThat(bare.spec().rsync()).isNull();
        assertThat(bare.spec().rclone()).isNull();
    }

    @Test
    void givenFlowStyleYamlWithoutAHeader_whenRead_thenItIsReadAsYaml() throws Exception {
        ReplicationSource rs = codec.readSource(key, bytes("{apiVersion: volsync.backube/v1alpha1, "
                + "kind: ReplicationSource, spec: {sourcePVC: data, trigger: {manual: once}}}"), null);
        assertThat(rs.spec().sourcePVC()).isEqualTo("data");
        assertThat(rs.spec().trigger().manual()).isEqualTo("once");
        assertThatThrownBy(() -> codec.readSource(key, bytes("{apiVersion: x}"), "application/json"))
                .as("a header saying JSON is taken at its word").hasMessageStartingWith("cannot parse ReplicationSource:");
    }

    @Test
    void givenAStatus_whenWritten_thenItHasKubernetesTimesAndOmitsEmptyFields() throws Exception {
        ReplicationSourceStatus status = new ReplicationSourceStatus();
        status.lastSyncTime = Instant.parse("2026-01-02T03:04:05.678Z");
        status.lastSyncDuration = "1m2.5s";
        status.latestMoverStatus = MoverStatus.empty();
        status.rsync = new RsyncStatus("volsync-rsync-src-dest-app", null, null);
        status.setCondition("Synchronizing", "False", "WaitingForManual", "Waiting for manual trigger",
                Instant.parse("2026-01-02T03:04:05Z"));
        JsonNode json = codec.mapper().readTree(codec.write(status));
        assertThat(json.get("lastSyncTime").asText()).isEqualTo("2026-01-02T03:04:05Z");
        assertThat(json.get("lastSyncDuration").asText()).isEqualTo("1m2.5s");
        assertThat(json.has("lastSyncStartTime")).isFalse();
        assertThat(json.get("latestMoverStatus").isObject()).isTrue();
        assertThat(json.get("rsync").get("sshKeys").asText()).isEqualTo("volsync-rsync-src-dest-app");
        assertThat(json.get("conditions").get(0).get("lastTransitionTime").asText())
                .isEqualTo("2026-01-02T03:04:05Z");
        ReplicationDestinationStatus rd = new ReplicationDestinationStatus();
        rd.latestImage = TypedLocalObjectReference.volumeSnapshot("dst-20260102030405");
        assertThat(codec.writeString(rd)).isEqualTo("{\"latestImage\":{\"apiGroup\":"
                + "\"snapshot.storage.k8s.io\",\"kind\":\"VolumeSnapshot\",\"name\":\"dst-20260102030405\"}}");
        ReplicationSource rs = codec.readSource(key, bytes("{\"apiVersion\":\"volsync.backube/v1alpha1\","
                + "\"kind\":\"ReplicationSource\",\"spec\":{\"sourcePVC\":\"data\"}}"), null);
        assertThat(codec.writeString(rs)).isEqualTo("{\"apiVersion\":\"volsync.backube/v1alpha1\","
                + "\"kind\":\"ReplicationSource\",\"metadata\":{\"name\":\"app\",\"namespace\":\"team-a\"},"
                + "\"spec\":{\"sourcePVC\":\"data\"}}");
        assertThat(codec.read(codec.writeString(status), ReplicationSourceStatus.class).lastSyncTime)
                .isEqualTo(Instant.parse("2026-01-02T03:04:05Z"));
    }

    @Test
    void givenSyncthingPeers_whenRead_andItsStatusWritten_thenTheFieldsAreVolSyncs() throws Exception {
        String head = "{\"apiVersion\":\"volsync.backube/v1alpha1\",\"kind\":\"ReplicationSource\",\"spec\":";
        ReplicationSource rs = codec.readSource(key, bytes(head + "{\"sourcePVC\":\"data\",\"syncthing\":{"
                + "\"peers\":[{\"ID\":\"ABC\",\"address\":\"tcp://10.0.0.1:22000\",\"introducer\":true},"
                + "{\"ID\":\"DEF\",\"address\":\"tcp://10.0.0.2:22000\"}],\"configCapacity\":\"2Gi\"}}}"), null);
        assertThat(rs.spec().syncthing().peers()).containsExactly(
                new SyncthingPeer("tcp://10.0.0.1:22000", "ABC", true),
                new SyncthingPeer("tcp://10.0.0.2:22000", "DEF", false));
        assertThat(rs.spec().syncthing().configCapacity()).isEqualTo("2Gi");
        assertThatThrownBy(() -> codec.readSource(key, bytes(head + "{\"syncthing\":{\"peers\":[{\"ID\":\"A\","
                + "\"introducer\":\"yes\"}]}}}"), null))
                .hasMessageStartingWith("spec.syncthing.peers[0].introducer: Invalid value: \"string\"");
        assertThatThrownBy(() -> codec.readSource(key, bytes(head + "{\"syncthing\":{\"peers\":{\"ID\":\"A\"}}}}"),
                null)).hasMessageStartingWith("spec.syncthing.peers: Invalid value: \"object\"");

        ReplicationSourceStatus status = new ReplicationSourceStatus();
        status.syncthing = new SyncthingStatus("MY-ID", "tcp://127.0.0.1:22000", java.util.List.of(
                new SyncthingPeerStatus("tcp://10.0.0.1:22000", "ABC", true, "", "site-b"),
                new SyncthingPeerStatus("tcp://", "DEF", false, "ABC", "")));
        assertThat(codec.writeString(status)).isEqualTo("{\"syncthing\":{\"ID\":\"MY-ID\","
                + "\"address\":\"tcp://127.0.0.1:22000\",\"peers\":[{\"address\":\"tcp://10.0.0.1:22000\","
                + "\"ID\":\"ABC\",\"connected\":true,\"name\":\"site-b\"},{\"address\":\"tcp://\",\"ID\":\"DEF\","
                + "\"connected\":false,\"introducedBy\":\"ABC\"}]}}");
        assertThat(codec.read(codec.writeString(status), ReplicationSourceStatus.class).syncthing)
                .isEqualTo(status.syncthing);
    }

    @Test
    void givenTextPostgresCannotKeep_whenRead_thenItIsRefusedWhereItIs_andNoMessageCarriesIt() {
        String head = "{\"apiVersion\":\"volsync.backube/v1alpha1\",\"kind\":\"ReplicationSource\",";
        assertThatThrownBy(() -> codec.readSource(key, bytes(head + "\"metadata\":{\"annotations\":{\"a\":\"x\\u0000y\"}},"
                + "\"spec\":{}}"), null)).isInstanceOf(InvalidObjectException.class).hasMessage(
                        "metadata.annotations.a: Invalid value: contains a NUL character (\\u0000), which cannot be stored");
        assertThatThrownBy(() -> codec.readSource(key, bytes(head + "\"spec\":{\"rclone\":{\"rcloneDestPath\":"
                + "[\"\\ud800\"]}}}"), null)).hasMessage("spec.rclone.rcloneDestPath[0]: Invalid value: contains half of "
                        + "a surrogate pair (\\ud800), which cannot be stored");
        assertThatThrownBy(() -> codec.readSource(key, bytes(head + "\"metadata\":{\"labels\":{\"k\\u0000\":\"v\"}},"
                + "\"spec\":{}}"), null)).hasMessage(
                        "metadata.labels.k\\u0000: Invalid value: contains a NUL character (\\u0000), which cannot be stored");
        // A pair whole is a character like any other.
        assertThat(assertDoesNotThrow(() -> codec.readSource(key, bytes(head + "\"metadata\":{\"annotations\":"
                + "{\"a\":\"\\ud83d\\ude00\"}},\"spec\":{}}"), null)).metadata().annotations()).containsEntry("a", "😀");

        assertThat(StorableText.of("a\0b\ud800c")).isEqualTo("a\\u0000b\\ud800c");
        assertThat(StorableText.of("x".repeat(40_000), Condition.MAX_MESSAGE_LENGTH))
                .hasSize(Condition.MAX_MESSAGE_LENGTH).endsWith("x…");
        Condition condition = new Condition("Synchronizing", "False", null, null, "Error", "y".repeat(700_000) + "\0");
        assertThat(condition.message()).as("a condition's message, as metav1.Condition's maxLength")
                .hasSize(Condition.MAX_MESSAGE_LENGTH);
        assertThat(new MoverStatus("Failed", "line\0").logs()).isEqualTo("line\\u0000");
    }

    @Test
    void givenRecordsThatAreNotOneUtf8Document_whenRead_thenTheProblemIsNamed() {
        String object = "apiVersion: volsync.backube/v1alpha1\nkind: ReplicationSource\nspec: {}\n";
        assertThatThrownBy(() -> codec.readSource(key, bytes(object + "---\n" + object), "application/yaml"))
                .hasMessage("cannot parse ReplicationSource: the record holds more than one document, where it must "
                        + "hold one object");
        assertThatThrownBy(() -> codec.readSource(key, bytes(object + "---\n" + object), null))
                .hasMessageContaining("more than one document");
        String json = "{\"apiVersion\":\"volsync.backube/v1alpha1\",\"kind\":\"ReplicationSource\",\"spec\":{}}";
        assertThatThrownBy(() -> codec.readSource(key, bytes(json + json), "application/json"))
                .hasMessageContaining("more than one document");
        byte[] latin1 = ("{\"apiVersion\":\"volsync.backube/v1alpha1\",\"kind\":\"ReplicationSource\",\"metadata\":"
                + "{\"annotations\":{\"a\":\"caf\u00e9\"}},\"spec\":{}}").getBytes(StandardCharsets.ISO_8859_1);
        int offset = new String(latin1, StandardCharsets.ISO_8859_1).indexOf('\u00e9');
        assertThatThrownBy(() -> codec.readSource(key, latin1, null))
                .hasMessage("cannot parse ReplicationSource: not UTF-8 (byte 0xe9 at offset " + offset + ")");
        assertThatThrownBy(() -> codec.readSource(key, new byte[] {(byte) 0xff, '{', '}'}, null))
                .hasMessage("cannot parse ReplicationSource: not UTF-8 (byte 0xff at offset 0)");
        assertThatCode(() -> codec.readSource(key, bytes(object + "---\n"), "application/yaml"))
                .as("a document end marker alone is no second object").doesNotThrowAnyException();
    }

    @Test
    void givenMetadataTheApiServerWouldRefuse_whenRead_thenItIsRefusedInItsWords() {
        String head = "{\"apiVersion\":\"volsync.backube/v1alpha1\",\"kind\":\"ReplicationSource\",\"metadata\":";
        String big = "x".repeat(ReplicationCodec.MAX_ANNOTATIONS_BYTES - 1);
        assertThatCode(() -> codec.readSource(key, bytes(head + "{\"annotations\":{\"a\":\"" + big + "\"}},"
                + "\"spec\":{}}"), null)).as("262,144 bytes, key and value").doesNotThrowAnyException();
        assertThatThrownBy(() -> codec.readSource(key, bytes(head + "{\"annotations\":{\"ab\":\"" + big + "\"}},"
                + "\"spec\":{}}"), null)).hasMessage("metadata.annotations: Too long: must have at most 262144 bytes");
        assertThatThrownBy(() -> codec.readSource(key, bytes(head + "{\"uid\":\"" + "u".repeat(129) + "\"},"
                + "\"spec\":{}}"), null)).hasMessage("metadata.uid: Too long: must have at most 128 characters");
    }

    @Test
    void givenKeys_whenParsed_thenOnlyNamespaceSlashNameIsAccepted() {
        assertThat(ObjectKey.parse("team-a/app")).contains(key);
        assertThat(ObjectKey.parse("app")).isEmpty();
        assertThat(ObjectKey.parse("a/b/c")).isEmpty();
        assertThat(ObjectKey.parse("../etc")).isEmpty();
        assertThat(ObjectKey.parse("Team/app")).isEmpty();
        assertThat(ObjectKey.parse(null)).isEmpty();
    }
}
