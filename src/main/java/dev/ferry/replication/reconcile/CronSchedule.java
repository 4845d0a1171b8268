package dev.ferry.replication.reconcile;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.Map;

import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;

import dev.ferry.replication.mover.MoverException;

/**
 * A VolSync schedule: standard five fields (minute hour day-of-month month day-of-week, no seconds) or one of the
 * descriptors {@code @hourly}, {@code @daily}, {@code @weekly}, {@code @monthly}, {@code @yearly}/{@code @annually};
 * evaluated in UTC. {@link #next(Instant)} is the first fire strictly after the given time.
 */
public final class CronSchedule {

    private static final CronParser PARSER = new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX));
    private static final Map<String, String> DESCRIPTORS = Map.of("@hourly", "0 * * * *", "@daily", "0 0 * * *",
            "@midnight", "0 0 * * *", "@weekly", "0 0 * * 0", "@monthly", "0 0 1 * *", "@yearly", "0 0 1 1 *",
            "@annually", "0 0 1 1 *");

    private final ExecutionTime execution;

    private CronSchedule(ExecutionTime execution) {
        this.execution = execution;
    }

    public static CronSchedule parse(String spec) throws MoverException {
        String expression = DESCRIPTORS.getOrDefault(spec.strip(), spec.strip());
        try {
            return new CronSchedule(ExecutionTime.forCron(PARSER.parse(expression)));
        } catch (IllegalArgumentException e) {
            throw new MoverException("failed to parse cronspec \"" + spec + "\": " + e.getMessage(), e);
        }
    }

    public Instant next(Instant after) {
        ZonedDateTime from = after.atZone(ZoneOffset.UTC).truncatedTo(ChronoUnit.SECONDS);
        return execution.nextExecution(from).map(ZonedDateTime::toInstant)
                .orElseThrow(() -> new IllegalStateException("schedule never fires"));
    }
}
