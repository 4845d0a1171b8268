package dev.ferry.rpc;

import java.util.Map;

/**
 * An error for a whole call (or, caught per entity, for one entry of a bulk call), carrying Juju's error code.
 * Thrown by facades; turned into {@code error}/{@code error-code}/{@code error-info} by the dispatcher.
 */
public class RpcException extends RuntimeException {

    private final String code;
    private final Map<String, Object> info;

    public RpcException(String code, String message) {
        this(code, message, null);
    }

    public RpcException(String code, String message, Map<String, Object> info) {
        super(message, null, false, false);
        this.code = code;
        this.info = info;
    }

    public String code() {
        return code;
    }

    public Map<String, Object> info() {
        return info;
    }

    public static RpcException perm() {
        return new RpcException(ErrorCodes.UNAUTHORIZED, "permission denied");
    }

    public static RpcException notFound(String what) {
        return new RpcException(ErrorCodes.NOT_FOUND, what + " not found");
    }

    public static RpcException badRequest(String message) {
        return new RpcException(ErrorCodes.BAD_REQUEST, message);
    }

    public static RpcException notImplemented(String message) {
        return new RpcException(ErrorCodes.NOT_IMPLEMENTED, message);
    }
}
