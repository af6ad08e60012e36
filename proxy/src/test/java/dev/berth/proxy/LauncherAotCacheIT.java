package dev.berth.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.kube.testing.ControlPlane;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code bin/berth-proxy}'s AOT cache ({@code bin/lib/aot.sh}) in a directory of the test's own: a run trains it,
 * a failed run's cache is retrained, a cache cut short is retrained, other JVM options mean another cache, and
 * nothing about the cache can stop the proxy from starting. Runs end at once on an unknown flag (exit 2), which
 * needs no API server and no network namespace.
 */
class LauncherAotCacheIT {
    private static final Path LAUNCHER = ControlPlane.repositoryRoot().resolve("bin/berth-proxy");

    private Path dir;

    @BeforeEach
    void makeDir() throws IOException {
        dir = Files.createTempDirectory("berth-aot-it-");
    }

    @AfterEach
    void removeDir() throws IOException {
        try (var files = Files.walk(dir)) {
            for (var f : files.sorted((a, b) -> b.compareTo(a)).toList()) {
                Files.deleteIfExists(f);
            }
        }
    }

    private record Run(int exitCode, String output) {}

    private Run launch(Map<String, String> env) throws Exception {
        var log = Files.createTempFile("berth-aot-it-", ".log");
        try {
            var pb = new ProcessBuilder(LAUNCHER.toString(), "--no-such-flag").redirectErrorStream(true)
                    .redirectOutput(log.toFile());
            pb.environment().put("BERTH_PROXY_AOT_DIR", dir.toString());
            pb.environment().remove("BERTH_JAVA_OPTS");
            pb.environment().putAll(env);
            var p = pb.start();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("launcher still running after 120s:\n" + Files.readString(log));
            }
            return new Run(p.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(log);
        }
    }

    private Run launch() throws Exception {
        return launch(Map.of());
    }

    private List<String> files() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private Path cache() throws IOException {
        var caches = files().stream().filter(f -> f.endsWith(".aot")).toList();
        assertEquals(1, caches.size(), "one cache: " + files());
        return dir.resolve(caches.getFirst());
    }

    @Test
    void aFailedTrainingRunIsRetrainedAndACompleteOneIsUsed() throws Exception {
        var first = launch();
        assertEquals(2, first.exitCode(), first.output());
        assertTrue(first.output().contains("unknown flag --no-such-flag"), first.output());
        assertTrue(first.output().contains("AOTCache creation is complete"), first.output());
        var cache = cache();
        assertTrue(Files.exists(Path.of(cache + ".discard")), "the failed run marks its training: " + files());

        var second = launch();
        assertEquals(2, second.exitCode(), second.output());
        assertTrue(second.output().contains("AOTCache creation is complete"), "retrained:\n" + second.output());

        // A training whose marker is gone (as after a run that ended well) is checked once and then used.
        Files.delete(Path.of(cache + ".discard"));
        var third = launch();
        assertEquals(2, third.exitCode(), third.output());
        assertFalse(third.output().contains("AOTCache creation"), "used, not retrained:\n" + third.output());
        assertFalse(third.output().contains("[aot]"), "no AOT warnings:\n" + third.output());
        assertEquals(List.of(cache.getFileName().toString()), files());
    }

    @Test
    void aCacheCutShortIsRetrainedAndABadOneNeverStopsTheProxy() throws Exception {
        launch();
        var cache = cache();
        Files.delete(Path.of(cache + ".discard"));
        // A training killed while the cache was being written: its lock names a process that is gone.
        try (var ch = Files.newByteChannel(cache, java.nio.file.StandardOpenOption.WRITE)) {
            ch.truncate(Files.size(cache) / 3);
        }
        Files.writeString(Path.of(cache + ".training"), "999999999\n");
        var retrained = launch();
        assertEquals(2, retrained.exitCode(), retrained.output());
        assertTrue(retrained.output().contains("AOTCache creation is complete"), retrained.output());

        // A bad cache with no training around it: the JVM warns and runs without it.
        Files.deleteIfExists(Path.of(cache + ".discard"));
        Files.deleteIfExists(Path.of(cache + ".training"));
        Files.write(cache, new byte[4096]);
        var bad = launch();
        assertEquals(2, bad.exitCode(), bad.output());
        assertTrue(bad.output().contains("unknown flag --no-such-flag"), bad.output());
    }

    @Test
    void otherJavaOptionsTrainAnotherCache() throws Exception {
        launch(Map.of("BERTH_JAVA_OPTS", "-Dberth.test=1"));
        launch(Map.of("BERTH_JAVA_OPTS", "-Dberth.test=2"));
        assertEquals(2, files().stream().filter(f -> f.endsWith(".aot")).count(), files().toString());
    }

    @Test
    void anUnwritableCacheDirectoryOnlyMeansNoCache() throws Exception {
        var notADirectory = Files.writeString(dir.resolve("file"), "");
        var run = launch(Map.of("BERTH_PROXY_AOT_DIR", notADirectory.resolve("aot").toString()));
        assertEquals(2, run.exitCode(), run.output());
        assertTrue(run.output().contains("unknown flag --no-such-flag"), run.output());
        assertFalse(run.output().contains("[aot]"), run.output());

        var off = launch(Map.of("BERTH_AOT", "off"));
        assertEquals(2, off.exitCode(), off.output());
        assertEquals(List.of("file"), files());
    }
}
