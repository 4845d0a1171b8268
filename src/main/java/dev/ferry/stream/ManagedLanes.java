package dev.ferry.stream;

import dev.ferry.state.SchemaMigrator;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.event.Observes;

/**
 * A lane group that starts with the application, once the database schema is current (a record processed before
 * would meet missing or changing tables), and stops with it; subclasses say what they consume.
 */
public abstract class ManagedLanes {

    private final LaneGroup lanes;

    protected ManagedLanes(LaneGroup lanes) {
        this.lanes = lanes;
    }

    public void onStart(@Observes StartupEvent event, SchemaMigrator schema) {
        schema.whenCurrent().subscribe().with(current -> lanes.start());
    }

    public void onStop(@Observes ShutdownEvent event) {
        lanes.stop();
    }

    public LaneGroup lanes() {
        return lanes;
    }
}
