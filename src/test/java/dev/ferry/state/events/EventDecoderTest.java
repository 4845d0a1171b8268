package dev.ferry.state.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Everything PostgreSQL would refuse is refused by the decoder first, with its reason: such an event goes to the DLQ
 * at once rather than failing every event polled with it.
 */
class EventDecoderTest {

    static final String MODEL = "7d9f3c1e-52a4-4b8e-9c61-0a2f4e8b3d15";
    final EventDecoder decoder = new EventDecoder(new ObjectMapper());

    static byte[] event(String kind, String data) {
        return ("{\"event-id\":\"e1\",\"model-uuid\":\"" + MODEL + "\",\"kind\":\"" + kind
                + "\",\"action\":\"added\",\"data\":" + data + "}").getBytes(StandardCharsets.UTF_8);
    }

    ModelEvent decode(byte[] value) {
        return decoder.decode(MODEL, value);
    }

    @Test
    void givenAValidEvent_whenDecoded_thenItIsAccepted() {
        assertThat(decode(event("machine", "{\"machine-id\":\"0/lxd/1\",\"life\":\"alive\"}")).kind().name())
                .isEqualTo("machine");
        assertThat(decoder.decode(null, ("{\"event-id\":\"t\",\"kind\":\"agent-tools\",\"action\":\"added\",\"data\":"
                + "{\"version\":\"3.3.0\",\"os-type\":\"ubuntu\",\"arch\":\"amd64\",\"url\":\"u\",\"sha256\":\"s\","
                + "\"size\":9223372036854775807}}").getBytes(StandardCharsets.UTF_8)).kind().name())
                .isEqualTo("agent-tools");
    }

    @Test
    void givenANulCharacterOrHalfASurrogatePairAnywhere_whenDecoded_thenItIsRefusedNamingWhere() {
        assertThatThrownBy(() -> decode(event("machine", "{\"machine-id\":\"1\",\"display-name\":\"a\\u0000b\"}")))
                .isInstanceOf(InvalidEventException.class).hasMessage("field \"data.display-name\" contains a NUL character");
        assertThatThrownBy(() -> decode(event("machine", "{\"machine-id\":\"1\",\"jobs\":[\"x\",\"\\u0000\"]}")))
                .hasMessage("field \"data.jobs[1]\" contains a NUL character");
        assertThatThrownBy(() -> decode(event("machine", "{\"machine-id\":\"1\",\"hardware\":{\"a\\u0000\":1}}")))
                .hasMessage("a field name in \"data.hardware\" contains a NUL character");
        assertThatThrownBy(() -> decode(event("machine", "{\"machine-id\":\"1\",\"display-name\":\"\\udc00\"}")))
                .hasMessage("field \"data.display-name\" contains half of a surrogate pair (\\udc00)");
        assertThatThrownBy(() -> decoder.decode(MODEL, ("{\"event-id\":\"e\\u0000\",\"model-uuid\":\"" + MODEL
                + "\",\"kind\":\"machine\",\"action\":\"added\",\"data\":{\"machine-id\":\"1\"}}")
                .getBytes(StandardCharsets.UTF_8))).hasMessage("field \"event-id\" contains a NUL character");
    }

    @Test
    void givenValuesOutsideWhatTheDatabaseHolds_whenDecoded_thenTheyAreRefused() {
        assertThatThrownBy(() -> decoder.decode(null, ("{\"event-id\":\"t\",\"kind\":\"agent-tools\",\"action\":"
                + "\"added\",\"data\":{\"version\":\"3.3.0\",\"os-type\":\"ubuntu\",\"arch\":\"amd64\",\"url\":\"u\","
                + "\"sha256\":\"s\",\"size\":100000000000000000000}}").getBytes(StandardCharsets.UTF_8)))
                .hasMessage("field \"data.size\" must be an integer (64 bits)");
        for (String since : new String[] { "0000-01-01T00:00:00Z", "+300000-01-01T00:00:00Z",
                "2026-01-01T00:00:00+17:00" }) {
            assertThatThrownBy(() -> decode(event("status", "{\"entity-kind\":\"machine\",\"entity-id\":\"1\","
                    + "\"status-kind\":\"agent\",\"status\":\"idle\",\"since\":\"" + since + "\"}")))
                    .as(since).hasMessageStartingWith("field \"data.since\" is out of range");
        }
        assertThatThrownBy(() -> decode(event("application", "{\"name\":\"" + "a".repeat(1025)
                + "\",\"charm-url\":\"ch:x\"}"))).hasMessage("field \"data.name\" is longer than 1024 bytes (UTF-8)");
        // Counted in bytes, as PostgreSQL's index counts them: 400 three-byte characters are 1,200 bytes.
        assertThatThrownBy(() -> decode(event("application", "{\"name\":\"" + "\u20ac".repeat(400)
                + "\",\"charm-url\":\"ch:x\"}"))).hasMessage("field \"data.name\" is longer than 1024 bytes (UTF-8)");
        assertThatThrownBy(() -> decoder.decode(MODEL, ("{\"event-id\":\"" + "e".repeat(1025) + "\",\"model-uuid\":\""
                + MODEL + "\",\"kind\":\"machine\",\"action\":\"added\",\"data\":{\"machine-id\":\"1\"}}")
                .getBytes(StandardCharsets.UTF_8))).hasMessage("field \"event-id\" is longer than 1024 bytes (UTF-8)");
    }

    @Test
    void givenADuplicatedKeyOrTrailingBytes_whenDecoded_thenNothingIsSilentlyLost() {
        assertThatThrownBy(() -> decode(event("machine", "{\"machine-id\":\"1\",\"life\":\"alive\",\"life\":\"dead\"}")))
                .hasMessageStartingWith("malformed JSON").hasMessageContaining("life");
        byte[] trailing = (new String(event("machine", "{\"machine-id\":\"1\"}"), StandardCharsets.UTF_8) + " {}")
                .getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> decode(trailing)).hasMessageStartingWith("malformed JSON");
    }
}
