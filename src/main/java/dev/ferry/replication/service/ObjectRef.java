package dev.ferry.replication.service;

import dev.ferry.replication.api.ObjectKey;

/** An object's identity across both topics: its kind and {@code namespace/name}. */
public record ObjectRef(String kind, ObjectKey key) {

    public String namespace() {
        return key.namespace();
    }

    public String name() {
        return key.name();
    }

    @Override
    public String toString() {
        return kind + " " + key;
    }
}
