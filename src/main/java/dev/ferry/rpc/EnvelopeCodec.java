package dev.ferry.rpc;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.ferry.json.JsonErrors;

/**
 * Reads Juju RPC requests and writes Juju RPC responses. A request that cannot be decoded becomes a
 * {@code bad request} RpcException whose message names the offending field.
 */
public final class EnvelopeCodec {

    /** Juju's request-id is a uint64: 0 to 2^64 - 1, carried in a long's 64 bits. */
    private static final BigInteger MAX_REQUEST_ID = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);

    private final ObjectMapper mapper;
    // As Go's json.Unmarshal: nothing but white space may follow the request's object.
    private final ObjectReader strictReader;

    public EnvelopeCodec(ObjectMapper mapper) {
        this.mapper = mapper;
        this.strictReader = mapper.reader().with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    }

    private static boolean isRequestId(JsonNode id) {
        return id.isIntegralNumber() && id.bigIntegerValue().signum() >= 0
                && id.bigIntegerValue().compareTo(MAX_REQUEST_ID) <= 0;
    }

    /** The uint64 in the long's bits, as JSON writes it. */
    private static BigInteger unsigned(long requestId) {
        return new BigInteger(Long.toUnsignedString(requestId));
    }

    /**
     * The request id if the value is a JSON object with one that {@link #decode} would accept; 0 otherwise (no value,
     * not JSON, a string or negative id): used to answer bad requests.
     */
    public long peekRequestId(byte[] value) {
        if (value == null) {
            return 0;
        }
        try {
            JsonNode id = mapper.readTree(value).path("request-id");
            return isRequestId(id) ? id.bigIntegerValue().longValue() : 0;
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    public RequestEnvelope decode(byte[] value) {
        JsonNode node;
        try {
            node = value == null ? null : strictReader.readTree(value);
        } catch (IOException e) {
            throw RpcException.badRequest("malformed JSON: " + JsonErrors.describe(e));
        }
        if (node == null || !node.isObject()) {
            throw RpcException.badRequest("request must be a JSON object");
        }
        JsonNode requestId = node.get("request-id");
        if (requestId == null) {
            throw RpcException.badRequest("missing field \"request-id\"");
        }
        if (!isRequestId(requestId)) {
            throw RpcException.badRequest("field \"request-id\" must be an integer from 0 to 2^64 - 1");
        }
        String type = requiredText(node, "type");
        JsonNode version = node.get("version");
        if (version == null) {
            throw RpcException.badRequest("missing field \"version\"");
        }
        if (!version.isInt()) {
            throw RpcException.badRequest("field \"version\" must be an integer");
        }
        String request = requiredText(node, "request");
        JsonNode id = node.get("id");
        if (id != null && !id.isNull() && !id.isTextual()) {
            throw RpcException.badRequest("field \"id\" must be a string");
        }
        JsonNode params = node.get("params");
        if (params != null && !params.isNull() && !params.isObject()) {
            throw RpcException.badRequest("field \"params\" must be an object");
        }
        return new RequestEnvelope(requestId.bigIntegerValue().longValue(), type, version.asInt(), request,
                params == null || params.isNull() ? mapper.createObjectNode() : params,
                id == null || id.isNull() ? "" : id.asText());
    }

    private static String requiredText(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null) {
            throw RpcException.badRequest("missing field \"" + field + "\"");
        }
        if (!value.isTextual() || value.asText().isEmpty()) {
            throw RpcException.badRequest("field \"" + field + "\" must be a non-empty string");
        }
        return value.asText();
    }

    public byte[] response(long requestId, Object result) {
        ObjectNode out = mapper.createObjectNode();
        out.put("request-id", unsigned(requestId));
        out.set("response", result == null ? mapper.createObjectNode() : mapper.valueToTree(result));
        return bytes(out);
    }

    public byte[] error(long requestId, RpcException error) {
        ObjectNode out = mapper.createObjectNode();
        out.put("request-id", unsigned(requestId));
        out.put("error", error.getMessage());
        // As Juju's codec, which omits an empty code.
        if (error.code() != null && !error.code().isEmpty()) {
            out.put("error-code", error.code());
        }
        if (error.info() != null && !error.info().isEmpty()) {
            out.set("error-info", mapper.valueToTree(error.info()));
        }
        return bytes(out);
    }

    private byte[] bytes(ObjectNode node) {
        try {
            return mapper.writeValueAsString(node).getBytes(StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise a response", e);
        }
    }
}
