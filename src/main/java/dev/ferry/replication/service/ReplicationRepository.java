package dev.ferry.replication.service;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

import dev.ferry.replication.api.ObjectKey;
import dev.ferry.state.SchemaMigrator;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * {@code replication_objects} through the reactive PostgreSQL client (set-based statements, usable from any thread
 * without a Hibernate session): upsert on every record, status written by the controller, delete on tombstones.
 */
@ApplicationScoped
public class ReplicationRepository {

    private static final String COLUMNS = "kind, namespace, name, uid, generation, created_at, object::text, invalid, "
            + "status::text, kafka_partition";

    private final Pool pool;
    private final SchemaMigrator schema;

    public ReplicationRepository(Pool pool, SchemaMigrator schema) {
        this.pool = pool;
        this.schema = schema;
    }

    /** Records consumed while Ferry starts wait here until the migrations have run (see {@link SchemaMigrator}). */
    private <T> Uni<T> once(Supplier<Uni<T>> statement) {
        return schema.whenCurrent().chain(() -> statement.get());
    }

    /**
     * Stores the latest record of an object (keeping its uid and creation time; the generation grows when the spec
     * changes) and returns the row. With {@code uidGiven} (the record named its uid), a stored object that was given
     * another uid is a different object of the same name: nothing is written and the answer is empty. (One whose uid
     * Ferry made up is the same object, whatever uid a later record names.)
     */
    public Uni<Optional<StoredObject>> upsert(ObjectRef ref, String uid, boolean uidGiven, String objectJson,
            String invalid, int partition) {
        return once(() -> pool.preparedQuery("""
                INSERT INTO replication_objects (kind, namespace, name, uid, object, invalid, kafka_partition,
                    uid_given)
                VALUES ($1, $2, $3, $4, $5::text::jsonb, $6, $8, $7)
                ON CONFLICT (kind, namespace, name) DO UPDATE SET
                    object = EXCLUDED.object,
                    invalid = EXCLUDED.invalid,
                    kafka_partition = EXCLUDED.kafka_partition,
                    generation = replication_objects.generation
                        + CASE WHEN replication_objects.object -> 'spec' IS DISTINCT FROM EXCLUDED.object -> 'spec'
                               THEN 1 ELSE 0 END,
                    updated_at = now()
                WHERE NOT $7 OR NOT replication_objects.uid_given OR replication_objects.uid = EXCLUDED.uid
                RETURNING """ + " " + COLUMNS)
                .execute(Tuple.tuple().addString(ref.kind()).addString(ref.namespace()).addString(ref.name())
                        .addString(uid).addString(objectJson).addString(invalid).addBoolean(uidGiven).addInteger(partition))
                .map(ReplicationRepository::first));
    }

    public Uni<Optional<StoredObject>> find(ObjectRef ref) {
        return once(() -> pool.preparedQuery("SELECT " + COLUMNS + " FROM replication_objects "
                + "WHERE kind = $1 AND namespace = $2 AND name = $3")
                .execute(Tuple.of(ref.kind(), ref.namespace(), ref.name())).map(ReplicationRepository::first));
    }

    /** Writes the status of exactly this incarnation of the object (same uid); false when it is gone. */
    public Uni<Boolean> saveStatus(ObjectRef ref, String uid, String statusJson) {
        return once(() -> pool.preparedQuery("UPDATE replication_objects SET status = $5::text::jsonb, "
                + "updated_at = now() WHERE kind = $1 AND namespace = $2 AND name = $3 AND uid = $4")
                .execute(Tuple.of(ref.kind(), ref.namespace(), ref.name(), uid, statusJson))
                .map(rows -> rows.rowCount() > 0));
    }

    public Uni<Optional<StoredObject>> delete(ObjectRef ref) {
        return once(() -> pool.preparedQuery("DELETE FROM replication_objects WHERE kind = $1 AND namespace = $2 "
                + "AND name = $3 RETURNING " + COLUMNS).execute(Tuple.of(ref.kind(), ref.namespace(), ref.name()))
                .map(ReplicationRepository::first));
    }

    /** The objects of a kind whose latest record came from one of {@code partitions}, or whose partition is unknown. */
    public Uni<List<ObjectRef>> inPartitions(String kind, Collection<Integer> partitions) {
        return once(() -> pool.preparedQuery("SELECT kind, namespace, name FROM replication_objects WHERE kind = $1 "
                + "AND (kafka_partition = ANY($2) OR kafka_partition IS NULL)")
                .execute(Tuple.of(kind, partitions.toArray(new Integer[0]))).map(ReplicationRepository::refs));
    }

    private static List<ObjectRef> refs(RowSet<Row> rows) {
        List<ObjectRef> refs = new ArrayList<>();
        for (Row row : rows) {
            refs.add(new ObjectRef(row.getString(0), new ObjectKey(row.getString(1), row.getString(2))));
        }
        return refs;
    }

    private static Optional<StoredObject> first(RowSet<Row> rows) {
        var it = rows.iterator();
        return it.hasNext() ? Optional.of(read(it.next())) : Optional.empty();
    }

    private static StoredObject read(Row row) {
        OffsetDateTime created = row.getOffsetDateTime(5);
        return new StoredObject(new ObjectRef(row.getString(0), new ObjectKey(row.getString(1), row.getString(2))),
                row.getString(3), row.getLong(4), created == null ? null : created.withOffsetSameInstant(ZoneOffset.UTC)
                        .toInstant(),
                row.getString(6), row.getString(7), row.getString(8), row.getInteger(9));
    }
}
