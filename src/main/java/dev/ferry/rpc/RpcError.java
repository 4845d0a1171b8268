package dev.ferry.rpc;

import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** Juju's {@code Error}: {@code {"message", "code", "info"}}, used for per-entity errors in bulk results. */
@RegisterForReflection
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RpcError(@JsonProperty("message") String message, @JsonProperty("code") String code,
        @JsonProperty("info") Map<String, Object> info) {

    public RpcError(String message, String code) {
        this(message, code, null);
    }

    public static RpcError of(RpcException e) {
        return new RpcError(e.getMessage(), e.code(), e.info());
    }

    /** ErrPerm: {@code permission denied}, code {@code unauthorized access}. */
    public static RpcError perm() {
        return new RpcError("permission denied", ErrorCodes.UNAUTHORIZED);
    }

    /** NotFound: {@code "<what> not found"}, e.g. {@code machine 42 not found}. */
    public static RpcError notFound(String what) {
        return new RpcError(what + " not found", ErrorCodes.NOT_FOUND);
    }
}
