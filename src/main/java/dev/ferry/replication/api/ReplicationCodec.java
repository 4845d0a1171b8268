package dev.ferry.replication.api;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

/**
 * Reads ReplicationSource/ReplicationDestination records (JSON, or YAML when the record's {@code content-type}
 * header says {@code application/yaml} — or, with no header, when the value does not start with <code>{</code>) and
 * writes objects and status documents as JSON. Times are written as Kubernetes writes {@code metav1.Time}: RFC 3339
 * in UTC with second precision.
 */
public final class ReplicationCodec {

    /** The CRD's validation pattern of {@code spec.trigger.schedule}. */
    public static final Pattern SCHEDULE_PATTERN = Pattern.compile(
            "^(@(annually|yearly|monthly|weekly|daily|hourly))|((((\\d+,)*\\d+|(\\d+(\\/|-)\\d+)|\\*(\\/\\d+)?)\\s?){5})$");

    private final ObjectMapper json;
    private final ObjectMapper yaml;

    public ReplicationCodec() {
        this.json = configure(new ObjectMapper());
        this.yaml = configure(new ObjectMapper(new YAMLFactory()));
    }

    private static ObjectMapper configure(ObjectMapper mapper) {
        SimpleModule times = new SimpleModule("kubernetes-times");
        times.addSerializer(Instant.class, new StdSerializer<>(Instant.class) {
            @Override
            public void serialize(Instant value, JsonGenerator gen, SerializerProvider provider) throws IOException {
                gen.writeString(DateTimeFormatter.ISO_INSTANT.format(value.truncatedTo(ChronoUnit.SECONDS)));
            }
        });
        return mapper.registerModule(new JavaTimeModule()).registerModule(times)
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .disable(DeserializationFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE);
    }

    public ObjectMapper mapper() {
        return json;
    }

    /** True when the value is to be read as YAML: by header, else by its first non-blank character. */
    public static boolean isYaml(String contentType, byte[] value) {
        if (contentType != null && !contentType.isBlank()) {
            String type = contentType.toLowerCase(Locale.ROOT).split(";")[0].trim();
            return type.equals("application/yaml") || type.equals("application/x-yaml") || type.equals("text/yaml");
        }
        for (byte b : value) {
            if (!Character.isWhitespace(b)) {
                return b != '{';
            }
        }
        return false;
    }

    public ReplicationSource readSource(ObjectKey key, byte[] value, String contentType)
            throws InvalidObjectException {
        ObjectNode tree = readTree(value, contentType, ReplicationSource.KIND);
        ReplicationSource source = convert(tree, ReplicationSource.class);
        ObjectMeta meta = checkMetadata(key, source.metadata());
        if (source.spec() == null) {
            throw new InvalidObjectException("spec: Required value");
        }
        checkSchedule(source.spec().trigger());
        if (source.spec().sourcePVC() != null && !ObjectKey.isName(source.spec().sourcePVC())) {
            throw new InvalidObjectException("spec.sourcePVC: Invalid value: \"" + source.spec().sourcePVC()
                    + "\": must be a DNS-1123 subdomain");
        }
        return new ReplicationSource(ReplicationObject.API_VERSION, ReplicationSource.KIND, meta, source.spec(),
                null);
    }

    public ReplicationDestination readDestination(ObjectKey key, byte[] value, String contentType)
            throws InvalidObjectException {
        ObjectNode tree = readTree(value, contentType, ReplicationDestination.KIND);
        ReplicationDestination destination = convert(tree, ReplicationDestination.class);
        ObjectMeta meta = checkMetadata(key, destination.metadata());
        if (destination.spec() == null) {
            throw new InvalidObjectException("spec: Required value");
        }
        checkSchedule(destination.spec().trigger());
        return new ReplicationDestination(ReplicationObject.API_VERSION, ReplicationDestination.KIND, meta,
                destination.spec(), null);
    }

    private ObjectNode readTree(byte[] value, String contentType, String kind) throws InvalidObjectException {
        JsonNode tree;
        try {
            tree = (isYaml(contentType, value) ? yaml : json).readTree(value);
        } catch (JsonProcessingException e) {
            throw new InvalidObjectException("cannot parse " + kind + ": " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new InvalidObjectException("cannot parse " + kind + ": " + e.getMessage());
        }
        if (tree == null || !tree.isObject()) {
            throw new InvalidObjectException("cannot parse " + kind + ": not an object");
        }
        String apiVersion = tree.path("apiVersion").asText("");
        if (!ReplicationObject.API_VERSION.equals(apiVersion)) {
            throw new InvalidObjectException("apiVersion: Unsupported value: \"" + apiVersion
                    + "\": supported values: \"" + ReplicationObject.API_VERSION + "\"");
        }
        String actualKind = tree.path("kind").asText("");
        if (!kind.equals(actualKind)) {
            throw new InvalidObjectException("kind: Unsupported value: \"" + actualKind + "\": supported values: \""
                    + kind + "\"");
        }
        ObjectNode object = (ObjectNode) tree;
        object.remove("status");
        return object;
    }

    private <T> T convert(ObjectNode tree, Class<T> type) throws InvalidObjectException {
        try {
            return json.treeToValue(tree, type);
        } catch (JsonProcessingException e) {
            String path = e instanceof com.fasterxml.jackson.databind.JsonMappingException m
                    ? m.getPathReference() : "";
            throw new InvalidObjectException("invalid " + type.getSimpleName() + " " + path + ": "
                    + e.getOriginalMessage());
        }
    }

    private static ObjectMeta checkMetadata(ObjectKey key, ObjectMeta meta) throws InvalidObjectException {
        ObjectMeta m = meta == null ? new ObjectMeta(null, null, null, null, null, null, null, null) : meta;
        if (m.name() != null && !m.name().equals(key.name())) {
            throw new InvalidObjectException("metadata.name: Invalid value: \"" + m.name()
                    + "\": does not match the record key " + key);
        }
        if (m.namespace() != null && !m.namespace().equals(key.namespace())) {
            throw new InvalidObjectException("metadata.namespace: Invalid value: \"" + m.namespace()
                    + "\": does not match the record key " + key);
        }
        return new ObjectMeta(key.name(), key.namespace(), m.uid(), m.generation(), m.resourceVersion(),
                m.creationTimestamp(), m.labels(), m.annotations());
    }

    private static void checkSchedule(TriggerSpec trigger) throws InvalidObjectException {
        if (trigger != null && trigger.schedule() != null && !trigger.schedule().isEmpty()
                && !SCHEDULE_PATTERN.matcher(trigger.schedule()).find()) {
            throw new InvalidObjectException("spec.trigger.schedule: Invalid value: \"" + trigger.schedule()
                    + "\": spec.trigger.schedule in body should match '" + SCHEDULE_PATTERN.pattern() + "'");
        }
    }

    public byte[] write(Object value) {
        try {
            return json.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise " + value.getClass().getSimpleName(), e);
        }
    }

    public String writeString(Object value) {
        return new String(write(value), StandardCharsets.UTF_8);
    }

    public <T> T read(String value, Class<T> type) {
        try {
            return json.readValue(value, type);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot read stored " + type.getSimpleName(), e);
        }
    }
}
