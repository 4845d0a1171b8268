package dev.ferry.rpc;

/** Juju's RPC error codes, as Juju spells them on the wire ({@code error-code} and {@code Error.code}). */
public final class ErrorCodes {

    public static final String NOT_FOUND = "not found";
    public static final String UNAUTHORIZED = "unauthorized access";
    public static final String NOT_PROVISIONED = "not provisioned";
    public static final String ALREADY_EXISTS = "already exists";
    public static final String NOT_IMPLEMENTED = "not implemented";
    public static final String BAD_REQUEST = "bad request";
    public static final String NOT_VALID = "not valid";
    public static final String NOT_SUPPORTED = "not supported";
    public static final String NOT_ASSIGNED = "not assigned";
    public static final String STOPPED = "stopped";
    public static final String DEAD = "dead";
    public static final String TRY_AGAIN = "try again";
    public static final String FORBIDDEN = "forbidden";
    /** Juju leaves the code empty for errors without a specific kind. */
    public static final String NONE = "";

    private ErrorCodes() {
    }
}
