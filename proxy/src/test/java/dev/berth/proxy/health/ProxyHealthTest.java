package dev.berth.proxy.health;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.berth.proxy.model.IpFamily;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Scenarios of queued and updated events against a hand-moved clock, as kube-proxy's health server tests run them. */
class ProxyHealthTest {
    private static final Instant T0 = Instant.parse("2024-05-01T10:00:00Z");
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    /** One step: something happens, then /healthz and /livez answer these codes. */
    record Step(String what, Consumer<Fixture> action, int healthz, int livez) {}

    static final class Fixture {
        final MutableClock clock = new MutableClock(T0);
        final ProxyHealth health = new ProxyHealth(TIMEOUT, clock, IpFamily.IPV4);
    }

    static Step step(String what, Consumer<Fixture> action, int healthz, int livez) {
        return new Step(what, action, healthz, livez);
    }

    static Consumer<Fixture> advance(int seconds) {
        return f -> f.clock.advance(Duration.ofSeconds(seconds));
    }

    static Stream<Arguments> scenarios() {
        return Stream.of(
                Arguments.of("healthy while starting, even with changes queued long ago", List.of(
                        step("nothing yet", f -> {}, 200, 200),
                        step("queued", f -> f.health.queuedUpdate(), 200, 200),
                        step("long after", advance(600), 200, 200))),
                Arguments.of("a queued change late by the timeout makes it unhealthy until a sync", List.of(
                        step("synced", f -> f.health.updated(), 200, 200),
                        step("queued", f -> f.health.queuedUpdate(), 200, 200),
                        step("59s later", advance(59), 200, 200),
                        step("60s later", advance(1), 503, 503),
                        step("synced", f -> f.health.updated(), 200, 200))),
                Arguments.of("only the oldest queued change counts", List.of(
                        step("synced", f -> f.health.updated(), 200, 200),
                        step("queued", f -> f.health.queuedUpdate(), 200, 200),
                        step("30s later, queued again", f -> {
                            f.clock.advance(Duration.ofSeconds(30));
                            f.health.queuedUpdate();
                        }, 200, 200),
                        step("30s after the first", advance(30), 503, 503))),
                Arguments.of("no queued change: healthy however old the last sync", List.of(
                        step("synced", f -> f.health.updated(), 200, 200),
                        step("an hour later", advance(3600), 200, 200))),
                Arguments.of("a node being deleted fails healthz, not livez", List.of(
                        step("synced", f -> f.health.updated(), 200, 200),
                        step("node marked for deletion", f -> f.health.setNodeEligible(false), 503, 200),
                        step("node eligible again", f -> f.health.setNodeEligible(true), 200, 200))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scenarios")
    void answersFollowQueuedAndUpdatedTimes(String name, List<Step> steps) {
        var f = new Fixture();
        for (var s : steps) {
            s.action().accept(f);
            assertEquals(s.healthz(), f.health.healthz().code(), s.what() + ": /healthz");
            assertEquals(s.livez(), f.health.livez().code(), s.what() + ": /livez");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("bodies")
    void bodiesCarryKubeProxysFields(String name, Consumer<Fixture> setup, boolean livez, String body) {
        var f = new Fixture();
        setup.accept(f);
        assertEquals(body, livez ? f.health.livez().body() : f.health.healthz().body());
    }

    static Stream<Arguments> bodies() {
        return Stream.of(
                Arguments.of("starting: no status yet", (Consumer<Fixture>) f -> {}, false,
                        "{\"lastUpdated\":\"2024-05-01T10:00:00Z\",\"currentTime\":\"2024-05-01T10:00:00Z\","
                                + "\"nodeEligible\":true,\"healthy\":true}"),
                Arguments.of("healthy: lastUpdated is the current time", (Consumer<Fixture>) f -> {
                    f.health.updated();
                    f.clock.advance(Duration.ofMillis(1500));
                }, false, "{\"lastUpdated\":\"2024-05-01T10:00:01.5Z\",\"currentTime\":\"2024-05-01T10:00:01.5Z\","
                        + "\"nodeEligible\":true,\"healthy\":true,"
                        + "\"status\":{\"IPv4\":{\"lastUpdated\":\"2024-05-01T10:00:00Z\",\"healthy\":true}}}"),
                Arguments.of("unhealthy: lastUpdated is the last sync", (Consumer<Fixture>) f -> {
                    f.health.updated();
                    f.health.queuedUpdate();
                    f.clock.advance(Duration.ofSeconds(61));
                }, false, "{\"lastUpdated\":\"2024-05-01T10:00:00Z\",\"currentTime\":\"2024-05-01T10:01:01Z\","
                        + "\"nodeEligible\":true,\"healthy\":false,"
                        + "\"status\":{\"IPv4\":{\"lastUpdated\":\"2024-05-01T10:00:00Z\",\"healthy\":false}}}"),
                Arguments.of("node not eligible: healthy proxy, 503, last sync reported", (Consumer<Fixture>) f -> {
                    f.health.updated();
                    f.health.setNodeEligible(false);
                }, false, "{\"lastUpdated\":\"2024-05-01T10:00:00Z\",\"currentTime\":\"2024-05-01T10:00:00Z\","
                        + "\"nodeEligible\":false,\"healthy\":true,"
                        + "\"status\":{\"IPv4\":{\"lastUpdated\":\"2024-05-01T10:00:00Z\",\"healthy\":true}}}"),
                Arguments.of("livez has no nodeEligible", (Consumer<Fixture>) f -> f.health.updated(), true,
                        "{\"lastUpdated\":\"2024-05-01T10:00:00Z\",\"currentTime\":\"2024-05-01T10:00:00Z\","
                                + "\"healthy\":true,"
                                + "\"status\":{\"IPv4\":{\"lastUpdated\":\"2024-05-01T10:00:00Z\",\"healthy\":true}}}"));
    }
}
