package dev.ferry.rpc.auth;

import org.apache.kafka.common.header.Headers;

/** The signing header values of one request record, each null when the header is absent. */
public record SignatureHeaders(String caller, String correlationId, String timestamp, String signature) {

    /** Reads the last value of each signing header (UTF-8). */
    public static SignatureHeaders from(Headers headers) {
        return new SignatureHeaders(FerryHeaders.lastValue(headers, FerryHeaders.CALLER),
                FerryHeaders.lastValue(headers, FerryHeaders.CORRELATION_ID),
                FerryHeaders.lastValue(headers, FerryHeaders.TIMESTAMP),
                FerryHeaders.lastValue(headers, FerryHeaders.SIGNATURE));
    }
}
