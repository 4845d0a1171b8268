package dev.ferry.replication.mover;

/** VolSync's {@code ErrMultipleMoversFound}. */
public final class MultipleMoversFoundException extends MoverException {

    private static final long serialVersionUID = 1L;

    public static final String MESSAGE = "only one replication method can be supplied";

    public MultipleMoversFoundException() {
        super(MESSAGE);
    }
}
