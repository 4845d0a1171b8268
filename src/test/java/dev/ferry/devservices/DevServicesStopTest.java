package dev.ferry.devservices;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/**
 * The dev services' shutdown hooks run beside the application's stop when the JVM exits; they wait until no
 * application start uses the services any more, so that the application can still leave its consumer groups and
 * flush its producers (before, Ctrl+C in dev mode found the broker gone: 10 s of timeouts and a failed group leave).
 */
class DevServicesStopTest {

    private static final String USERS = "ferry.embedded.applications";

    @Test
    void givenAnApplicationUsingTheServices_thenTheirStopWaitsForItsEnd_andNoLongerThanTheBound() throws Exception {
        String before = System.getProperty(USERS);
        try {
            System.setProperty(USERS, "0");
            DevServices.applicationUsing(true);
            CompletableFuture<Void> stop = CompletableFuture.runAsync(
                    () -> DevServices.awaitNoApplication(Duration.ofSeconds(30)));
            Thread.sleep(300);
            assertThat(stop).as("the services' stop while the application runs").isNotDone();

            DevServices.applicationUsing(false);
            stop.get(2, TimeUnit.SECONDS);

            DevServices.applicationUsing(true);
            long begin = System.nanoTime();
            DevServices.awaitNoApplication(Duration.ofMillis(200));
            assertThat(Duration.ofNanos(System.nanoTime() - begin)).as("an application that never ends")
                    .isBetween(Duration.ofMillis(200), Duration.ofSeconds(2));
        } finally {
            if (before == null) {
                System.clearProperty(USERS);
            } else {
                System.setProperty(USERS, before);
            }
        }
    }
}
