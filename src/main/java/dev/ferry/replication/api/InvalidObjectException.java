package dev.ferry.replication.api;

/** A record whose key is fine but whose value is not a valid VolSync object; the message names the problem. */
public class InvalidObjectException extends Exception {

    private static final long serialVersionUID = 1L;

    public InvalidObjectException(String message) {
        super(message);
    }
}
