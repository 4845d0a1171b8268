package dev.ferry.rpc;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.Outgoing;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Consumes {@code juju.rpc.requests} and answers each on {@code juju.rpc.responses}, same key, correlation id copied.
 * No facade is registered yet, so every request is answered as Juju answers an unknown facade.
 */
@ApplicationScoped
public class RpcResponder {

    static final String CORRELATION_HEADER = "ferry-correlation-id";

    private final ObjectMapper mapper;

    public RpcResponder(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    @Incoming("rpc-requests")
    @Outgoing("rpc-responses")
    public Message<byte[]> answer(Message<byte[]> request) throws JsonProcessingException {
        IncomingKafkaRecordMetadata<?, ?> in = request.getMetadata(IncomingKafkaRecordMetadata.class).orElseThrow();
        Map<String, Object> response = new LinkedHashMap<>();
        try {
            JsonNode body = mapper.readTree(request.getPayload());
            response.put("request-id", body.path("request-id").asLong());
            response.put("error", "unknown facade type \"" + body.path("type").asText() + "\"");
            response.put("error-code", "not implemented");
        } catch (java.io.IOException e) {
            String detail = e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
            response.put("request-id", 0);
            response.put("error", "malformed request: " + detail);
            response.put("error-code", "bad request");
        }
        RecordHeaders headers = new RecordHeaders();
        Header correlation = in.getHeaders().lastHeader(CORRELATION_HEADER);
        if (correlation != null) {
            headers.add(CORRELATION_HEADER, correlation.value());
        }
        OutgoingKafkaRecordMetadata<Object> out = OutgoingKafkaRecordMetadata.builder().withKey(in.getKey())
                .withHeaders(headers).build();
        return request.withPayload(mapper.writeValueAsString(response).getBytes(StandardCharsets.UTF_8))
                .addMetadata(out);
    }
}
