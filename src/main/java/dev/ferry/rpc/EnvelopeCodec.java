package dev.ferry.rpc;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.ferry.json.JsonErrors;
import dev.ferry.rpc.auth.RequestSignatures;

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
        return id.isIntegralNumber() && isRequestId(id.bigIntegerValue());
    }

    private static boolean isRequestId(BigInteger id) {
        return id.signum() >= 0 && id.compareTo(MAX_REQUEST_ID) <= 0;
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
        // Streamed, skipping everything else: the request may be far too large to read whole.
        try (JsonParser parser = mapper.getFactory().createParser(value)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return 0;
            }
            long found = 0;
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                JsonToken token = parser.nextToken();
                if ("request-id".equals(field)) {
                    // The last one counts, as when the whole object is read.
                    found = token == JsonToken.VALUE_NUMBER_INT && isRequestId(parser.getBigIntegerValue())
                            ? parser.getBigIntegerValue().longValue() : 0;
                } else {
                    parser.skipChildren();
                }
            }
            return found;
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    /**
     * SHA-256 (hex) of the call a request makes within its model, apart from how it was sent: facade, version,
     * method, id and params (object keys sorted), without the request-id; of the bytes as they are when the value is
     * not a request {@link #decode} accepts. Equal for the same call re-sent with another request-id or timestamp.
     */
    public String callDigest(String model, byte[] value) {
        try {
            return callDigest(model, decode(value));
        } catch (RpcException e) {
            return digest(model, "bytes\n" + (value == null ? "null" : HexFormat.of().formatHex(value)));
        }
    }

    /** {@link #callDigest(String, byte[])} of a request already decoded. */
    public String callDigest(String model, RequestEnvelope request) {
        try {
            return digest(model, "call\n" + request.type() + "\n" + request.version() + "\n" + request.request()
                    + "\n" + request.id() + "\n" + mapper.writeValueAsString(sorted(request.params())));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise decoded params", e);
        }
    }

    private static String digest(String model, String call) {
        return RequestSignatures.sha256Hex((model + "\n" + call).getBytes(StandardCharsets.UTF_8));
    }

    private JsonNode sorted(JsonNode node) {
        if (node.isObject()) {
            Map<String, JsonNode> byName = new TreeMap<>();
            node.properties().forEach(field -> byName.put(field.getKey(), field.getValue()));
            ObjectNode out = mapper.createObjectNode();
            byName.forEach((name, child) -> out.set(name, sorted(child)));
            return out;
        }
        if (node.isArray()) {
            ArrayNode out = mapper.createArrayNode();
            node.forEach(child -> out.add(sorted(child)));
            return out;
        }
        return node;
    }

    /** A stored response answering a request that asked the same under another request-id. */
    public byte[] withRequestId(byte[] response, long requestId) {
        try {
            ObjectNode node = (ObjectNode) mapper.readTree(response);
            node.put("request-id", unsigned(requestId));
            return bytes(node);
        } catch (IOException | ClassCastException e) {
            throw new IllegalStateException("cannot read a stored response", e);
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
