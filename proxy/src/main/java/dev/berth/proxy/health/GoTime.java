package dev.berth.proxy.health;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** Times written as Go's encoding/json writes a {@code time.Time}: RFC 3339 with the shortest fraction. */
final class GoTime {
    /** Go's zero time, written for "never". */
    static final Instant ZERO = LocalDateTime.of(1, 1, 1, 0, 0).toInstant(ZoneOffset.UTC);
    private static final DateTimeFormatter SECONDS = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss")
            .withZone(ZoneOffset.UTC);

    private GoTime() {
    }

    /** {@code 2024-05-01T10:00:00.25Z}: UTC, trailing zeros of the fraction dropped, no fraction when whole. */
    static String format(Instant t) {
        var out = new StringBuilder(SECONDS.format(t));
        int nanos = t.getNano();
        if (nanos != 0) {
            var fraction = String.format("%09d", nanos);
            int end = fraction.length();
            while (fraction.charAt(end - 1) == '0') {
                end--;
            }
            out.append('.').append(fraction, 0, end);
        }
        return out.append('Z').toString();
    }
}
