package dev.ferry.replication.service;

import java.util.Set;

import dev.ferry.replication.api.ObjectKey;

/**
 * Which objects this instance reconciles. Instances share the objects' topics in one consumer group; an object
 * belongs to the instance assigned the partition its latest record came from, so that every object has one instance
 * while any runs, and two run its movers at once only during a hand-over (at most the hand-over grace, after which
 * the previous holder stops them).
 */
public interface Ownership {

    /** Told when partitions of a kind's topic are assigned to this instance or taken from it. */
    interface Listener {
        void assigned(String kind, Set<Integer> partitions);

        void revoked(String kind, Set<Integer> partitions);
    }

    /** {@code partition} null: the row predates stored partitions; the key's default partition is used. */
    boolean owns(String kind, ObjectKey key, Integer partition);

    void listen(Listener listener);

    /** Everything is this instance's (a single instance without Kafka, as in tests of the controller alone). */
    Ownership ALL = new Ownership() {
        @Override
        public boolean owns(String kind, ObjectKey key, Integer partition) {
            return true;
        }

        @Override
        public void listen(Listener listener) {
        }
    };
}
