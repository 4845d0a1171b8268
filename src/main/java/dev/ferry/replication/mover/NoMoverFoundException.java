package dev.ferry.replication.mover;

/** VolSync's {@code ErrNoMoverFound}. */
public final class NoMoverFoundException extends MoverException {

    private static final long serialVersionUID = 1L;

    public static final String MESSAGE = "a replication method must be specified";

    public NoMoverFoundException() {
        super(MESSAGE);
    }
}
