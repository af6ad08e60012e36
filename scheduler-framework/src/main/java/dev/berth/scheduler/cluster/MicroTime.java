package dev.berth.scheduler.cluster;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** The API's {@code MicroTime}: RFC 3339 in UTC with six fractional digits (Events' eventTime, Lease times). */
final class MicroTime {
    private static final DateTimeFormatter FORMAT = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSSXXX")
            .withZone(ZoneOffset.UTC);

    private MicroTime() {}

    static String format(Instant t) {
        return FORMAT.format(t);
    }
}
