package dev.ferry.replication.api;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CoderResult;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

import dev.ferry.json.JsonErrors;
import dev.ferry.json.StorableText;

/**
 * Reads ReplicationSource/ReplicationDestination records (JSON, or YAML when the record's {@code content-type}
 * header says {@code application/yaml} — or, with no header, when the value is not JSON) and
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
        warmUp();
    }

    /**
     * Reads and writes one object of each kind, YAML and JSON: the first record then finds this codec's mappers
     * ready rather than building their (de)serializers on its way to its mover.
     */
    private void warmUp() {
        ObjectKey key = new ObjectKey("warm-up", "warm-up");
        try {
            writeString(readSource(key, ("apiVersion: " + ReplicationObject.API_VERSION + "\nkind: ReplicationSource\n"
                    + "spec: {sourcePVC: data, trigger: {manual: once}, rsync: {copyMethod: Direct, port: 22}}\n")
                    .getBytes(StandardCharsets.UTF_8), "application/yaml"));
            writeString(readDestination(key, ("{\"apiVersion\":\"" + ReplicationObject.API_VERSION
                    + "\",\"kind\":\"ReplicationDestination\",\"spec\":{\"trigger\":{\"manual\":\"once\"}}}")
                    .getBytes(StandardCharsets.UTF_8), null));
        } catch (InvalidObjectException e) {
            throw new IllegalStateException("the codec refuses its own warm-up objects", e);
        }
    }

    private static ObjectMapper configure(ObjectMapper mapper) {
        SimpleModule times = new SimpleModule("kubernetes-times");
        times.addSerializer(Instant.class, new StdSerializer<>(Instant.class) {
            @Override
            public void serialize(Instant value, JsonGenerator gen, SerializerProvider provider) throws IOException {
                gen.writeString(DateTimeFormatter.ISO_INSTANT.format(value.truncatedTo(ChronoUnit.SECONDS)));
            }
        });
        // Types as the API server checks them: no "true" for a boolean, "22" or 22.5 for an integer, 5 for a string
        // (quantities, which are int-or-string, are made text before conversion).
        mapper.coercionConfigFor(LogicalType.Boolean).setCoercion(CoercionInputShape.String, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail);
        for (LogicalType number : List.of(LogicalType.Integer, LogicalType.Float)) {
            mapper.coercionConfigFor(number).setCoercion(CoercionInputShape.String, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail);
        }
        mapper.coercionConfigFor(LogicalType.Integer).setCoercion(CoercionInputShape.Float, CoercionAction.Fail);
        mapper.coercionConfigFor(LogicalType.Textual).setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail);
        return mapper.registerModule(new JavaTimeModule()).registerModule(times)
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .disable(DeserializationFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE);
    }

    /** The API server's limit on an object's annotations, keys and values together. */
    static final int MAX_ANNOTATIONS_BYTES = 256 * 1024;
    /** The longest uid kept: Kubernetes' are 36 characters, and a uid goes into every status of its object. */
    static final int MAX_UID_LENGTH = 128;

    /** Fields of type {@code resource.Quantity}, which the CRD takes as a string or a number. */
    private static final Set<String> QUANTITIES = Set.of("capacity", "cacheCapacity", "configCapacity");

    public ObjectMapper mapper() {
        return json;
    }

    /**
     * True when the value is to be read as YAML: by header, else by its first non-blank character (a value read as
     * JSON that is not JSON is then tried as YAML, which flow-style YAML is).
     */
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
        checkStorable(tree);
        ReplicationSource source = convert(tree, ReplicationSource.class);
        ObjectMeta meta = checkMetadata(key, source.metadata());
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
        checkStorable(tree);
        ReplicationDestination destination = convert(tree, ReplicationDestination.class);
        ObjectMeta meta = checkMetadata(key, destination.metadata());
        checkSchedule(destination.spec().trigger());
        return new ReplicationDestination(ReplicationObject.API_VERSION, ReplicationDestination.KIND, meta,
                destination.spec(), null);
    }

    /**
     * The uid a record names, read on its own from a record that may be invalid otherwise (so that an object stored
     * as invalid keeps its identity); empty when the record cannot be read as an object of that kind, or names none.
     */
    public Optional<String> namedUid(String kind, byte[] value, String contentType) {
        try {
            JsonNode uid = readTree(value, contentType, kind).path("metadata").path("uid");
            return uid.isTextual() && !uid.asText().isEmpty() && uid.asText().length() <= MAX_UID_LENGTH
                    && StorableText.firstUnstorable(uid.asText()) < 0 ? Optional.of(uid.asText()) : Optional.empty();
        } catch (InvalidObjectException e) {
            return Optional.empty();
        }
    }

    private ObjectNode readTree(byte[] value, String contentType, String kind) throws InvalidObjectException {
        JsonNode tree;
        boolean asYaml = isYaml(contentType, value);
        try {
            tree = readOne(asYaml ? yaml : json, value, kind);
        } catch (IOException e) {
            // Read as JSON for want of a header: flow-style YAML starts with "{" too.
            boolean noHeader = contentType == null || contentType.isBlank();
            tree = noHeader && !asYaml ? yamlObjectOrNull(value, kind) : null;
            if (tree == null) {
                // Both parsers refuse bytes that are not UTF-8, each in its own words: the record's fault, in ours.
                checkUtf8(value, kind);
                throw new InvalidObjectException("cannot parse " + kind + ": " + JsonErrors.describe(e));
            }
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
        // No spec is an empty one, as the CRD allows: the catalog then says that a replication method is missing.
        if (!object.hasNonNull("spec")) {
            object.putObject("spec");
        }
        quantitiesAsText(object.get("spec"));
        return object;
    }

    private ObjectNode yamlObjectOrNull(byte[] value, String kind) throws InvalidObjectException {
        try {
            JsonNode node = readOne(yaml, value, kind);
            return node instanceof ObjectNode object ? object : null;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /**
     * The record's one document; a second (YAML's {@code ---}, or JSON values one after another) is refused. An empty
     * YAML document after it (a closing {@code ---}) is nothing.
     */
    private static JsonNode readOne(ObjectMapper mapper, byte[] value, String kind)
            throws IOException, InvalidObjectException {
        try (JsonParser parser = mapper.createParser(value)) {
            JsonNode tree = mapper.readTree(parser);
            JsonToken next = parser.nextToken();
            while (next == JsonToken.VALUE_NULL && mapper.getFactory() instanceof YAMLFactory) {
                next = parser.nextToken();
            }
            if (next != null) {
                throw new InvalidObjectException("cannot parse " + kind
                        + ": the record holds more than one document, where it must hold one object");
            }
            return tree;
        }
    }

    private static void checkUtf8(byte[] value, String kind) throws InvalidObjectException {
        ByteBuffer in = ByteBuffer.wrap(value);
        CoderResult result = StandardCharsets.UTF_8.newDecoder().decode(in, CharBuffer.allocate(value.length), true);
        if (result.isError()) {
            throw new InvalidObjectException(String.format(Locale.ROOT, "cannot parse %s: not UTF-8 (byte 0x%02x at "
                    + "offset %d)", kind, value[in.position()] & 0xff, in.position()));
        }
    }

    /**
     * Refuses a string PostgreSQL cannot keep (see {@link StorableText}), in a value or a field name, naming where:
     * stored, it would fail every attempt and hold up the records after it.
     */
    private static void checkStorable(ObjectNode tree) throws InvalidObjectException {
        Optional<StorableText.Unstorable> found = StorableText.firstIn(tree);
        if (found.isPresent()) {
            throw new InvalidObjectException(StorableText.of(found.get().path()) + ": Invalid value: contains "
                    + found.get().description() + ", which cannot be stored");
        }
    }

    private static void quantitiesAsText(JsonNode node) {
        if (node instanceof ObjectNode object) {
            for (var field : object.properties()) {
                if (QUANTITIES.contains(field.getKey()) && field.getValue().isNumber()) {
                    field.setValue(object.textNode(field.getValue().asText()));
                } else {
                    quantitiesAsText(field.getValue());
                }
            }
        }
    }

    private <T> T convert(ObjectNode tree, Class<T> type) throws InvalidObjectException {
        try {
            return json.treeToValue(tree, type);
        } catch (JsonMappingException e) {
            throw new InvalidObjectException(typeError(tree, e));
        } catch (JsonProcessingException e) {
            throw new InvalidObjectException("invalid " + type.getSimpleName() + ": " + e.getOriginalMessage());
        }
    }

    /**
     * A value of the wrong type, as the API server words it: {@code spec.paused: Invalid value: "string":
     * spec.paused in body must be of type boolean: "string"}.
     */
    private static String typeError(ObjectNode tree, JsonMappingException e) {
        StringBuilder path = new StringBuilder();
        JsonNode node = tree;
        for (JsonMappingException.Reference ref : e.getPath()) {
            if (ref.getFieldName() != null) {
                path.append(path.isEmpty() ? "" : ".").append(ref.getFieldName());
                node = node == null ? null : node.get(ref.getFieldName());
            } else {
                path.append('[').append(ref.getIndex()).append(']');
                node = node == null ? null : node.get(ref.getIndex());
            }
        }
        Class<?> target = e instanceof MismatchedInputException m ? m.getTargetType() : null;
        if (target == null || node == null) {
            return path + ": Invalid value: " + e.getOriginalMessage();
        }
        String actual = jsonType(node);
        return path + ": Invalid value: \"" + actual + "\": " + path + " in body must be of type "
                + openApiType(target) + ": \"" + actual + "\"";
    }

    private static String jsonType(JsonNode node) {
        return node.isTextual() ? "string" : node.isBoolean() ? "boolean" : node.isIntegralNumber() ? "integer"
                : node.isNumber() ? "number" : node.isArray() ? "array" : node.isNull() ? "null" : "object";
    }

    private static String openApiType(Class<?> type) {
        if (type == Boolean.class || type == boolean.class) {
            return "boolean";
        }
        if (type == Integer.class || type == int.class || type == Long.class || type == long.class) {
            return "integer";
        }
        if (Number.class.isAssignableFrom(type) || type == double.class || type == float.class) {
            return "number";
        }
        if (CharSequence.class.isAssignableFrom(type) || Instant.class == type) {
            return "string";
        }
        return java.util.Collection.class.isAssignableFrom(type) || type.isArray() ? "array" : "object";
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
        if (m.annotations() != null) {
            long size = m.annotations().entrySet().stream().mapToLong(e -> utf8Length(e.getKey())
                    + utf8Length(e.getValue())).sum();
            if (size > MAX_ANNOTATIONS_BYTES) {
                throw new InvalidObjectException("metadata.annotations: Too long: must have at most "
                        + MAX_ANNOTATIONS_BYTES + " bytes");
            }
        }
        if (m.uid() != null && m.uid().length() > MAX_UID_LENGTH) {
            throw new InvalidObjectException("metadata.uid: Too long: must have at most " + MAX_UID_LENGTH
                    + " characters");
        }
        return new ObjectMeta(key.name(), key.namespace(), m.uid(), m.generation(), m.resourceVersion(),
                m.creationTimestamp(), m.labels(), m.annotations());
    }

    private static long utf8Length(String text) {
        return text == null ? 0 : text.getBytes(StandardCharsets.UTF_8).length;
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
