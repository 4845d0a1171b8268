package dev.ferry.client;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * A Juju RPC request as it goes on the wire: {@code {"request-id","type","version","request","params"}};
 * {@code params} is any Jackson-serialisable object or a {@code JsonNode}.
 */
@JsonPropertyOrder({ "request-id", "type", "version", "request", "params" })
public record RpcRequest(
        @JsonProperty("request-id") long requestId,
        @JsonProperty("type") String facade,
        @JsonProperty("version") int version,
        @JsonProperty("request") String method,
        @JsonProperty("params") Object params) {
}
