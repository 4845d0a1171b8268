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
        String[] fields = expression.split("\\s+");
        if (fields.length == 5) {
            checkDayOfWeek(spec, fields[4]);
        }
        try {
            return new CronSchedule(ExecutionTime.forCron(PARSER.parse(expression)));
        } catch (IllegalArgumentException e) {
            throw new MoverException("failed to parse cronspec \"" + spec + "\": " + e.getMessage(), e);
        }
    }

    /**
     * Days of the week are 0-6 (Sunday is 0) for robfig's parser, which VolSync uses; the UNIX definition here also
     * takes 7 for Sunday, which VolSync refuses.
     */
    private static void checkDayOfWeek(String spec, String field) throws MoverException {
        for (String item : field.split(",")) {
            String range = item.contains("/") ? item.substring(0, item.indexOf('/')) : item;
            for (String bound : range.split("-")) {
                if (bound.matches("\\d+") && Integer.parseInt(bound) > 6) {
                    throw new MoverException("failed to parse cronspec \"" + spec + "\": end of range ("
                            + Integer.parseInt(bound) + ") above maximum (6): " + item);
                }
            }
        }
    }

    public Instant next(Instant after) {
        ZonedDateTime from = after.atZone(ZoneOffset.UTC).truncatedTo(ChronoUnit.SECONDS);
        return execution.nextExecution(from).map(ZonedDateTime::toInstant)
                .orElseThrow(() -> new IllegalStateException("schedule never fires"));
    }
}
