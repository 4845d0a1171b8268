package dev.ferry.rpc;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.hibernate.reactive.mutiny.Mutiny;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.ferry.rpc.auth.FerryHeaders;
import dev.ferry.rpc.auth.RequestSignatures;
import dev.ferry.rpc.auth.SignatureHeaders;
import dev.ferry.rpc.auth.SignatureVerifier;
import dev.ferry.rpc.auth.Verdict;
import dev.ferry.rpc.ledger.RequestLedger;
import dev.ferry.rpc.ledger.RequestLedger.Answer;
import dev.ferry.rpc.ledger.RequestLedger.Key;
import dev.ferry.rpc.ledger.RequestLedger.ModelCaller;
import dev.ferry.rpc.tag.ModelTag;
import dev.ferry.stream.BatchProcessor;
import dev.ferry.stream.DatabaseReadiness;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Answers one poll of {@code juju.rpc.requests} in one database transaction: verifies signatures, finds requests
 * already answered (the ledger), executes the new ones in record order, stores their responses, and returns the
 * responses (plus watcher changes and dead letters) for the lane to publish in one Kafka transaction.
 *
 * <p>Order of checks per record: a usable correlation id (else dead letter) → a valid signature (else
 * {@code unauthorized access}, nothing stored) → the ledger (a redelivery gets its stored response, even once its
 * timestamp has aged) → the timestamp window → decoding, routing, permissions and the method itself.
 */
@ApplicationScoped
public class RpcRequestProcessor implements BatchProcessor {

    private static final Logger LOG = Logger.getLogger(RpcRequestProcessor.class);

    private final Mutiny.SessionFactory sessions;
    private final RpcDispatcher dispatcher;
    private final CallerDirectory callers;
    private final RequestLedger ledger;
    private final EnvelopeCodec codec;
    private final RpcConfig config;
    private final Clock clock;
    private final SignatureVerifier signatures;
    private final String requestTopic;
    /** Calls whose answers were too large to publish, with their size, until answered with an error instead. */
    private final Map<Key, Integer> oversized = new java.util.concurrent.ConcurrentHashMap<>();

    public RpcRequestProcessor(Mutiny.SessionFactory sessions, RpcDispatcher dispatcher, CallerDirectory callers,
            RequestLedger ledger, ObjectMapper mapper, RpcConfig config, AuthConfig authConfig, Clock clock,
            @org.eclipse.microprofile.config.inject.ConfigProperty(name = "ferry.topics.rpc-requests") String requestTopic) {
        this.sessions = sessions;
        this.dispatcher = dispatcher;
        this.callers = callers;
        this.ledger = ledger;
        this.codec = new EnvelopeCodec(mapper);
        this.config = config;
        this.clock = clock;
        this.signatures = new SignatureVerifier(clock, authConfig.timestampWindow());
        this.requestTopic = requestTopic;
    }

    /** One consumed record and what became of it. */
    private static final class Item {
        final ConsumerRecord<String, byte[]> record;
        final SignatureHeaders headers;
        Verdict verdict;
        byte[] response;
        Effects effects = new Effects();
        boolean store;
        long requestId;
        RpcDispatcher.Prepared call;
        Item duplicateOf;
        String deadLetterReason;
        String replyTopic;
        boolean replyToRefused;
        boolean correlationRefused;
        /** Proven with a key from configuration (the controller agent's, the admin's), not one stored by a model. */
        boolean configuredIdentity;
        /** The same call as {@link #duplicateOf} under another request-id: its answer, with this one's. */
        boolean ownRequestId;
        private String requestDigest;
        private String callDigest;

        Item(ConsumerRecord<String, byte[]> record) {
            this.record = record;
            this.headers = SignatureHeaders.from(record.headers());
        }

        Key key() {
            return new Key(headers.caller(), headers.correlationId());
        }

        boolean keyStorable() {
            return storable(headers.caller()) && storable(headers.correlationId());
        }
    }

    @Override
    public Uni<Boolean> ready() {
        return DatabaseReadiness.answers(sessions);
    }

    @Override
    public Uni<List<ProducerRecord<String, byte[]>>> process(List<ConsumerRecord<String, byte[]>> records) {
        // Rolled back because answers were too large to publish: once more, those calls answered with an error.
        return attempt(records).onFailure(ResponsesTooLarge.class).recoverWithUni(() -> attempt(records));
    }

    /** Thrown inside the batch's transaction, so that the calls whose answers cannot be published change nothing. */
    private static final class ResponsesTooLarge extends RuntimeException {
        ResponsesTooLarge(int count) {
            super(count + " responses too large to publish", null, false, false);
        }
    }

    private Uni<List<ProducerRecord<String, byte[]>>> attempt(List<ConsumerRecord<String, byte[]>> records) {
        Instant now = clock.instant();
        List<Item> items = records.stream().map(Item::new).toList();
        long[] marks = new long[6];
        marks[0] = System.nanoTime();
        return sessions.withTransaction((session, tx) -> ledger
                .lookUp(session, items.stream().filter(i -> storable(i.headers.caller()))
                        .map(i -> new ModelCaller(i.record.key(), i.headers.caller())).toList(),
                        items.stream().filter(Item::keyStorable).map(Item::key).toList())
                .invoke(() -> marks[1] = System.nanoTime())
                .chain(lookup -> {
                    for (Item item : items) {
                        classify(item, lookup.signingKeys());
                    }
                    marks[2] = System.nanoTime();
                    return execute(session, items, lookup.answers(), now);
                })
                .invoke(() -> marks[3] = System.nanoTime())
                .chain(() -> {
                    refuseTooLarge(items);
                    Map<Key, Answer> fresh = new LinkedHashMap<>();
                    for (Item item : items) {
                        if (item.store) {
                            fresh.putIfAbsent(item.key(), new Answer(new String(item.response, StandardCharsets.UTF_8),
                                    item.effects.stored(), requestDigest(item), callDigest(item)));
                        }
                    }
                    return ledger.record(session, fresh).invoke(() -> marks[4] = System.nanoTime());
                }))
                .map(ignored -> {
                    marks[5] = System.nanoTime();
                    if (LOG.isDebugEnabled()) {
                        LOG.debugf("%d requests: keys+ledger lookup %.1f ms, verify %.1f ms, execute %.1f ms, "
                                + "ledger record %.1f ms, commit %.1f ms", items.size(), (marks[1] - marks[0]) / 1e6,
                                (marks[2] - marks[1]) / 1e6, (marks[3] - marks[2]) / 1e6, (marks[4] - marks[3]) / 1e6,
                                (marks[5] - marks[4]) / 1e6);
                    }
                    return output(items);
                });
    }

    private void classify(Item item, Map<ModelCaller, byte[]> storedKeys) {
        String correlation = item.headers.correlationId();
        if (correlation == null || correlation.isBlank()) {
            item.deadLetterReason = "missing " + FerryHeaders.CORRELATION_ID + " header: the request cannot be answered";
            return;
        }
        item.replyTopic = replyTopic(item);
        item.correlationRefused = !storable(correlation);
        item.replyToRefused = item.replyTopic == null;
        if (item.replyToRefused) {
            // Every answer, a refusal included, then goes to the default topic, where this one says why.
            item.replyTopic = config.replyTopics().get(0);
        }
        String model = item.record.key();
        // The window is applied after the ledger lookup: a redelivery is answered as before, however old it is.
        // The configured key first: a model's machine 0 has the controller agent's tag, and a password set for it
        // proves that machine, never the controller.
        item.verdict = signatures.verifySignature(requestTopic, model, item.headers, item.record.value(),
                callers::bootstrapKey);
        item.configuredIdentity = item.verdict.isAccepted();
        Optional<byte[]> stored = Optional.ofNullable(storedKeys.get(new ModelCaller(model, item.headers.caller())));
        if (!item.configuredIdentity && stored.isPresent()) {
            item.verdict = signatures.verifySignature(requestTopic, model, item.headers, item.record.value(),
                    caller -> stored);
        }
    }

    private Uni<Void> execute(Mutiny.Session session, List<Item> items, Map<Key, Answer> stored, Instant now) {
        Map<Key, Item> firstInBatch = new HashMap<>();
        for (Item item : items) {
            prepare(session, item, stored, firstInBatch, now);
        }
        return Multi.createFrom().iterable(segments(items))
                .onItem().transformToUniAndConcatenate(this::run)
                .collect().last()
                .invoke(() -> {
                    for (Item item : items) {
                        if (item.duplicateOf != null) {
                            item.response = item.ownRequestId
                                    ? codec.withRequestId(item.duplicateOf.response, codec.peekRequestId(item.record.value()))
                                    : item.duplicateOf.response;
                            item.effects = Effects.of(item.duplicateOf.effects.stored());
                        }
                    }
                })
                .replaceWithVoid();
    }

    /** Everything short of running the call: answers what can be answered now, prepares the rest. */
    private void prepare(Mutiny.Session session, Item item, Map<Key, Answer> stored, Map<Key, Item> firstInBatch,
            Instant now) {
        if (item.deadLetterReason != null) {
            return;
        }
        if (item.correlationRefused) {
            // Answered, never stored: the ledger could not keep it under this id.
            item.response = codec.error(codec.peekRequestId(item.record.value()), RpcException.badRequest(
                    FerryHeaders.CORRELATION_ID + " must be at most " + MAX_KEY_LENGTH
                            + " characters, none of them a control character"));
            return;
        }
        Answer previous = stored.get(item.key());
        if (item.verdict instanceof Verdict.Refused refused) {
            if (previous != null && sameRequest(previous, item)) {
                // The very record answered before, whose signature the caller's current key no longer verifies (its
                // password changed since, maybe by this request): its answer, not a refusal.
                answerAsBefore(item, previous);
                return;
            }
            LOG.debugf("Refused a request from %s: %s", item.headers.caller(), refused.message());
            item.response = codec.error(codec.peekRequestId(item.record.value()),
                    new RpcException(ErrorCodes.UNAUTHORIZED, refused.message()));
            return;
        }
        Verdict.Accepted accepted = (Verdict.Accepted) item.verdict;
        Integer tooLarge = oversized.remove(item.key());
        if (tooLarge != null) {
            item.response = codec.error(codec.peekRequestId(item.record.value()), RpcException.badRequest(
                    "the response would be " + tooLarge + " bytes, more than the " + config.maxResponseBytes()
                            + " a response may have (ferry.rpc.max-response-bytes): nothing was changed; ask about "
                            + "fewer entities at a time"));
            item.store = previous == null && firstInBatch.putIfAbsent(item.key(), item) == null;
            return;
        }
        if (previous != null) {
            // Answered before (a redelivery, or the same call sent again): same response, same records, no effect.
            if (sameRequest(previous, item) || previous.callDigest() == null) {
                answerAsBefore(item, previous);
            } else if (previous.callDigest().equals(callDigest(item))) {
                answerAsBefore(item, previous);
                item.response = codec.withRequestId(item.response, codec.peekRequestId(item.record.value()));
            } else {
                item.response = codec.error(codec.peekRequestId(item.record.value()), correlationReused(item));
            }
            return;
        }
        Item earlier = firstInBatch.putIfAbsent(item.key(), item);
        if (earlier != null) {
            if (requestDigest(earlier).equals(requestDigest(item))) {
                item.duplicateOf = earlier;
            } else if (callDigest(earlier).equals(callDigest(item))) {
                item.duplicateOf = earlier;
                item.ownRequestId = true;
            } else {
                item.response = codec.error(codec.peekRequestId(item.record.value()), correlationReused(item));
            }
            return;
        }
        Optional<Verdict.Refused> stale = signatures.outsideWindow(accepted.timestampMillis());
        if (stale.isPresent()) {
            // Not stored: a stale request changes nothing, and its answer is the same whenever it is asked again.
            item.response = codec.error(codec.peekRequestId(item.record.value()),
                    new RpcException(ErrorCodes.UNAUTHORIZED, stale.get().message()));
            return;
        }
        byte[] value = item.record.value();
        if (value != null && value.length > config.maxRequestBytes()) {
            // Not read, not stored: its answer is the same whenever it is sent again.
            item.response = codec.error(codec.peekRequestId(value), RpcException.badRequest("the request is "
                    + value.length + " bytes, more than the " + config.maxRequestBytes()
                    + " a request may have (ferry.rpc.max-request-bytes)"));
            return;
        }
        item.store = true;
        if (!ModelTag.isValidUuid(item.record.key())) {
            item.response = codec.error(codec.peekRequestId(item.record.value()),
                    RpcException.badRequest("record key must be a model UUID, " + (item.record.key() == null
                            ? "the record has none" : "got \"" + item.record.key() + "\"")));
            return;
        }
        if (item.replyToRefused) {
            item.response = codec.error(codec.peekRequestId(item.record.value()),
                    RpcException.badRequest(FerryHeaders.REPLY_TO + " must be one of " + config.replyTopics()));
            return;
        }
        RequestEnvelope request;
        try {
            request = codec.decode(item.record.value());
        } catch (RpcException e) {
            item.response = codec.error(codec.peekRequestId(item.record.value()), e);
            return;
        }
        item.requestId = request.requestId();
        item.callDigest = codec.callDigest(item.record.key(), request);
        Caller caller = callers.classify(accepted.callerTag(), item.configuredIdentity);
        CallContext context = new CallContext(item.record.key(), caller, session, item.effects, now, request.id());
        try {
            item.call = dispatcher.prepare(context, request);
        } catch (RpcException e) {
            item.response = codec.error(request.requestId(), e);
        }
    }

    /** Longest caller tag or correlation id kept in the ledger; a UUID is 36. */
    static final int MAX_KEY_LENGTH = 255;

    /** Whether the ledger can keep this caller or correlation id (PostgreSQL's text holds no NUL, for one). */
    static boolean storable(String value) {
        return value != null && value.length() <= MAX_KEY_LENGTH && value.chars().noneMatch(Character::isISOControl);
    }

    private static void answerAsBefore(Item item, Answer previous) {
        item.response = previous.response().getBytes(StandardCharsets.UTF_8);
        item.effects = Effects.of(previous.effects());
    }

    private static RpcException correlationReused(Item item) {
        return RpcException.badRequest(FerryHeaders.CORRELATION_ID + " \"" + item.headers.correlationId()
                + "\" was used by " + item.headers.caller() + " for another call, whose answer stands: "
                + "a new call needs a new correlation id");
    }

    /**
     * Marks the calls answered in this poll whose answers are too large to publish and, if any, fails the attempt
     * (rolling back the batch's database work) so that the next one answers them with an error instead. Answers
     * from the ledger are not judged: their calls were applied, and "nothing was changed" would be false.
     */
    private void refuseTooLarge(List<Item> items) {
        int count = 0;
        for (Item item : items) {
            if (item.store && item.response.length > config.maxResponseBytes()) {
                if (oversized.size() > 10_000) {
                    oversized.clear(); // never this many at once; bounded whatever happens
                }
                oversized.put(item.key(), item.response.length);
                count++;
            }
        }
        if (count > 0) {
            LOG.warnf("%d responses are larger than ferry.rpc.max-response-bytes (%d): their calls are rolled back "
                    + "and answered with an error", count, config.maxResponseBytes());
            throw new ResponsesTooLarge(count);
        }
    }

    /** SHA-256 of what the caller signed and its signature: equal only for the same record, as signed. */
    private String requestDigest(Item item) {
        if (item.requestDigest == null) {
            item.requestDigest = computeRequestDigest(item);
        }
        return item.requestDigest;
    }

    /** See {@link EnvelopeCodec#callDigest}; a request too large to be read is taken as its bytes. */
    private String callDigest(Item item) {
        if (item.callDigest == null) {
            byte[] value = item.record.value();
            item.callDigest = value != null && value.length > config.maxRequestBytes()
                    ? RequestSignatures.sha256Hex(value)
                    : codec.callDigest(item.record.key(), value);
        }
        return item.callDigest;
    }

    private String computeRequestDigest(Item item) {
        String canonical = RequestSignatures.canonicalString(requestTopic, item.record.key(), item.headers.caller(),
                item.headers.correlationId(), item.headers.timestamp(), item.record.value());
        String signature = item.headers.signature() == null ? "" : item.headers.signature().toLowerCase(Locale.ROOT);
        return RequestSignatures.sha256Hex((canonical + "\n" + signature).getBytes(StandardCharsets.UTF_8));
    }

    private boolean sameRequest(Answer previous, Item item) {
        return previous.requestDigest() != null && MessageDigest.isEqual(
                previous.requestDigest().getBytes(StandardCharsets.US_ASCII),
                requestDigest(item).getBytes(StandardCharsets.US_ASCII));
    }

    /** Consecutive calls of one batchable method form one segment; any other call is a segment of its own. */
    private static List<List<Item>> segments(List<Item> items) {
        List<List<Item>> segments = new ArrayList<>();
        List<Item> current = null;
        for (Item item : items) {
            if (item.call == null) {
                continue;
            }
            boolean joins = current != null && item.call.batchable()
                    && current.get(0).call.method() == item.call.method();
            if (joins) {
                current.add(item);
            } else {
                current = new ArrayList<>(List.of(item));
                segments.add(current);
            }
        }
        return segments;
    }

    private Uni<Void> run(List<Item> segment) {
        if (segment.size() == 1 || !segment.get(0).call.batchable()) {
            Item item = segment.get(0);
            return dispatcher.run(item.call)
                    .map(result -> codec.response(item.requestId, result))
                    .onFailure(RpcException.class).recoverWithItem(e -> failed(item, (RpcException) e))
                    .invoke(bytes -> item.response = bytes)
                    .replaceWithVoid();
        }
        return dispatcher.runAll(segment.stream().map(i -> i.call).toList()).invoke(outcomes -> {
            for (int i = 0; i < segment.size(); i++) {
                Item item = segment.get(i);
                var outcome = outcomes.get(i);
                item.response = outcome.error() != null ? failed(item, outcome.error())
                        : codec.response(item.requestId, outcome.result());
            }
        }).replaceWithVoid();
    }

    /** A call that failed as a whole publishes nothing but its error. */
    private byte[] failed(Item item, RpcException error) {
        item.effects = new Effects();
        return codec.error(item.requestId, error);
    }

    /**
     * A request whose processing failed again and again (a defect): answered with an error rather than moved to the
     * dead-letter topic, which is only for records that cannot be answered. Whether it was applied is not known here
     * (its database work may have committed, and its answer with it): the same record sent again gets the stored
     * answer if so, and is processed anew if not.
     */
    @Override
    public List<ProducerRecord<String, byte[]>> unprocessable(ConsumerRecord<String, byte[]> record, String failure) {
        Item item = new Item(record);
        String correlation = item.headers.correlationId();
        if (correlation == null || correlation.isBlank()) {
            return List.of();
        }
        String topic = replyTopic(item);
        ProducerRecord<String, byte[]> response = new ProducerRecord<>(topic == null ? config.replyTopics().get(0)
                : topic, record.key(), codec.error(codec.peekRequestId(record.value()), new RpcException(
                        ErrorCodes.NONE, "internal error: the request failed repeatedly; send the same record again "
                                + "(same correlation id) to learn whether it was applied")));
        response.headers().add(FerryHeaders.CORRELATION_ID, correlation.getBytes(StandardCharsets.UTF_8));
        return List.of(response);
    }

    private String replyTopic(Item item) {
        Header header = item.record.headers().lastHeader(FerryHeaders.REPLY_TO);
        if (header == null || header.value() == null || header.value().length == 0) {
            return config.replyTopics().get(0);
        }
        String wanted = new String(header.value(), StandardCharsets.UTF_8);
        return config.replyTopics().contains(wanted) ? wanted : null;
    }

    private List<ProducerRecord<String, byte[]>> output(List<Item> items) {
        List<ProducerRecord<String, byte[]>> out = new ArrayList<>(items.size());
        for (Item item : items) {
            if (item.deadLetterReason != null) {
                out.add(BatchProcessor.deadLetter(item.record, item.deadLetterReason));
                continue;
            }
            ProducerRecord<String, byte[]> response = new ProducerRecord<>(item.replyTopic, item.record.key(),
                    item.response);
            response.headers().add(FerryHeaders.CORRELATION_ID,
                    item.headers.correlationId().getBytes(StandardCharsets.UTF_8));
            out.add(response);
            out.addAll(item.effects.records());
        }
        return out;
    }
}
