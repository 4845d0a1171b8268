package dev.ferry.rpc;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** How Ferry consumes and answers {@code juju.rpc.requests}. */
@ConfigMapping(prefix = "ferry.rpc")
public interface RpcConfig {

    /** Consumers (each with its own transactional producer) per instance; batches in flight at once. */
    @WithDefault("6")
    int lanes();

    /** Records per poll, and so per database transaction and per Kafka transaction. */
    @WithDefault("500")
    int maxBatch();

    @WithDefault("50ms")
    Duration pollTimeout();

    /** A batch whose database work takes longer fails and is retried. */
    @WithDefault("60s")
    Duration processTimeout();

    @WithDefault("ferry-rpc")
    String groupId();

    /**
     * Stable name of this instance (pod name in Kubernetes): it makes the transactional ids and static group
     * membership survive restarts. Defaults to the host name.
     */
    Optional<String> instanceId();

    /** Topics a request may name in {@code ferry-reply-to}; the first is the default. */
    @WithDefault("juju.rpc.responses")
    List<String> replyTopics();

    /**
     * The largest request value executed; a larger one is answered {@code bad request} unread. Bounds the memory a
     * request takes (its JSON read into objects, its results): about 80 to 210 bytes per byte of request (measured).
     */
    @WithDefault("1048576")
    int maxRequestBytes();

    /**
     * The largest response published: at most the producer's {@code max.request.size} and the response topic's
     * {@code max.message.bytes} (10 MiB each), less room for the record's headers. A call whose answer is larger is
     * rolled back and answered {@code bad request}.
     */
    @WithDefault("10420224")
    int maxResponseBytes();

    /** How long answered requests are remembered for deduplication: at least the request topic's retention. */
    @WithDefault("7d")
    Duration ledgerRetention();
}
