package dev.ferry.state.events;

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
import dev.ferry.rpc.tag.MachineTag;
import dev.ferry.state.MachineStore;
import dev.ferry.stream.BatchProcessor;
import dev.ferry.stream.DatabaseReadiness;
import dev.ferry.watcher.WatcherRegistry;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Ingests {@code juju.model.events}: validates each event against the catalogue, applies it once (event ids are
 * remembered in the same transaction), and fans machine changes out to watchers. Invalid events go to
 * {@code juju.model.events.dlq} with the reason in a header; the partition never stops.
 */
@ApplicationScoped
public class ModelEventProcessor implements BatchProcessor {

    /** Subject of the watchers of a model's top-level machines (Provisioner.WatchModelMachines). */
    public static final String MODEL_MACHINES = "model-machines";
    /** Subject prefix of the watchers of one machine's containers. */
    public static final String CONTAINERS_OF = "containers:";

    private static final String FIND_APPLIED = """
            SELECT event_id, digest FROM model_event_ledger WHERE event_id = ANY(CAST(:ids AS text[]))""";
    private static final String RECORD_APPLIED = """
            INSERT INTO model_event_ledger (event_id, digest)
            SELECT * FROM unnest(CAST(:ids AS text[]), CAST(:digests AS text[])) ON CONFLICT DO NOTHING""";

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

    /** One record's fate: applied (or already applied), or dead-lettered with a reason. */
    private static final class Item {
        final ConsumerRecord<String, byte[]> record;
        ModelEvent event;
        String deadLetterReason;

        Item(ConsumerRecord<String, byte[]> record) {
            this.record = record;
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
        List<String> ids = items.stream().filter(i -> i.event != null).map(i -> i.event.eventId()).distinct().toList();
        List<ModelEvent> newlyApplied = new ArrayList<>();
        return sessions.withTransaction((session, tx) -> session.createNativeQuery(FIND_APPLIED, Object[].class)
                .setParameter("ids", ids.toArray(String[]::new)).getResultList()
                .chain(rows -> {
                    // Applied before: its id, and what it said (null for events recorded before digests were).
                    Map<String, String> applied = new java.util.HashMap<>();
                    rows.forEach(row -> applied.put((String) row[0], (String) row[1]));
                    return machines.existingModels(session, items.stream().filter(i -> i.event != null)
                            .map(i -> i.event.modelUuid()).filter(java.util.Objects::nonNull).toList())
                            .chain(models -> applyInOrder(session, items, applied, new HashSet<>(models), newlyApplied,
                                    effects));
                })
                // Dead-lettered events are not remembered: delivered again, they are judged (and dead-lettered) again.
                .chain(() -> newlyApplied.isEmpty() ? Uni.createFrom().item(0)
                        : session.createNativeQuery(RECORD_APPLIED)
                                .setParameter("ids", newlyApplied.stream().map(ModelEvent::eventId).toArray(String[]::new))
                                .setParameter("digests", newlyApplied.stream().map(ModelEvent::digest)
                                        .toArray(String[]::new))
                                .executeUpdate()))
                .map(ignored -> output(items, effects));
    }

    private Uni<Void> applyInOrder(Mutiny.Session session, List<Item> items, Map<String, String> applied,
            Set<String> knownModels, List<ModelEvent> newlyApplied, Effects effects) {
        Map<String, Set<String>> changes = new LinkedHashMap<>();
        return Multi.createFrom().iterable(items)
                .onItem().transformToUniAndConcatenate(item -> {
                    if (item.event == null) {
                        return Uni.createFrom().voidItem();
                    }
                    if (applied.containsKey(item.event.eventId())) {
                        String said = applied.get(item.event.eventId());
                        if (said != null && !said.equals(item.event.digest())) {
                            item.deadLetterReason = "event-id \"" + item.event.eventId() + "\" was applied before "
                                    + "with other content: an event id names one event";
                            return Uni.createFrom().voidItem();
                        }
                        // Already applied (a redelivery): its watcher changes are announced again rather than lost.
                        collectWatcherChanges(item.event, changes);
                        return Uni.createFrom().voidItem();
                    }
                    return requireModel(knownModels, item.event)
                            .chain(() -> applier.apply(session, item.event))
                            .invoke(() -> {
                                trackModels(knownModels, item.event);
                                applied.put(item.event.eventId(), item.event.digest());
                                newlyApplied.add(item.event);
                                collectWatcherChanges(item.event, changes);
                            })
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

    private static void collectWatcherChanges(ModelEvent event, Map<String, Set<String>> changes) {
        if (!event.kind().name().equals("machine")) {
            return;
        }
        boolean relevant = event.action() != ModelEvent.Action.CHANGED || event.data().has("life");
        if (!relevant) {
            return;
        }
        MachineTag machine = MachineTag.ofId(event.data().get("machine-id").asText());
        String subject = machine.parentId().map(parent -> CONTAINERS_OF + parent).orElse(MODEL_MACHINES);
        changes.computeIfAbsent(event.modelUuid() + "\n" + subject, k -> new LinkedHashSet<>()).add(machine.id());
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
