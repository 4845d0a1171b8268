package dev.ferry.rpc.auth;

/** Why {@link SignatureVerifier} refused a request; for metrics and tests, the message says it to people. */
public enum RefusalReason {
    /** One of the signing headers is absent or empty. */
    MISSING_HEADER,
    /** {@code ferry-caller} is not a Juju tag in canonical form. */
    MALFORMED_CALLER,
    /** {@code ferry-timestamp} is not a decimal number of milliseconds. */
    MALFORMED_TIMESTAMP,
    /** {@code ferry-timestamp} is further from now than the window allows, in the past or the future. */
    TIMESTAMP_OUTSIDE_WINDOW,
    /** No key is known for the caller. */
    UNKNOWN_CALLER,
    /** The signature is malformed or does not match. */
    BAD_SIGNATURE
}
