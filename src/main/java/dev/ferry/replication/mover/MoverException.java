package dev.ferry.replication.mover;

/** A mover (or catalog) error: its message is what the {@code Synchronizing} condition shows. */
public class MoverException extends Exception {

    private static final long serialVersionUID = 1L;

    public MoverException(String message) {
        super(message);
    }

    public MoverException(String message, Throwable cause) {
        super(message, cause);
    }
}
