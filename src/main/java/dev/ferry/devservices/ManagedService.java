package dev.ferry.devservices;

import java.util.Map;

/** A broker or database that Ferry started itself for dev mode or tests; yields the config that points at it. */
interface ManagedService extends AutoCloseable {

    /** Starts the service and returns the configuration properties that make the application use it. */
    Map<String, String> start() throws Exception;

    String describe();

    @Override
    void close();
}
