package dev.ferry.client;

/** Fails a call for a reason on the client's side: closed client, malformed response, unusable record. */
public class FerryClientException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public FerryClientException(String message) {
        super(message);
    }

    public FerryClientException(String message, Throwable cause) {
        super(message, cause);
    }
}
