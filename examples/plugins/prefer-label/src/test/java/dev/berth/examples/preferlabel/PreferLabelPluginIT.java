package dev.berth.examples.preferlabel;

import dev.berth.scheduler.config.ConfigException;
import dev.berth.scheduler.config.ConfigLoader;
import dev.berth.scheduler.config.ProfileConfig;
import dev.berth.scheduler.config.ProfileConfig.PluginRef;
import dev.berth.scheduler.core.Outcome;
import dev.berth.scheduler.core.Scheduler;
import dev.berth.scheduler.framework.ExtensionPoint;
import dev.berth.scheduler.framework.NodeInfo;
import dev.berth.scheduler.framework.Plugin;
import dev.berth.scheduler.framework.PluginFactory;
import dev.berth.scheduler.framework.Status;
import dev.berth.scheduler.framework.runtime.PluginRegistry;
import dev.berth.scheduler.model.Node;
import dev.berth.scheduler.model.Pod;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The packaged {@code target/prefer-label.jar} loaded as the scheduler loads a {@code --plugin-dir} jar:
 * through its own class loader, found by its services file, enabled and configured by a
 * KubeSchedulerConfiguration.
 */
class PreferLabelPluginIT {
    private static final Path TARGET = Path.of("target").toAbsolutePath();
    private static final Path JAR = TARGET.resolve("prefer-label.jar");

    /**
     * The test class loader without this module's own classes and resources (the test class path has
     * them, from target/classes or the jar), so the registry can only get the plugin from the jar.
     */
    private static final ClassLoader SCHEDULER_LOADER = new ClassLoader(PreferLabelPluginIT.class.getClassLoader()) {
        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            if (name.startsWith("dev.berth.examples.")) {
                throw new ClassNotFoundException(name + " is hidden from the scheduler's loader");
            }
            return super.loadClass(name, resolve);
        }

        @Override
        public URL getResource(String name) {
            URL url = super.getResource(name);
            return url == null || fromThisModule(url) ? null : url;
        }

        @Override
        public Enumeration<URL> getResources(String name) throws IOException {
            return Collections.enumeration(Collections.list(super.getResources(name)).stream()
                    .filter(url -> !fromThisModule(url)).toList());
        }

        private static boolean fromThisModule(URL url) {
            // URLs spell the path "file:/..." or "jar:file:/...!/": compare on the plain path.
            return url.toString().contains(TARGET.toString() + "/");
        }
    };

    private static PluginRegistry registry;

    @BeforeAll
    static void loadRegistry() {
        assertTrue(Files.isRegularFile(JAR), JAR + " must exist (failsafe runs after package)");
        registry = PluginRegistry.load(List.of(TARGET), SCHEDULER_LOADER);
    }

    @Test
    void theFactoryComesFromTheJarsOwnClassLoader() throws Exception {
        PluginFactory<?> factory = registry.factory("PreferLabel").orElseThrow();
        var loader = assertInstanceOf(URLClassLoader.class, factory.getClass().getClassLoader());
        assertEquals(List.of(JAR.toUri().toURL()), List.of(loader.getURLs()));
        assertSame(SCHEDULER_LOADER, loader.getParent());
        assertNotSame(PreferLabelFactory.class, factory.getClass());
        assertEquals(JAR.toString(), registry.source("PreferLabel").orElseThrow());
        // The SPI is shared with the scheduler, not duplicated into the plugin's loader.
        assertSame(PluginFactory.class, loader.loadClass(PluginFactory.class.getName()));
    }

    @Test
    void aConfigEnablesAndConfiguresIt() {
        var config = ConfigLoader.parse("""
                apiVersion: kubescheduler.config.k8s.io/v1
                kind: KubeSchedulerConfiguration
                profiles:
                - schedulerName: prefer-ssd
                  plugins:
                    multiPoint:
                      enabled: [{name: PreferLabel, weight: 5}]
                  pluginConfig:
                  - name: PreferLabel
                    args:
                      apiVersion: kubescheduler.config.k8s.io/v1
                      kind: PreferLabelArgs
                      label: disktype
                      value: ssd
                      required: true
                """, registry);
        ProfileConfig profile = config.profiles().getFirst();
        assertEquals("prefer-ssd", profile.schedulerName());
        assertTrue(profile.at(ExtensionPoint.SCORE).contains(new PluginRef("PreferLabel", 5)));
        assertEquals("PreferLabel", profile.at(ExtensionPoint.FILTER).getLast().name());

        Object args = profile.pluginArgs().get("PreferLabel");
        assertEquals("dev.berth.examples.preferlabel.PreferLabelArgs", args.getClass().getName());
        assertInstanceOf(URLClassLoader.class, args.getClass().getClassLoader());

        Plugin plugin = create(registry.factory("PreferLabel").orElseThrow(), args);
        NodeInfo ssd = NodeInfo.of(Node.builder("ssd-1").label("disktype", "ssd").build());
        NodeInfo hdd = NodeInfo.of(Node.builder("hdd-1").label("disktype", "hdd").build());
        var score = (Plugin.Score) plugin;
        assertEquals(100, score.score(null, null, ssd));
        assertEquals(0, score.score(null, null, hdd));
        var filter = (Plugin.Filter) plugin;
        assertEquals(Status.SUCCESS, filter.filter(null, null, ssd));
        assertEquals(List.of("node(s) didn't have the preferred label"), filter.filter(null, null, hdd).reasons());
    }

    @Test
    void withoutRequiredItOnlyScores() {
        var config = ConfigLoader.parse("""
                apiVersion: kubescheduler.config.k8s.io/v1
                kind: KubeSchedulerConfiguration
                profiles:
                - plugins:
                    score:
                      enabled: [{name: PreferLabel}]
                  pluginConfig:
                  - name: PreferLabel
                    args: {label: disktype, value: ssd}
                """, registry);
        ProfileConfig profile = config.profiles().getFirst();
        assertTrue(profile.at(ExtensionPoint.SCORE).contains(new PluginRef("PreferLabel", 1)));
        assertFalse(profile.at(ExtensionPoint.FILTER).stream().anyMatch(r -> r.name().equals("PreferLabel")));
    }

    @Test
    void badArgsAreReportedWithTheirPath() {
        var e = assertThrows(ConfigException.class, () -> ConfigLoader.parse("""
                apiVersion: kubescheduler.config.k8s.io/v1
                kind: KubeSchedulerConfiguration
                profiles:
                - plugins:
                    multiPoint:
                      enabled: [{name: PreferLabel}]
                  pluginConfig:
                  - name: PreferLabel
                    args: {label: disktype, valeu: ssd}
                """, registry));
        assertEquals(List.of("profiles[0].pluginConfig[0].args.valeu: unknown field"), e.errors());
    }

    @Test
    void enablingTheJarsPluginChangesWherePodsLand() {
        String withPlugin = """
                apiVersion: kubescheduler.config.k8s.io/v1
                kind: KubeSchedulerConfiguration
                profiles:
                - schedulerName: berth
                  plugins:
                    score:
                      enabled: [{name: PreferLabel, weight: 5}]
                  pluginConfig:
                  - name: PreferLabel
                    args: {label: disktype, value: ssd}
                """;
        String without = """
                apiVersion: kubescheduler.config.k8s.io/v1
                kind: KubeSchedulerConfiguration
                profiles:
                - schedulerName: berth
                """;
        assertEquals(Set.of("hdd-1", "hdd-2", "ssd-1"), placements(without), "the default profile spreads the pods");
        assertEquals(Set.of("ssd-1"), placements(withPlugin), "PreferLabel (weight 5) outweighs spreading");
    }

    /** Schedules 12 small pods onto three equal nodes, one of them an SSD node; returns the nodes used. */
    private static Set<String> placements(String configYaml) {
        var config = ConfigLoader.parse(configYaml, registry);
        Set<String> used = new TreeSet<>();
        try (Scheduler scheduler = Scheduler.builder(config, registry::factory).bindInline().seed(3).build()) {
            for (String name : List.of("hdd-1", "hdd-2", "ssd-1")) {
                scheduler.onNodeAdd(Node.builder(name).label("disktype", name.substring(0, 3))
                        .allocatable("cpu", "8", "memory", "32Gi", "pods", "110").build());
            }
            for (int i = 0; i < 12; i++) {
                scheduler.onPodAdd(Pod.builder("p" + i).schedulerName("berth").requests("cpu", "200m", "memory", "256Mi").build());
            }
            for (Outcome o : scheduler.drain()) {
                used.add(assertInstanceOf(Outcome.Scheduled.class, o).node());
            }
        }
        return used;
    }

    @SuppressWarnings("unchecked")
    private static <A> Plugin create(PluginFactory<A> factory, Object args) {
        return factory.create((A) args, null);
    }
}
