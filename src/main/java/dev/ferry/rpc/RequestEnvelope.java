package dev.ferry.rpc;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One decoded Juju RPC request: {@code {"request-id","type","version","request","params"}}, and {@code id} for
 * calls on a watcher (e.g. {@code StringsWatcher.Stop}).
 */
public record RequestEnvelope(long requestId, String type, int version, String request, JsonNode params,
        String id) {
}
