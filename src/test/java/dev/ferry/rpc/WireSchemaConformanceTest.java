package dev.ferry.rpc;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;

import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;

/**
 * Every registered facade method's params and result records match Juju's own schema field for field: same JSON
 * names, every required field present, no field the schema lacks, and compatible types all the way down. Drift
 * between the records and {@code juju/facades-3.3.0.json} fails the build.
 */
@QuarkusTest
class WireSchemaConformanceTest {

    @Inject
    FacadeRegistry registry;

    @Test
    void everyImplementedMethodMatchesJujusSchema() {
        List<String> problems = new ArrayList<>();
        int checked = 0;
        for (var facade : registry.routes().entrySet()) {
            for (var version : facade.getValue().entrySet()) {
                for (FacadeMethod<?, ?> method : version.getValue().values()) {
                    String where = facade.getKey() + "(" + version.getKey() + ")." + method.name();
                    JujuSchema schema = registry.schema();
                    compare(schema, facade.getKey(), where + " params", method.paramsType(),
                            schema.params(facade.getKey(), method.name()).orElse(null), problems);
                    compare(schema, facade.getKey(), where + " result", method.resultType(),
                            schema.result(facade.getKey(), method.name()).orElse(null), problems);
                    checked++;
                }
            }
        }
        assertThat(checked).as("methods checked").isGreaterThanOrEqualTo(6);
        assertThat(problems).isEmpty();
    }

    @Test
    void theCheckCatchesARecordThatDrifted() {
        record Drifted(@JsonProperty("entites") List<String> entities, @JsonProperty("extra") String extra) {
        }
        List<String> problems = new ArrayList<>();
        compare(registry.schema(), "Provisioner", "drifted", Drifted.class,
                registry.schema().params("Provisioner", "Life").orElseThrow(), problems);
        assertThat(problems).anyMatch(p -> p.contains("\"entites\" is not in the schema"))
                .anyMatch(p -> p.contains("required \"entities\" is missing"));
    }

    private static void compare(JujuSchema schema, String facade, String where, Type type, JsonNode node,
            List<String> problems) {
        if (node == null || type == null) {
            if ((node == null) != (type == null)) {
                problems.add(where + ": schema " + (node == null ? "has none" : "has one") + ", record "
                        + (type == null ? "has none" : "has one"));
            }
            return;
        }
        JsonNode resolved = schema.resolve(facade, node);
        String expected = resolved.path("type").asText("");
        Class<?> raw = raw(type);
        switch (expected) {
            case "object" -> {
                if (Map.class.isAssignableFrom(raw)) {
                    return;
                }
                if (!raw.isRecord()) {
                    problems.add(where + ": schema has an object, Java has " + raw.getSimpleName());
                    return;
                }
                Set<String> names = new HashSet<>();
                JsonNode properties = resolved.path("properties");
                for (RecordComponent component : raw.getRecordComponents()) {
                    JsonProperty property = component.getAnnotation(JsonProperty.class);
                    if (property == null) {
                        property = fieldAnnotation(raw, component);
                    }
                    String name = property == null ? component.getName() : property.value();
                    names.add(name);
                    if (!properties.has(name)) {
                        problems.add(where + ": field \"" + name + "\" is not in the schema");
                        continue;
                    }
                    compare(schema, facade, where + "." + name, component.getGenericType(), properties.get(name),
                            problems);
                }
                for (JsonNode required : resolved.path("required")) {
                    if (!names.contains(required.asText())) {
                        problems.add(where + ": required \"" + required.asText() + "\" is missing");
                    }
                }
            }
            case "array" -> {
                if (!List.class.isAssignableFrom(raw)) {
                    problems.add(where + ": schema has an array, Java has " + raw.getSimpleName());
                    return;
                }
                Type item = ((ParameterizedType) type).getActualTypeArguments()[0];
                compare(schema, facade, where + "[]", item, resolved.path("items"), problems);
            }
            case "string" -> {
                if (raw != String.class) {
                    problems.add(where + ": schema has a string, Java has " + raw.getSimpleName());
                }
            }
            case "integer" -> {
                if (raw != int.class && raw != long.class && raw != Integer.class && raw != Long.class) {
                    problems.add(where + ": schema has an integer, Java has " + raw.getSimpleName());
                }
            }
            case "boolean" -> {
                if (raw != boolean.class && raw != Boolean.class) {
                    problems.add(where + ": schema has a boolean, Java has " + raw.getSimpleName());
                }
            }
            default -> {
                // untyped in the schema: anything matches
            }
        }
    }

    private static JsonProperty fieldAnnotation(Class<?> record, RecordComponent component) {
        try {
            return record.getDeclaredField(component.getName()).getAnnotation(JsonProperty.class);
        } catch (NoSuchFieldException e) {
            return null;
        }
    }

    private static Class<?> raw(Type type) {
        if (type instanceof Class<?> c) {
            return c;
        }
        return (Class<?>) ((ParameterizedType) type).getRawType();
    }
}
