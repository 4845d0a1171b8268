package dev.ferry.stream;

import org.hibernate.reactive.mutiny.Mutiny;

import io.smallrye.mutiny.Uni;

/** Whether the database answers a trivial query: what a processor's {@link BatchProcessor#ready()} asks. */
public final class DatabaseReadiness {

    private DatabaseReadiness() {
    }

    public static Uni<Boolean> answers(Mutiny.SessionFactory sessions) {
        return sessions.withSession(session -> session.createNativeQuery("SELECT 1").getSingleResult())
                .replaceWith(true).onFailure().recoverWithItem(false);
    }
}
