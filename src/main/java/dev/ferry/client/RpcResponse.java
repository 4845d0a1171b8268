package dev.ferry.client;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A Juju RPC response read from the responses topic: {@code {"request-id","response"}} or
 * {@code {"request-id","error","error-code","error-info"}}, plus the record's correlation id.
 *
 * @param response    the result, null when absent or JSON null (e.g. on error)
 * @param error       the error message, null on success
 * @param errorCode   Juju's error code ({@code not found}, {@code unauthorized access}, …), null when none
 * @param errorInfo   Juju's structured error info, null when none
 */
public record RpcResponse(long requestId, JsonNode response, String error, String errorCode, JsonNode errorInfo,
        String correlationId) {

    public boolean isError() {
        return error != null || errorCode != null;
    }
}
