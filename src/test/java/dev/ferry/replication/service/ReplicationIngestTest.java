package dev.ferry.replication.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ConnectException;

import org.junit.jupiter.api.Test;

import io.vertx.pgclient.PgException;

/**
 * Which database failures are the record's own (stored as invalid at once) and which are the database's (waited out):
 * a record the database refuses for what it holds would otherwise be retried for ever and hold up its partition.
 */
class ReplicationIngestTest {

    static PgException failure(String sqlState) {
        return new PgException("refused", "ERROR", sqlState, null);
    }

    @Test
    void givenDatabaseFailures_whenClassified_thenOnlyThoseOfTheRecordsContentAreFinal() {
        assertThat(ReplicationIngest.refusedForItsContent(failure("22P05"))).as("unsupported Unicode escape").isTrue();
        assertThat(ReplicationIngest.refusedForItsContent(failure("22021"))).as("invalid byte sequence").isTrue();
        assertThat(ReplicationIngest.refusedForItsContent(failure("54000"))).as("program limit exceeded").isTrue();
        assertThat(ReplicationIngest.refusedForItsContent(failure("08006"))).as("connection failure").isFalse();
        assertThat(ReplicationIngest.refusedForItsContent(failure("57P01"))).as("administrator shutdown").isFalse();
        assertThat(ReplicationIngest.refusedForItsContent(failure("40001"))).as("serialization failure").isFalse();
        assertThat(ReplicationIngest.refusedForItsContent(new ConnectException("Connection refused"))).isFalse();
    }
}
