package dev.ferry.rpc;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Juju's own JSON schema of the facades Ferry serves ({@code juju/facades-3.3.0.json} and
 * {@code juju/watchers-3.3.0.json}): who each facade is available to, and the shape of each method's params and
 * result. The wire contract is taken from here, not restated by hand.
 */
public final class JujuSchema {

    private static final List<String> RESOURCES = List.of("juju/facades-3.3.0.json", "juju/watchers-3.3.0.json");

    private final Map<String, JsonNode> facades = new HashMap<>();

    private JujuSchema(List<JsonNode> documents) {
        for (JsonNode document : documents) {
            for (JsonNode facade : document) {
                facades.put(facade.path("Name").asText(), facade);
            }
        }
    }

    public static JujuSchema load(ObjectMapper mapper) {
        List<JsonNode> documents = new ArrayList<>();
        for (String resource : RESOURCES) {
            try (InputStream in = JujuSchema.class.getClassLoader().getResourceAsStream(resource)) {
                if (in == null) {
                    throw new IllegalStateException("missing resource " + resource);
                }
                documents.add(mapper.readTree(in));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return new JujuSchema(documents);
    }

    public boolean hasFacade(String name) {
        return facades.containsKey(name);
    }

    /** The caller kinds the facade is available to, e.g. {@code machine-agent}, {@code controller-user}. */
    public List<String> availableTo(String facade) {
        List<String> kinds = new ArrayList<>();
        facade(facade).path("AvailableTo").forEach(kind -> kinds.add(kind.asText()));
        return kinds;
    }

    public boolean hasMethod(String facade, String method) {
        return facade(facade).path("Schema").path("properties").has(method);
    }

    /** The schema of the method's params, with $refs left to resolve through {@link #resolve}; empty if none. */
    public Optional<JsonNode> params(String facade, String method) {
        return part(facade, method, "Params");
    }

    public Optional<JsonNode> result(String facade, String method) {
        return part(facade, method, "Result");
    }

    /** Follows a {@code {"$ref": "#/definitions/X"}} within the facade's schema; other nodes are returned as-is. */
    public JsonNode resolve(String facade, JsonNode node) {
        JsonNode current = node;
        while (current.has("$ref")) {
            String ref = current.get("$ref").asText();
            String name = ref.substring(ref.lastIndexOf('/') + 1);
            current = facade(facade).path("Schema").path("definitions").path(name);
            if (current.isMissingNode()) {
                throw new IllegalStateException("schema of " + facade + " has no definition " + name);
            }
        }
        return current;
    }

    private Optional<JsonNode> part(String facade, String method, String part) {
        JsonNode node = facade(facade).path("Schema").path("properties").path(method).path("properties").path(part);
        return node.isMissingNode() ? Optional.empty() : Optional.of(node);
    }

    private JsonNode facade(String name) {
        JsonNode facade = facades.get(name);
        if (facade == null) {
            throw new IllegalArgumentException("facade " + name + " is not in Juju's schema");
        }
        return facade;
    }
}
