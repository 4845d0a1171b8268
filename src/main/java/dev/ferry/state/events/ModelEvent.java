package dev.ferry.state.events;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** One validated model event: which entity of which model was added, changed or removed, and its fields. */
record ModelEvent(String eventId, String modelUuid, EventKind kind, Action action, ObjectNode data) {

    enum Action {
        ADDED, CHANGED, REMOVED
    }
}
