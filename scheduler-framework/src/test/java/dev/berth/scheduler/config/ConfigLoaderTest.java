package dev.berth.scheduler.config;

import dev.berth.scheduler.config.FakePlugins.Resource;
import dev.berth.scheduler.config.FakePlugins.Strategy;
import dev.berth.scheduler.config.FakePlugins.StrategyType;
import dev.berth.scheduler.config.FakePlugins.TunableArgs;
import dev.berth.scheduler.config.SchedulerConfiguration.ClientConnection;
import dev.berth.scheduler.config.SchedulerConfiguration.LeaderElection;
import dev.berth.scheduler.framework.ExtensionPoint;
import dev.berth.scheduler.framework.runtime.PluginRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConfigLoaderTest {
    private static final PluginRegistry REGISTRY = FakePlugins.registry();
    private static final String HEAD = "apiVersion: kubescheduler.config.k8s.io/v1\nkind: KubeSchedulerConfiguration\n";

    /** The resolved upstream default profile, restricted to Berth's plugins (score entries carry weights). */
    private static final Map<String, String> DEFAULT_PLUGINS = Map.of(
            "queueSort", "PrioritySort",
            "preFilter", "NodeAffinity, NodePorts, NodeResourcesFit",
            "filter", "NodeUnschedulable, NodeName, TaintToleration, NodeAffinity, NodePorts, NodeResourcesFit",
            "preScore", "TaintToleration, NodeAffinity, NodeResourcesFit, NodeResourcesBalancedAllocation",
            "score", "TaintToleration:3, NodeAffinity:2, NodeResourcesFit:1, NodeResourcesBalancedAllocation:1, ImageLocality:1",
            "bind", "DefaultBinder");

    /** Renders a profile's plugins as point → "A, B" (score as "A:weight"), empty points left out. */
    private static Map<String, String> render(ProfileConfig p) {
        var out = new TreeMap<String, String>();
        for (ExtensionPoint point : ExtensionPoint.values()) {
            var refs = p.at(point);
            if (!refs.isEmpty()) {
                out.put(point.configName(), refs.stream()
                        .map(r -> point == ExtensionPoint.SCORE ? r.name() + ":" + r.weight() : r.name())
                        .collect(Collectors.joining(", ")));
            }
        }
        return out;
    }

    /** The default plugin rendering with some points replaced; an empty value removes the point. */
    private static Map<String, String> defaultsWith(String... pointAndValue) {
        var m = new TreeMap<>(DEFAULT_PLUGINS);
        for (int i = 0; i < pointAndValue.length; i += 2) {
            if (pointAndValue[i + 1].isEmpty()) {
                m.remove(pointAndValue[i]);
            } else {
                m.put(pointAndValue[i], pointAndValue[i + 1]);
            }
        }
        return m;
    }

    private static Map<String, String> only(String... pointAndValue) {
        var m = new TreeMap<String, String>();
        for (int i = 0; i < pointAndValue.length; i += 2) {
            m.put(pointAndValue[i], pointAndValue[i + 1]);
        }
        return m;
    }

    @Test
    void defaultsWithoutAFile() {
        SchedulerConfiguration c = ConfigLoader.defaults(REGISTRY);
        assertEquals(16, c.parallelism());
        assertEquals(0, c.percentageOfNodesToScore());
        assertEquals(Duration.ofSeconds(1), c.podInitialBackoff());
        assertEquals(Duration.ofSeconds(10), c.podMaxBackoff());
        assertEquals(Duration.ofMinutes(5), c.podMaxInUnschedulablePodsDuration());
        assertEquals(ClientConnection.DEFAULT, c.clientConnection());
        assertEquals(LeaderElection.DEFAULT, c.leaderElection());
        assertEquals("berth-scheduler", c.leaderElection().resourceName());
        assertEquals(1, c.profiles().size());
        ProfileConfig p = c.profiles().getFirst();
        assertEquals("default-scheduler", p.schedulerName());
        assertEquals(null, p.percentageOfNodesToScore());
        assertEquals(new TreeMap<>(DEFAULT_PLUGINS), render(p));
        assertEquals(Map.of(), p.pluginArgs());
    }

    record Valid(String name, String yaml, Map<String, String> plugins, Consumer<SchedulerConfiguration> check) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static Valid valid(String name, String yaml, Map<String, String> profile0) {
        return new Valid(name, yaml, profile0, c -> {});
    }

    private static Valid valid(String name, String yaml, Map<String, String> profile0, Consumer<SchedulerConfiguration> check) {
        return new Valid(name, yaml, profile0, check);
    }

    static Stream<Valid> validConfigs() {
        return Stream.of(
                valid("header only gives every default", HEAD, DEFAULT_PLUGINS,
                        c -> assertEquals(ConfigLoader.defaults(REGISTRY), c)),
                valid("JSON is accepted", """
                        {"apiVersion": "kubescheduler.config.k8s.io/v1", "kind": "KubeSchedulerConfiguration",
                         "parallelism": 4, "profiles": [{"schedulerName": "json"}]}
                        """, DEFAULT_PLUGINS, c -> {
                    assertEquals(4, c.parallelism());
                    assertEquals("json", c.profiles().getFirst().schedulerName());
                }),
                valid("an empty profile list gets the default profile", HEAD + "profiles: []\n", DEFAULT_PLUGINS,
                        c -> assertEquals("default-scheduler", c.profiles().getFirst().schedulerName())),
                valid("a lone profile without a name is default-scheduler", HEAD + "profiles:\n- percentageOfNodesToScore: 40\n",
                        DEFAULT_PLUGINS, c -> {
                            assertEquals("default-scheduler", c.profiles().getFirst().schedulerName());
                            assertEquals(40, c.profiles().getFirst().percentageOfNodesToScore());
                        }),
                valid("global settings", HEAD + """
                        parallelism: 8
                        percentageOfNodesToScore: 50
                        podInitialBackoffSeconds: 2
                        podMaxBackoffSeconds: 2
                        podMaxInUnschedulablePodsDuration: 90s
                        clientConnection:
                          kubeconfig: /etc/kube/config
                          qps: 20.5
                          burst: 30
                          contentType: application/json
                        leaderElection:
                          leaderElect: true
                          leaseDuration: 1m30s
                          renewDeadline: 1m
                          retryPeriod: 500ms
                          resourceLock: leases
                          resourceName: my-lock
                          resourceNamespace: sched
                        featureGates:
                          SomeGate: true
                        enableProfiling: false
                        enableContentionProfiling: false
                        delayCacheUntilActive: true
                        """, DEFAULT_PLUGINS, c -> {
                    assertEquals(8, c.parallelism());
                    assertEquals(50, c.percentageOfNodesToScore());
                    assertEquals(Duration.ofSeconds(2), c.podInitialBackoff());
                    assertEquals(Duration.ofSeconds(2), c.podMaxBackoff());
                    assertEquals(Duration.ofSeconds(90), c.podMaxInUnschedulablePodsDuration());
                    assertEquals(new ClientConnection("/etc/kube/config", 20.5f, 30), c.clientConnection());
                    assertEquals(new LeaderElection(true, Duration.ofSeconds(90), Duration.ofMinutes(1),
                            Duration.ofMillis(500), "leases", "my-lock", "sched"), c.leaderElection());
                }),
                valid("qps and burst of 0 mean the defaults, as upstream", HEAD + """
                        clientConnection: {qps: 0, burst: 0}
                        leaderElection: {leaderElect: false, resourceLock: endpoints}
                        """, DEFAULT_PLUGINS, c -> {
                    assertEquals(ClientConnection.DEFAULT, c.clientConnection());
                    // The lock kind is only checked when leader election is on.
                    assertEquals(false, c.leaderElection().leaderElect());
                    assertEquals("berth-scheduler", c.leaderElection().resourceName());
                }),
                valid("a score entry overrides the multiPoint weight and moves first", HEAD + """
                        profiles:
                        - plugins:
                            score:
                              enabled:
                              - name: ImageLocality
                                weight: 5
                        """, defaultsWith("score",
                        "ImageLocality:5, TaintToleration:3, NodeAffinity:2, NodeResourcesFit:1, NodeResourcesBalancedAllocation:1")),
                valid("score disabled '*' keeps only the explicitly enabled", HEAD + """
                        profiles:
                        - plugins:
                            score:
                              disabled: [{name: "*"}]
                              enabled: [{name: NodeResourcesFit, weight: 2}, {name: TaintToleration}]
                        """, defaultsWith("score", "NodeResourcesFit:2, TaintToleration:1")),
                valid("weight 0 means 1", HEAD + """
                        profiles:
                        - plugins:
                            score:
                              enabled: [{name: NodeAffinity, weight: 0}]
                        """, defaultsWith("score",
                        "NodeAffinity:1, TaintToleration:3, NodeResourcesFit:1, NodeResourcesBalancedAllocation:1, ImageLocality:1")),
                valid("multiPoint disabled removes a default from every point", HEAD + """
                        profiles:
                        - plugins:
                            multiPoint:
                              disabled: [{name: TaintToleration}]
                        """, defaultsWith(
                        "filter", "NodeUnschedulable, NodeName, NodeAffinity, NodePorts, NodeResourcesFit",
                        "preScore", "NodeAffinity, NodeResourcesFit, NodeResourcesBalancedAllocation",
                        "score", "NodeAffinity:2, NodeResourcesFit:1, NodeResourcesBalancedAllocation:1, ImageLocality:1")),
                valid("a per-point disable leaves the plugin's other points", HEAD + """
                        profiles:
                        - plugins:
                            filter:
                              disabled: [{name: NodePorts}]
                        """, defaultsWith("filter", "NodeUnschedulable, NodeName, TaintToleration, NodeAffinity, NodeResourcesFit")),
                valid("multiPoint '*' keeps only the listed plugins", HEAD + """
                        profiles:
                        - plugins:
                            multiPoint:
                              disabled: [{name: "*"}]
                              enabled: [{name: PrioritySort}, {name: NodeName}, {name: ImageLocality, weight: 4}, {name: DefaultBinder}]
                        """, only("queueSort", "PrioritySort", "filter", "NodeName", "score", "ImageLocality:4",
                        "bind", "DefaultBinder")),
                valid("a re-configured default keeps its place in multiPoint", HEAD + """
                        profiles:
                        - plugins:
                            multiPoint:
                              enabled: [{name: TaintToleration, weight: 7}]
                        """, defaultsWith("score",
                        "TaintToleration:7, NodeAffinity:2, NodeResourcesFit:1, NodeResourcesBalancedAllocation:1, ImageLocality:1")),
                valid("a multiPoint plugin lands at every point it implements, after the defaults", HEAD + """
                        profiles:
                        - plugins:
                            multiPoint:
                              enabled: [{name: Custom, weight: 2}, {name: Gate}]
                        """, defaultsWith(
                        "filter", "NodeUnschedulable, NodeName, TaintToleration, NodeAffinity, NodePorts, NodeResourcesFit, Custom",
                        "score", "TaintToleration:3, NodeAffinity:2, NodeResourcesFit:1, NodeResourcesBalancedAllocation:1, ImageLocality:1, Custom:2",
                        "reserve", "Gate", "permit", "Gate")),
                valid("a point's own plugins come after the multiPoint ones", HEAD + """
                        profiles:
                        - plugins:
                            filter:
                              enabled: [{name: Custom}]
                            bind:
                              enabled: [{name: OtherBinder}]
                        """, defaultsWith(
                        "filter", "NodeUnschedulable, NodeName, TaintToleration, NodeAffinity, NodePorts, NodeResourcesFit, Custom",
                        "bind", "DefaultBinder, OtherBinder")),
                valid("an overriding point entry goes first, in the point's order", HEAD + """
                        profiles:
                        - plugins:
                            filter:
                              enabled: [{name: Custom}, {name: NodeResourcesFit}, {name: NodeName}]
                        """, defaultsWith(
                        "filter", "NodeResourcesFit, NodeName, NodeUnschedulable, TaintToleration, NodeAffinity, NodePorts, Custom")),
                valid("replacing the binder", HEAD + """
                        profiles:
                        - plugins:
                            bind:
                              disabled: [{name: DefaultBinder}]
                              enabled: [{name: OtherBinder}]
                        """, defaultsWith("bind", "OtherBinder", "preBind", "")),
                valid("kube-scheduler plugins Berth lacks may be disabled and configured", HEAD + """
                        profiles:
                        - plugins:
                            multiPoint:
                              disabled: [{name: PodTopologySpread}, {name: DefaultPreemption}]
                            preEnqueue:
                              disabled: [{name: SchedulingGates}]
                          pluginConfig:
                          - name: PodTopologySpread
                            args: {defaultingType: List}
                        """, DEFAULT_PLUGINS, c -> assertEquals(Map.of(), c.profiles().getFirst().pluginArgs())),
                valid("plugin args are bound, apiVersion and kind ignored, enums in API spelling", HEAD + """
                        profiles:
                        - plugins:
                            multiPoint:
                              enabled: [{name: Tunable}]
                          pluginConfig:
                          - name: Tunable
                            args:
                              apiVersion: kubescheduler.config.k8s.io/v1
                              kind: TunableArgs
                              mode: B
                              strategy:
                                type: MostAllocated
                                resources: [{name: cpu, weight: 2}]
                        """, defaultsWith(
                        "filter", "NodeUnschedulable, NodeName, TaintToleration, NodeAffinity, NodePorts, NodeResourcesFit, Tunable",
                        "score", "TaintToleration:3, NodeAffinity:2, NodeResourcesFit:1, NodeResourcesBalancedAllocation:1, ImageLocality:1, Tunable:1"),
                        c -> assertEquals(Map.of("Tunable", new TunableArgs("B", null,
                                        new Strategy(StrategyType.MOST_ALLOCATED, List.of(new Resource("cpu", 2))))),
                                c.profiles().getFirst().pluginArgs())),
                valid("args for a plugin the profile does not enable are checked but not kept", HEAD + """
                        profiles:
                        - pluginConfig:
                          - name: Tunable
                            args: {mode: A}
                        """, DEFAULT_PLUGINS, c -> assertEquals(Map.of(), c.profiles().getFirst().pluginArgs())),
                valid("a plugin that needs args runs with them", HEAD + """
                        profiles:
                        - plugins:
                            score:
                              enabled: [{name: Needy, weight: 10}]
                          pluginConfig:
                          - name: Needy
                            args: {label: disk}
                        """, defaultsWith("score",
                        "TaintToleration:3, NodeAffinity:2, NodeResourcesFit:1, NodeResourcesBalancedAllocation:1, ImageLocality:1, Needy:10")),
                valid("two profiles", HEAD + """
                        percentageOfNodesToScore: 30
                        profiles:
                        - schedulerName: default-scheduler
                        - schedulerName: no-scoring
                          percentageOfNodesToScore: 100
                          plugins:
                            score:
                              disabled: [{name: "*"}]
                            preScore:
                              disabled: [{name: "*"}]
                        """, DEFAULT_PLUGINS, c -> {
                    assertEquals(30, c.percentageOfNodesToScore());
                    assertEquals(List.of("default-scheduler", "no-scoring"),
                            c.profiles().stream().map(ProfileConfig::schedulerName).toList());
                    assertEquals(100, c.profiles().get(1).percentageOfNodesToScore());
                    assertEquals(defaultsWith("score", "", "preScore", ""), render(c.profiles().get(1)));
                }),
                valid("profiles may change the queue sort together", HEAD + """
                        profiles:
                        - schedulerName: a
                          plugins: {queueSort: {disabled: [{name: PrioritySort}], enabled: [{name: OtherSort}]}}
                        - schedulerName: b
                          plugins: {multiPoint: {disabled: [{name: PrioritySort}], enabled: [{name: OtherSort}]}}
                        """, defaultsWith("queueSort", "OtherSort"),
                        c -> assertEquals(defaultsWith("queueSort", "OtherSort"), render(c.profiles().get(1)))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("validConfigs")
    void resolvesValidConfigs(Valid tc) {
        SchedulerConfiguration c = ConfigLoader.parse(tc.yaml(), REGISTRY);
        assertEquals(new TreeMap<>(tc.plugins()), render(c.profiles().getFirst()), "profile 0 plugins");
        tc.check().accept(c);
    }

    record Invalid(String name, String yaml, List<String> errors) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static Invalid invalid(String name, String yaml, String... errors) {
        return new Invalid(name, yaml, List.of(errors));
    }

    private static String profile(String body) {
        return HEAD + "profiles:\n- " + body.strip().replace("\n", "\n  ") + "\n";
    }

    static Stream<Invalid> invalidConfigs() {
        return Stream.of(
                invalid("unknown top-level field", HEAD + "parallelizm: 3\n", "parallelizm: unknown field"),
                invalid("unknown field in a profile", profile("plugin: {}"), "profiles[0].plugin: unknown field"),
                invalid("unknown field in a plugin entry", profile("plugins: {score: {enabled: [{name: ImageLocality, wieght: 2}]}}"),
                        "profiles[0].plugins.score.enabled[0].wieght: unknown field"),
                invalid("unknown extension point", profile("plugins: {placementScore: {}}"),
                        "profiles[0].plugins.placementScore: unknown field"),
                invalid("unknown field in leaderElection", HEAD + "leaderElection: {leaseDurationSeconds: 3}\n",
                        "leaderElection.leaseDurationSeconds: unknown field"),
                invalid("missing header", "parallelism: 2\n",
                        "apiVersion: required (\"kubescheduler.config.k8s.io/v1\")",
                        "kind: required (\"KubeSchedulerConfiguration\")"),
                invalid("old apiVersion", "apiVersion: kubescheduler.config.k8s.io/v1beta3\nkind: KubeSchedulerConfiguration\n",
                        "apiVersion: must be \"kubescheduler.config.k8s.io/v1\", got \"kubescheduler.config.k8s.io/v1beta3\""),
                invalid("parallelism 0", HEAD + "parallelism: 0\n", "parallelism: must be an integer greater than zero, got 0"),
                invalid("parallelism as a string", HEAD + "parallelism: \"4\"\n", "parallelism: must be an integer"),
                invalid("percentage out of range", HEAD + "percentageOfNodesToScore: 101\n",
                        "percentageOfNodesToScore: must be between 0 and 100, got 101"),
                invalid("profile percentage out of range", profile("percentageOfNodesToScore: -1"),
                        "profiles[0].percentageOfNodesToScore: must be between 0 and 100, got -1"),
                invalid("initial backoff 0", HEAD + "podInitialBackoffSeconds: 0\n",
                        "podInitialBackoffSeconds: must be greater than 0, got 0"),
                invalid("max backoff below initial", HEAD + "podInitialBackoffSeconds: 5\npodMaxBackoffSeconds: 4\n",
                        "podMaxBackoffSeconds: must be greater than or equal to podInitialBackoffSeconds (5), got 4"),
                invalid("bad duration", HEAD + "leaderElection: {leaseDuration: 15}\n",
                        "leaderElection.leaseDuration: must be a duration string such as \"15s\""),
                invalid("unparsable duration", HEAD + "leaderElection: {retryPeriod: 2 seconds}\n",
                        "leaderElection.retryPeriod: invalid duration \"2 seconds\" (want e.g. \"15s\", \"1m30s\", \"500ms\")"),
                invalid("lease not longer than the renew deadline", HEAD + "leaderElection: {leaseDuration: 10s, renewDeadline: 10s}\n",
                        "leaderElection.leaseDuration: must be greater than renewDeadline"),
                invalid("lock other than leases", HEAD + "leaderElection: {resourceLock: endpointsleases}\n",
                        "leaderElection.resourceLock: must be \"leases\", got \"endpointsleases\""),
                invalid("negative burst", HEAD + "clientConnection: {burst: -1}\n",
                        "clientConnection.burst: must be non-negative, got -1"),
                invalid("extenders", HEAD + "extenders: [{urlPrefix: http://x}]\n",
                        "extenders: scheduler extenders are not supported by berth-scheduler"),
                invalid("duplicate schedulerName", HEAD + "profiles:\n- schedulerName: x\n- schedulerName: x\n",
                        "profiles[1].schedulerName: duplicate \"x\" (also profiles[0])"),
                invalid("unnamed profile among several", HEAD + "profiles:\n- schedulerName: x\n- {}\n",
                        "profiles[1].schedulerName: required when there is more than one profile"),
                invalid("unknown plugin", profile("plugins: {filter: {enabled: [{name: NodeName}, {name: NodePorts}, {name: Foo}]}}"),
                        "profiles[0].plugins.filter.enabled[2].name: unknown plugin \"Foo\""),
                invalid("unknown plugin disabled", profile("plugins: {multiPoint: {disabled: [{name: Fooo}]}}"),
                        "profiles[0].plugins.multiPoint.disabled[0].name: unknown plugin \"Fooo\""),
                invalid("kube-scheduler plugin Berth lacks, enabled", profile("plugins: {multiPoint: {enabled: [{name: PodTopologySpread, weight: 2}]}}"),
                        "profiles[0].plugins.multiPoint.enabled[0].name: plugin PodTopologySpread is a kube-scheduler plugin that berth-scheduler does not implement"),
                invalid("plugin at a point it does not implement", profile("plugins: {score: {enabled: [{name: NodeName}]}}"),
                        "profiles[0].plugins.score.enabled[0].name: plugin \"NodeName\" does not implement score (it implements filter)"),
                invalid("plugin enabled twice at one point", profile("plugins: {filter: {enabled: [{name: Custom}, {name: Custom}]}}"),
                        "profiles[0].plugins.filter.enabled[1].name: plugin \"Custom\" is enabled twice at filter"),
                invalid("plugin enabled twice in multiPoint", profile("plugins: {multiPoint: {enabled: [{name: Custom}, {name: Custom}]}}"),
                        "profiles[0].plugins.multiPoint.enabled[1].name: plugin \"Custom\" is enabled twice in multiPoint"),
                invalid("preEnqueue has no Berth plugins", profile("plugins: {preEnqueue: {enabled: [{name: Custom}]}}"),
                        "profiles[0].plugins.preEnqueue.enabled[0].name: plugin \"Custom\" does not implement preEnqueue (berth-scheduler has no PreEnqueue plugins)"),
                invalid("negative weight", profile("plugins: {score: {enabled: [{name: ImageLocality, weight: -2}]}}"),
                        "profiles[0].plugins.score.enabled[0].weight: must be a non-negative integer (0 or unset means 1), got -2"),
                invalid("entry without a name", profile("plugins: {score: {enabled: [{weight: 2}]}}"),
                        "profiles[0].plugins.score.enabled[0].name: required"),
                invalid("two queue sorts", profile("plugins: {queueSort: {enabled: [{name: OtherSort}]}}"),
                        "profiles[0].plugins.queueSort: exactly one queueSort plugin must be enabled, found 2 [PrioritySort, OtherSort]"),
                invalid("no queue sort", profile("plugins: {multiPoint: {disabled: [{name: PrioritySort}]}}"),
                        "profiles[0].plugins.queueSort: exactly one queueSort plugin must be enabled, found 0"),
                invalid("no binder", profile("plugins: {bind: {disabled: [{name: \"*\"}]}}"),
                        "profiles[0].plugins.bind: at least one bind plugin must be enabled"),
                invalid("profiles with different queue sorts", HEAD + """
                        profiles:
                        - schedulerName: a
                        - schedulerName: b
                          plugins: {queueSort: {disabled: [{name: "*"}], enabled: [{name: OtherSort}]}}
                        """, "profiles[1].plugins.queueSort: must be the same for all profiles: profile \"a\" uses \"PrioritySort\", profile \"b\" uses \"OtherSort\""),
                invalid("duplicate pluginConfig", profile("""
                        pluginConfig:
                        - {name: Tunable, args: {mode: A}}
                        - {name: Tunable, args: {mode: B}}
                        """), "profiles[0].pluginConfig[1].name: duplicate config for plugin \"Tunable\" (also pluginConfig[0])"),
                invalid("pluginConfig for an unknown plugin", profile("pluginConfig: [{name: Tunabel, args: {}}]"),
                        "profiles[0].pluginConfig[0].name: unknown plugin \"Tunabel\""),
                invalid("unknown args field", profile("pluginConfig: [{name: Tunable, args: {mode: A, bogus: 1}}]"),
                        "profiles[0].pluginConfig[0].args.bogus: unknown field"),
                invalid("unknown nested args field", profile("pluginConfig: [{name: Tunable, args: {strategy: {resources: [{name: cpu, weigth: 1}]}}}]"),
                        "profiles[0].pluginConfig[0].args.strategy.resources[0].weigth: unknown field"),
                invalid("bad enum in args", profile("pluginConfig: [{name: Tunable, args: {strategy: {type: Balanced}}}]"),
                        "profiles[0].pluginConfig[0].args.strategy.type: invalid value \"Balanced\": must be one of LeastAllocated, MostAllocated"),
                invalid("string where args want an int", profile("pluginConfig: [{name: Tunable, args: {level: \"3\"}}]"),
                        "profiles[0].pluginConfig[0].args.level: Cannot coerce String value (\"3\") to `java.lang.Integer` value (but might if coercion using `CoercionConfig` was enabled)"),
                invalid("a number where args want a string is read as text", profile("pluginConfig: [{name: Tunable, args: {mode: 1}}]"),
                        "profiles[0].pluginConfig[0].args.mode: must be A or B, got \"1\""),
                invalid("factory rejects args", profile("pluginConfig: [{name: Tunable, args: {mode: C}}]"),
                        "profiles[0].pluginConfig[0].args.mode: must be A or B, got \"C\""),
                invalid("args for a plugin without args", profile("pluginConfig: [{name: NodeName, args: {x: 1}}]"),
                        "profiles[0].pluginConfig[0].args: plugin \"NodeName\" takes no args"),
                invalid("args that are not a mapping", profile("pluginConfig: [{name: Tunable, args: [1]}]"),
                        "profiles[0].pluginConfig[0].args: must be a mapping"),
                invalid("plugin that needs args enabled without them", profile("plugins: {score: {enabled: [{name: Needy}]}}"),
                        "profiles[0].plugins.score.enabled[0]: plugin \"Needy\" cannot be created without args (give it a pluginConfig entry): label: required"),
                invalid("every error is reported", HEAD + """
                        parallelism: -1
                        profiles:
                        - schedulerName: a
                          plugins: {filter: {enabled: [{name: Nope}]}}
                        - schedulerName: a
                        """,
                        "parallelism: must be an integer greater than zero, got -1",
                        "profiles[0].plugins.filter.enabled[0].name: unknown plugin \"Nope\"",
                        "profiles[1].schedulerName: duplicate \"a\" (also profiles[0])"),
                invalid("duplicate YAML key", HEAD + "parallelism: 1\nparallelism: 2\n",
                        "cannot parse: Duplicate field 'parallelism' (line 4, column 12)"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidConfigs")
    void rejectsInvalidConfigs(Invalid tc) {
        var e = assertThrows(ConfigException.class, () -> ConfigLoader.parse(tc.yaml(), REGISTRY));
        assertEquals(tc.errors(), e.errors(), e.getMessage());
    }

    @Test
    void loadNamesTheFile(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path file = dir.resolve("sched.yaml");
        Files.writeString(file, HEAD + "parallelism: 0\n");
        var e = assertThrows(ConfigException.class, () -> ConfigLoader.load(file, REGISTRY));
        assertEquals(file + ": parallelism: must be an integer greater than zero, got 0", e.getMessage());

        Files.writeString(file, HEAD + "parallelism: 3\n");
        assertEquals(3, ConfigLoader.load(file, REGISTRY).parallelism());
    }

    @Test
    void severalErrorsMakeOneMessage() {
        var e = assertThrows(ConfigException.class,
                () -> ConfigLoader.parse(HEAD + "parallelism: 0\nfoo: 1\n", REGISTRY));
        assertEquals(2, e.errors().size());
        assertTrue(e.getMessage().startsWith("2 errors in the scheduler configuration:\n  "), e.getMessage());
    }

    @Test
    void goDurations() {
        var cases = new LinkedHashMap<String, Duration>();
        cases.put("0", Duration.ZERO);
        cases.put("15s", Duration.ofSeconds(15));
        cases.put("1m30s", Duration.ofSeconds(90));
        cases.put("1.5h", Duration.ofMinutes(90));
        cases.put("250ms", Duration.ofMillis(250));
        cases.put("10us", Duration.ofNanos(10_000));
        cases.put("-2s", Duration.ofSeconds(-2));
        cases.put("1h2m3s4ms", Duration.ofHours(1).plusMinutes(2).plusSeconds(3).plusMillis(4));
        cases.forEach((text, want) -> assertEquals(want, GoDuration.parse(text), text));
        for (String bad : List.of("", "15", "s", "1d", "1m 2s", "-", "1.2.3s")) {
            assertThrows(IllegalArgumentException.class, () -> GoDuration.parse(bad), bad);
        }
    }
}
