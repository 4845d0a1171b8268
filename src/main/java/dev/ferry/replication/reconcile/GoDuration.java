package dev.ferry.replication.reconcile;

import java.math.BigDecimal;
import java.time.Duration;

/** Formats a duration as Go's {@code time.Duration.String()} does ({@code 1m2.5s}, {@code 150ms}, {@code 0s}). */
public final class GoDuration {

    private GoDuration() {
    }

    public static String format(Duration duration) {
        long nanos = duration.toNanos();
        if (nanos == 0) {
            return "0s";
        }
        String sign = nanos < 0 ? "-" : "";
        long n = Math.abs(nanos);
        if (n < 1_000L) {
            return sign + n + "ns";
        }
        if (n < 1_000_000L) {
            return sign + decimal(n, 1_000L) + "µs";
        }
        if (n < 1_000_000_000L) {
            return sign + decimal(n, 1_000_000L) + "ms";
        }
        long hours = n / 3_600_000_000_000L;
        long rest = n % 3_600_000_000_000L;
        long minutes = rest / 60_000_000_000L;
        long secondsNanos = rest % 60_000_000_000L;
        StringBuilder out = new StringBuilder(sign);
        if (hours > 0) {
            out.append(hours).append('h');
        }
        if (hours > 0 || minutes > 0) {
            out.append(minutes).append('m');
        }
        out.append(decimal(secondsNanos, 1_000_000_000L)).append('s');
        return out.toString();
    }

    private static String decimal(long value, long unit) {
        return BigDecimal.valueOf(value).divide(BigDecimal.valueOf(unit)).stripTrailingZeros().toPlainString();
    }
}
