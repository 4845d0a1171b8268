package dev.ferry.state.events;

/** The event cannot be applied; the message says why and goes with it to the dead-letter topic. */
final class InvalidEventException extends RuntimeException {

    InvalidEventException(String message) {
        super(message, null, false, false);
    }
}
