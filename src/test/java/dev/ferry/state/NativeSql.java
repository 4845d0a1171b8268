package dev.ferry.state;

import java.util.List;
import java.util.Map;

import org.hibernate.reactive.mutiny.Mutiny;

import io.quarkus.vertx.VertxContextSupport;

/** Tests' direct SQL on the real database: rows set up as they would be after days, and counted afterwards. */
public final class NativeSql {

    private NativeSql() {
    }

    /** Runs {@code statement} with {@code parameters} in its own transaction. */
    public static void update(Mutiny.SessionFactory sessions, String statement, Map<String, Object> parameters)
            throws Throwable {
        VertxContextSupport.subscribeAndAwait(() -> sessions.withTransaction(session -> {
            var query = session.createNativeQuery(statement);
            parameters.forEach(query::setParameter);
            return query.executeUpdate();
        }));
    }

    /** The single number {@code countQuery} answers. */
    public static long count(Mutiny.SessionFactory sessions, String countQuery, Map<String, Object> parameters)
            throws Throwable {
        List<?> rows = VertxContextSupport.subscribeAndAwait(() -> sessions.withSession(session -> {
            var query = session.createNativeQuery(countQuery);
            parameters.forEach(query::setParameter);
            return query.getResultList();
        }));
        return ((Number) rows.get(0)).longValue();
    }
}
