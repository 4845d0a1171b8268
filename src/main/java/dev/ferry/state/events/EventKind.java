package dev.ferry.state.events;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One kind of model event (machine, unit, subnet, ...): the table it lands in, its key fields and the fields it may
 * carry, each with its JSON type. Event field names are Juju's hyphenated ones; columns are the same with
 * underscores. Everything SQL about a kind is derived from this whitelist, so no event text reaches SQL as code.
 */
record EventKind(String name, String table, List<String> keyFields, Map<String, FieldType> fields,
        List<String> requiredOnAdd, boolean modelScoped) {

    static final class Builder {
        private final String name;
        private final String table;
        private final boolean modelScoped;
        private List<String> keys = List.of();
        private final Map<String, FieldType> fields = new LinkedHashMap<>();
        private List<String> required = List.of();

        Builder(String name, String table, boolean modelScoped) {
            this.name = name;
            this.table = table;
            this.modelScoped = modelScoped;
        }

        Builder keys(String... keys) {
            this.keys = List.of(keys);
            return this;
        }

        Builder field(String name, FieldType type) {
            fields.put(name, type);
            return this;
        }

        Builder required(String... required) {
            this.required = List.of(required);
            return this;
        }

        EventKind build() {
            return new EventKind(name, table, keys, Map.copyOf(fields), required, modelScoped);
        }
    }

    static Builder kind(String name, String table) {
        return new Builder(name, table, true);
    }

    static Builder global(String name, String table) {
        return new Builder(name, table, false);
    }

    static String column(String field) {
        return field.replace('-', '_');
    }
}
