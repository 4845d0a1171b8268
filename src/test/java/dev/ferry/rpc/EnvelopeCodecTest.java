package dev.ferry.rpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

/** The request and response envelopes as Juju's JSON codec has them: uint64 ids, one value per record. */
class EnvelopeCodecTest {

    final EnvelopeCodec codec = new EnvelopeCodec(new ObjectMapper());

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static String request(String id) {
        return "{\"request-id\":" + id + ",\"type\":\"Provisioner\",\"version\":11,\"request\":\"Life\"}";
    }

    @Test
    void givenAnyUint64RequestId_whenDecoded_thenTheResponseEchoesItExactly() {
        RequestEnvelope max = codec.decode(bytes(request("18446744073709551615")));
        assertThat(new String(codec.response(max.requestId(), null), StandardCharsets.UTF_8))
                .isEqualTo("{\"request-id\":18446744073709551615,\"response\":{}}");
        assertThat(new String(codec.error(codec.peekRequestId(bytes(request("9223372036854775808"))),
                RpcException.badRequest("x")), StandardCharsets.UTF_8))
                .startsWith("{\"request-id\":9223372036854775808,");
        assertThat(codec.decode(bytes(request("0"))).requestId()).isZero();
    }

    @Test
    void givenRequestIdsOutsideUint64_whenDecoded_thenTheyAreBadRequestsAnsweredWithIdZero() {
        for (String id : new String[] { "18446744073709551616", "-1", "1.5", "\"7\"", "null" }) {
            assertThatThrownBy(() -> codec.decode(bytes(request(id)))).as(id).isInstanceOf(RpcException.class)
                    .hasMessage("field \"request-id\" must be an integer from 0 to 2^64 - 1");
            assertThat(codec.peekRequestId(bytes(request(id)))).as(id).isZero();
        }
        assertThat(codec.peekRequestId(null)).isZero();
        assertThat(codec.peekRequestId(bytes("not json"))).isZero();
        assertThat(codec.peekRequestId(bytes("[1]"))).isZero();
    }

    @Test
    void givenAnythingAfterTheRequestObject_whenDecoded_thenItIsMalformed() {
        assertThatThrownBy(() -> codec.decode(bytes(request("1") + " {}")))
                .isInstanceOf(RpcException.class).hasMessageStartingWith("malformed JSON:");
        assertThat(codec.decode(bytes(request("1") + " \n")).requestId()).as("white space is fine").isEqualTo(1);
    }

    @Test
    void givenAnErrorWithoutACode_whenWritten_thenErrorCodeIsOmittedAsJujuOmitsIt() {
        assertThat(new String(codec.error(3, new RpcException(ErrorCodes.NONE, "boom")), StandardCharsets.UTF_8))
                .isEqualTo("{\"request-id\":3,\"error\":\"boom\"}");
        assertThat(new String(codec.error(3, RpcException.badRequest("bad")), StandardCharsets.UTF_8))
                .isEqualTo("{\"request-id\":3,\"error\":\"bad\",\"error-code\":\"bad request\"}");
    }

    @Test
    void givenARequestIdAmongOtherFields_whenPeeked_thenOnlyTheTopLevelOneCountsAndTheLastOfTwo() {
        assertThat(codec.peekRequestId(bytes("{\"params\":{\"request-id\":5,\"x\":[1,{\"request-id\":6}]},"
                + "\"request-id\":7}"))).isEqualTo(7);
        assertThat(codec.peekRequestId(bytes("{\"request-id\":7,\"request-id\":8}"))).isEqualTo(8);
        assertThat(codec.peekRequestId(bytes("{\"request-id\":\"7\"}"))).isZero();
        assertThat(codec.peekRequestId(bytes("{\"request-id\":-1}"))).isZero();
        assertThat(codec.peekRequestId(bytes("[{\"request-id\":7}]"))).isZero();
        assertThat(codec.peekRequestId(bytes("{\"request-id\":18446744073709551615}"))).isEqualTo(-1L);
        assertThat(codec.peekRequestId(bytes("{\"request-id\":7,\"params\":{"))).as("not JSON").isZero();
    }

    @Test
    void givenTheSameCallSentTwoWays_whenDigested_thenEqualAndAnotherCallDiffers() {
        String model = "11111111-2222-3333-4444-555555555555";
        String one = codec.callDigest(model, bytes("{\"request-id\":1,\"type\":\"Provisioner\",\"version\":11,"
                + "\"request\":\"Life\",\"params\":{\"entities\":[{\"tag\":\"machine-1\"}]}}"));
        String again = codec.callDigest(model, bytes(" {\"params\":{\"entities\":[ {\"tag\":\"machine-1\"} ]},"
                + "\"request\":\"Life\",\"version\":11,\"type\":\"Provisioner\",\"request-id\":2}"));
        assertThat(again).isEqualTo(one);
        assertThat(codec.callDigest(model, bytes("{\"request-id\":1,\"type\":\"Provisioner\",\"version\":11,"
                + "\"request\":\"Life\",\"params\":{\"entities\":[{\"tag\":\"machine-2\"}]}}"))).isNotEqualTo(one);
        assertThat(codec.callDigest("99999999-2222-3333-4444-555555555555", bytes("{\"request-id\":1,"
                + "\"type\":\"Provisioner\",\"version\":11,\"request\":\"Life\",\"params\":{\"entities\":"
                + "[{\"tag\":\"machine-1\"}]}}"))).as("another model").isNotEqualTo(one);
        assertThat(codec.callDigest(model, bytes("not json"))).isEqualTo(codec.callDigest(model, bytes("not json")))
                .isNotEqualTo(codec.callDigest(model, bytes("not json!")));
    }

    @Test
    void givenAStoredResponse_whenAnsweringAnotherRequestId_thenOnlyTheIdChanges() {
        byte[] stored = codec.response(1, java.util.Map.of("result", "x"));
        assertThat(new String(codec.withRequestId(stored, 300), StandardCharsets.UTF_8))
                .isEqualTo("{\"request-id\":300,\"response\":{\"result\":\"x\"}}");
    }
}
