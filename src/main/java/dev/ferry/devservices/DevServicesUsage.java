package dev.ferry.devservices;

import io.quarkus.arc.profile.UnlessBuildProfile;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.BeforeDestroyed;
import jakarta.enterprise.event.Observes;

/**
 * Tells the dev services when this application start uses them, so that a JVM exiting (Ctrl+C in dev mode) stops
 * the broker and database only after the application's own stop, which still talks to them.
 */
@ApplicationScoped
@UnlessBuildProfile("prod")
public class DevServicesUsage {

    /** After every other observer of the application's end. */
    private static final int LAST = 100_000;

    private volatile boolean using;

    void started(@Observes StartupEvent event) {
        using = true;
        DevServices.applicationUsing(true);
    }

    void stopped(@Observes @Priority(LAST) @BeforeDestroyed(ApplicationScoped.class) Object event) {
        if (using) {
            using = false;
            DevServices.applicationUsing(false);
        }
    }
}
