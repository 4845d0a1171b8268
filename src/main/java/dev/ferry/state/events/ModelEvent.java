package dev.ferry.state.events;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One validated model event: which entity of which model was added, changed or removed, and its fields; with the
 * digest of that content, which tells a redelivery from another event reusing its id.
 */
record ModelEvent(String eventId, String modelUuid, EventKind kind, Action action, ObjectNode data, String digest) {

    enum Action {
        ADDED, CHANGED, REMOVED
    }
}
