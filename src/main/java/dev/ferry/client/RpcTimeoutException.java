package dev.ferry.client;

import java.time.Duration;

/** Fails a call whose response did not arrive within the client's timeout. */
public class RpcTimeoutException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String correlationId;

    public RpcTimeoutException(String correlationId, Duration timeout) {
        super("no response to request " + correlationId + " within " + timeout.toMillis() + " ms");
        this.correlationId = correlationId;
    }

    public String correlationId() {
        return correlationId;
    }
}
