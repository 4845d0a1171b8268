package dev.ferry.state.events;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.hibernate.reactive.mutiny.Mutiny;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.ferry.rpc.Effects;
import dev.ferry.rpc.auth.RequestSignatures;
import dev.ferry.rpc.tag.MachineTag;
import dev.ferry.state.MachineStore;
import dev.ferry.stream.BatchProcessor;
import dev.ferry.stream.DatabaseReadiness;
import dev.ferry.watcher.WatcherRegistry;
import dev.ferry.watcher.WatcherSubjects;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Ingests {@code juju.model.events}: validates each event against the catalogue, applies it once (event ids are
 * remembered in the same transaction), and fans machine changes out to watchers. Invalid events go to
 * {@code juju.model.events.dlq} with the reason in a header; the partition never stops. Verdicts are remembered too,
 * by topic, partition and offset: a poll delivered again gets the same answer for every record.
 */
@ApplicationScoped
public class ModelEventProcessor implements BatchProcessor {

    private static final String FIND_APPLIED = """
            SELECT event_id, digest, life_cycle_changed FROM model_event_ledger
            WHERE event_id = ANY(CAST(:ids AS text[]))""";
    private static final String RECORD_APPLIED = """
            INSERT INTO model_event_ledger (event_id, digest, life_cycle_changed)
            SELECT * FROM unnest(CAST(:ids AS text[]), CAST(:digests AS text[]),
                                 CAST(CAST(:changed AS text[]) AS boolean[]))
            ON CONFLICT DO NOTHING""";

    private static final String FIND_VERDICTS = """
            SELECT v.kafka_partition, v.kafka_offset, v.record_digest, v.reason FROM model_event_verdicts v
            JOIN unnest(CAST(CAST(:partitions AS text[]) AS int[]), CAST(CAST(:offsets AS text[]) AS bigint[]))
                 AS r(kafka_partition, kafka_offset)
              ON v.kafka_partition = r.kafka_partition AND v.kafka_offset = r.kafka_offset
            WHERE v.topic = :topic""";
    private static final String RECORD_VERDICTS = """
            INSERT INTO model_event_verdicts (topic, kafka_partition, kafka_offset, record_digest, reason)
            SELECT :topic, * FROM unnest(CAST(CAST(:partitions AS text[]) AS int[]),
                                         CAST(CAST(:offsets AS text[]) AS bigint[]), CAST(:digests AS text[]),
                                         CAST(:reasons AS text[]))
            ON CONFLICT (topic, kafka_partition, kafka_offset) DO UPDATE
            SET record_digest = EXCLUDED.record_digest, reason = EXCLUDED.reason, decided_at = now()""";

    private final Mutiny.SessionFactory sessions;
    private final MachineStore machines;
    private final WatcherRegistry watchers;
    private final EventDecoder decoder;
    private final EventApplier applier;
    private final String topic;

    public ModelEventProcessor(Mutiny.SessionFactory sessions, MachineStore machines, WatcherRegistry watchers,
            ObjectMapper mapper, @ConfigProperty(name = "ferry.topics.model-events") String topic) {
        this.sessions = sessions;
        this.machines = machines;
        this.watchers = watchers;
        this.decoder = new EventDecoder(mapper);
        this.applier = new EventApplier(mapper);
        this.topic = topic;
    }

    /** An event applied in this poll, and whether it changed its entity's life cycle (what watchers hear of). */
    private record Applied(ModelEvent event, boolean lifeCycleChanged) {
    }

    /** An event applied before: what it said (null if applied before digests were kept), and what it changed. */
    private record AppliedBefore(String digest, Boolean lifeCycleChanged) {
    }

    /** One record's fate: applied (or already applied), or dead-lettered with a reason. */
    private static final class Item {
        final ConsumerRecord<String, byte[]> record;
        ModelEvent event;
        String deadLetterReason;
        /** The verdict was given when the record was first read, and is only repeated. */
        boolean judgedBefore;

        Item(ConsumerRecord<String, byte[]> record) {
            this.record = record;
        }

        /** SHA-256 of the record's key and value as read (hex). */
        String digest() {
            byte[] key = String.valueOf(record.key()).getBytes(StandardCharsets.UTF_8);
            byte[] value = record.value() == null ? new byte[0] : record.value();
            byte[] both = new byte[key.length + 1 + value.length];
            System.arraycopy(key, 0, both, 0, key.length);
            both[key.length] = '\n';
            System.arraycopy(value, 0, both, key.length + 1, value.length);
            return RequestSignatures.sha256Hex(both);
        }
    }

    @Override
    public Uni<Boolean> ready() {
        return DatabaseReadiness.answers(sessions);
    }

    @Override
    public Uni<List<ProducerRecord<String, byte[]>>> process(List<ConsumerRecord<String, byte[]>> records) {
        List<Item> items = new ArrayList<>();
        for (ConsumerRecord<String, byte[]> record : records) {
            Item item = new Item(record);
            try {
                item.event = decoder.decode(record.key(), record.value());
            } catch (InvalidEventException e) {
                item.deadLetterReason = e.getMessage();
            }
            items.add(item);
        }
        Effects effects = new Effects();
        List<Applied> newlyApplied = new ArrayList<>();
        // All records of a poll come from one topic.
        String source = records.isEmpty() ? topic : records.get(0).topic();
        List<String> models = items.stream().filter(i -> i.event != null && i.event.modelUuid() != null)
                .map(i -> i.event.modelUuid()).distinct().toList();
        return sessions.withTransaction((session, tx) -> watchers.lockModels(session, models)
                .chain(() -> session.createNativeQuery(FIND_VERDICTS, Object[].class)
                .setParameter("topic", source)
                .setParameter("partitions", partitions(items))
                .setParameter("offsets", offsets(items))
                .getResultList())
                .chain(verdicts -> {
                    repeatVerdicts(items, verdicts);
                    List<String> ids = items.stream().filter(i -> i.event != null).map(i -> i.event.eventId())
                            .distinct().toList();
                    return session.createNativeQuery(FIND_APPLIED, Object[].class)
                            .setParameter("ids", ids.toArray(String[]::new)).getResultList();
                })
                .chain(rows -> {
                    Map<String, AppliedBefore> applied = new java.util.HashMap<>();
                    rows.forEach(row -> applied.put((String) row[0],
                            new AppliedBefore((String) row[1], (Boolean) row[2])));
                    return machines.existingModels(session, models).chain(existing -> applyInOrder(session, items,
                            applied, new HashSet<>(existing), newlyApplied, effects));
                })
                .chain(() -> newlyApplied.isEmpty() ? Uni.createFrom().item(0)
                        : session.createNativeQuery(RECORD_APPLIED)
                                .setParameter("ids", newlyApplied.stream().map(a -> a.event().eventId())
                                        .toArray(String[]::new))
                                .setParameter("digests", newlyApplied.stream().map(a -> a.event().digest())
                                        .toArray(String[]::new))
                                .setParameter("changed", newlyApplied.stream()
                                        .map(a -> Boolean.toString(a.lifeCycleChanged())).toArray(String[]::new))
                                .executeUpdate())
                .chain(() -> recordVerdicts(session, source, items)))
                .map(ignored -> output(items, effects));
    }

    /**
     * Records read before keep the verdict they got then: dead-lettered again with the same reason, not applied.
     * Only the same bytes at the same place are the same record.
     */
    private static void repeatVerdicts(List<Item> items, List<Object[]> verdicts) {
        if (verdicts.isEmpty()) {
            return;
        }
        // Place → {digest, reason}; a record is hashed only when its place has a verdict.
        Map<String, Object[]> byPlace = new java.util.HashMap<>();
        verdicts.forEach(row -> byPlace.put(((Number) row[0]).intValue() + "@" + ((Number) row[1]).longValue(),
                new Object[] {row[2], row[3]}));
        for (Item item : items) {
            Object[] verdict = byPlace.get(item.record.partition() + "@" + item.record.offset());
            if (verdict != null && verdict[0].equals(item.digest())) {
                item.event = null;
                item.deadLetterReason = (String) verdict[1];
                item.judgedBefore = true;
            }
        }
    }

    /** The verdicts given in this poll, in its transaction: a redelivery of the poll repeats them. */
    private static Uni<Integer> recordVerdicts(Mutiny.Session session, String source, List<Item> items) {
        List<Item> judged = items.stream().filter(i -> i.deadLetterReason != null && !i.judgedBefore).toList();
        if (judged.isEmpty()) {
            return Uni.createFrom().item(0);
        }
        return session.createNativeQuery(RECORD_VERDICTS)
                .setParameter("topic", source)
                .setParameter("partitions", partitions(judged))
                .setParameter("offsets", offsets(judged))
                .setParameter("digests", judged.stream().map(Item::digest).toArray(String[]::new))
                .setParameter("reasons", judged.stream().map(i -> i.deadLetterReason).toArray(String[]::new))
                .executeUpdate();
    }

    /** The records' partitions, as text for the statements' arrays. */
    private static String[] partitions(List<Item> items) {
        return items.stream().map(i -> Integer.toString(i.record.partition())).toArray(String[]::new);
    }

    /** The records' offsets, as text for the statements' arrays. */
    private static String[] offsets(List<Item> items) {
        return items.stream().map(i -> Long.toString(i.record.offset())).toArray(String[]::new);
    }

    private Uni<Void> applyInOrder(Mutiny.Session session, List<Item> items, Map<String, AppliedBefore> applied,
            Set<String> knownModels, List<Applied> newlyApplied, Effects effects) {
        Map<String, Set<String>> changes = new LinkedHashMap<>();
        return Multi.createFrom().iterable(items)
                .onItem().transformToUniAndConcatenate(item -> {
                    if (item.event == null) {
                        return Uni.createFrom().voidItem();
                    }
                    AppliedBefore before = applied.get(item.event.eventId());
                    if (before != null) {
                        String said = before.digest();
                        if (said != null && !said.equals(item.event.digest())) {
                            item.deadLetterReason = "event-id \"" + item.event.eventId() + "\" was applied before "
                                    + "with other content: an event id names one event";
                            return Uni.createFrom().voidItem();
                        }
                        // Already applied (a redelivery): its watcher changes are announced again rather than lost.
                        // Events applied before this was recorded are taken to have changed what they name.
                        collectWatcherChanges(item.event, before.lifeCycleChanged() == null
                                ? item.event.action() != ModelEvent.Action.CHANGED || item.event.data().has("life")
                                : before.lifeCycleChanged(), changes);
                        return Uni.createFrom().voidItem();
                    }
                    return requireModel(knownModels, item.event)
                            .chain(() -> removesModel(item.event)
                                    ? endWatchersOf(session, item.event.modelUuid(), changes, effects)
                                    : Uni.createFrom().voidItem())
                            .chain(() -> applier.apply(session, item.event))
                            .invoke(lifeCycleChanged -> {
                                trackModels(knownModels, item.event);
                                applied.put(item.event.eventId(),
                                        new AppliedBefore(item.event.digest(), lifeCycleChanged));
                                newlyApplied.add(new Applied(item.event, lifeCycleChanged));
                                collectWatcherChanges(item.event, lifeCycleChanged, changes);
                            })
                            .replaceWithVoid()
                            .onFailure(InvalidEventException.class).recoverWithUni(e -> {
                                item.deadLetterReason = e.getMessage();
                                return Uni.createFrom().voidItem();
                            });
                })
                .collect().last()
                .chain(() -> Multi.createFrom().iterable(changes.entrySet())
                        .onItem().transformToUniAndConcatenate(change -> {
                            String[] key = change.getKey().split("\n", 2);
                            return watchers.notify(session, effects, key[0], key[1], change.getValue());
                        })
                        .collect().last())
                .replaceWithVoid();
    }

    private static boolean removesModel(ModelEvent event) {
        return event.kind().name().equals("model") && event.action() == ModelEvent.Action.REMOVED;
    }

    /**
     * Before a model goes (its watchers with it): the changes this poll collected for its watchers, then to each
     * watcher its end.
     */
    private Uni<Void> endWatchersOf(Mutiny.Session session, String modelUuid, Map<String, Set<String>> changes,
            Effects effects) {
        List<Map.Entry<String, Set<String>>> pending = changes.entrySet().stream()
                .filter(change -> change.getKey().startsWith(modelUuid + "\n")).toList();
        return Multi.createFrom().iterable(pending)
                .onItem().transformToUniAndConcatenate(change -> watchers.notify(session, effects, modelUuid,
                        change.getKey().substring(modelUuid.length() + 1), change.getValue()))
                .collect().last()
                .invoke(() -> pending.forEach(change -> changes.remove(change.getKey())))
                .chain(() -> watchers.endAllOf(session, effects, modelUuid));
    }

    /** Models are known from one query per poll, kept current as the poll's own model events are applied. */
    private static Uni<Void> requireModel(Set<String> knownModels, ModelEvent event) {
        if (!event.kind().modelScoped() || event.kind().name().equals("model")
                || knownModels.contains(event.modelUuid())) {
            return Uni.createFrom().voidItem();
        }
        return Uni.createFrom().failure(new InvalidEventException("model " + event.modelUuid()
                + " is not known: publish its model added event first"));
    }

    private static void trackModels(Set<String> knownModels, ModelEvent event) {
        if (event.kind().name().equals("model")) {
            if (event.action() == ModelEvent.Action.REMOVED) {
                knownModels.remove(event.modelUuid());
            } else {
                knownModels.add(event.modelUuid());
            }
        }
    }

    /**
     * A machine that came, went or changed its life is announced to the watchers of its kind, as Juju's lifecycle
     * watchers report them; any other change of a machine is not.
     */
    private static void collectWatcherChanges(ModelEvent event, boolean lifeCycleChanged,
            Map<String, Set<String>> changes) {
        if (!event.kind().name().equals("machine") || !lifeCycleChanged) {
            return;
        }
        MachineTag machine = MachineTag.ofId(event.data().get("machine-id").asText());
        for (String subject : WatcherSubjects.covering(machine)) {
            changes.computeIfAbsent(event.modelUuid() + "\n" + subject, k -> new LinkedHashSet<>()).add(machine.id());
        }
    }

    private List<ProducerRecord<String, byte[]>> output(List<Item> items, Effects effects) {
        List<ProducerRecord<String, byte[]>> out = new ArrayList<>(effects.records());
        for (Item item : items) {
            if (item.deadLetterReason != null) {
                out.add(BatchProcessor.deadLetter(item.record, item.deadLetterReason));
            }
        }
        return out;
    }
}
