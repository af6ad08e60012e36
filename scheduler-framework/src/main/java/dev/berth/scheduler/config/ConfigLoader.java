package dev.berth.scheduler.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.berth.scheduler.config.ProfileConfig.PluginRef;
import dev.berth.scheduler.config.SchedulerConfiguration.ClientConnection;
import dev.berth.scheduler.config.SchedulerConfiguration.LeaderElection;
import dev.berth.scheduler.framework.ExtensionPoint;
import dev.berth.scheduler.framework.Handle;
import dev.berth.scheduler.framework.Plugin;
import dev.berth.scheduler.framework.PluginFactory;
import dev.berth.scheduler.framework.Snapshot;
import dev.berth.scheduler.framework.runtime.PluginRegistry;
import dev.berth.scheduler.plugins.defaultbinder.DefaultBinder;
import dev.berth.scheduler.plugins.imagelocality.ImageLocality;
import dev.berth.scheduler.plugins.nodeaffinity.NodeAffinity;
import dev.berth.scheduler.plugins.nodename.NodeName;
import dev.berth.scheduler.plugins.nodeports.NodePorts;
import dev.berth.scheduler.plugins.noderesources.BalancedAllocation;
import dev.berth.scheduler.plugins.noderesources.Fit;
import dev.berth.scheduler.plugins.nodeunschedulable.NodeUnschedulable;
import dev.berth.scheduler.plugins.queuesort.PrioritySort;
import dev.berth.scheduler.plugins.tainttoleration.TaintToleration;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Reads a {@code KubeSchedulerConfiguration} ({@code kubescheduler.config.k8s.io/v1}, YAML or JSON) into a
 * validated, defaulted {@link SchedulerConfiguration}, with kube-scheduler's semantics:
 * <ul>
 *   <li>defaults as upstream v1 (parallelism 16, backoff 1s/10s, QPS 50, burst 100, leader election
 *       15s/10s/2s on a lease), except the lease is named {@code berth-scheduler};</li>
 *   <li>each profile's plugins are upstream's default set restricted to what Berth implements
 *       ({@link #DEFAULT_PLUGINS}), merged with the profile's {@code plugins} as upstream's mergePlugins
 *       does, then {@code multiPoint} is expanded into every extension point a plugin implements, an entry
 *       at a specific point overriding (and moving ahead) the multiPoint one;</li>
 *   <li>{@code pluginConfig[].args} are bound to the factory's {@link PluginFactory#argsType()} with
 *       unknown fields rejected; {@code apiVersion}/{@code kind} inside args are ignored;</li>
 *   <li>every problem is reported, together, as {@code field.path: reason} in a {@link ConfigException};
 *       unknown fields anywhere are errors.</li>
 * </ul>
 *
 * <p>Which extension points a plugin implements is only known from an instance, so the loader creates
 * each enabled plugin once, with the profile's args (or null) and an inert {@link Handle}, and looks at the
 * interfaces it implements. That also validates the args early: a factory's
 * {@link IllegalArgumentException} is reported under {@code profiles[i].pluginConfig[j].args.}. Factories
 * must therefore be cheap and side-effect free in {@code create}; the scheduler creates the real
 * instances again later with its real handle.
 */
public final class ConfigLoader {
    public static final String API_VERSION = "kubescheduler.config.k8s.io/v1";
    public static final String KIND = "KubeSchedulerConfiguration";
    public static final String DEFAULT_SCHEDULER_NAME = "default-scheduler";

    /**
     * The default {@code multiPoint} set: upstream's getDefaultPlugins (pkg/scheduler/apis/config/v1)
     * without the plugins Berth lacks, in upstream's order and with upstream's weights (0 = unset).
     */
    public static final List<PluginRef> DEFAULT_PLUGINS = List.of(
            new PluginRef(PrioritySort.NAME, 0),
            new PluginRef(NodeUnschedulable.NAME, 0),
            new PluginRef(NodeName.NAME, 0),
            new PluginRef(TaintToleration.NAME, 3),
            new PluginRef(NodeAffinity.NAME, 2),
            new PluginRef(NodePorts.NAME, 0),
            new PluginRef(Fit.NAME, 1),
            new PluginRef(BalancedAllocation.NAME, 1),
            new PluginRef(ImageLocality.NAME, 1),
            new PluginRef(DefaultBinder.NAME, 0));

    /** kube-scheduler plugins Berth does not implement: tolerated when disabled, refused when enabled. */
    static final Set<String> UPSTREAM_ONLY = Set.of(
            "SchedulingGates", "PodTopologySpread", "InterPodAffinity", "VolumeRestrictions", "NodeVolumeLimits",
            "VolumeBinding", "VolumeZone", "EBSLimits", "GCEPDLimits", "AzureDiskLimits", "CinderLimits",
            "DefaultPreemption", "DynamicResources", "NodeDeclaredFeatures", "GangScheduling");

    private static final String PRE_ENQUEUE = "preEnqueue";
    private static final String MULTI_POINT = "multiPoint";

    private static final Set<String> TOP_FIELDS = Set.of("apiVersion", "kind", "parallelism",
            "percentageOfNodesToScore", "podInitialBackoffSeconds", "podMaxBackoffSeconds", "clientConnection",
            "leaderElection", "profiles", "extenders", "featureGates", "enableProfiling",
            "enableContentionProfiling", "delayCacheUntilActive", "podMaxInUnschedulablePodsDuration");
    private static final Set<String> CLIENT_FIELDS = Set.of("kubeconfig", "qps", "burst", "contentType",
            "acceptContentTypes");
    private static final Set<String> LEADER_FIELDS = Set.of("leaderElect", "leaseDuration", "renewDeadline",
            "retryPeriod", "resourceLock", "resourceName", "resourceNamespace");
    private static final Set<String> PROFILE_FIELDS = Set.of("schedulerName", "percentageOfNodesToScore",
            "plugins", "pluginConfig");
    private static final Set<String> PLUGIN_SET_FIELDS = Set.of("enabled", "disabled");
    private static final Set<String> PLUGIN_FIELDS = Set.of("name", "weight");
    private static final Set<String> PLUGIN_CONFIG_FIELDS = Set.of("name", "args");
    private static final Set<String> POINT_FIELDS;

    static {
        var s = new LinkedHashSet<String>();
        s.add(PRE_ENQUEUE);
        for (ExtensionPoint p : ExtensionPoint.values()) {
            s.add(p.configName());
        }
        s.add(MULTI_POINT);
        POINT_FIELDS = Set.copyOf(s);
    }

    private static final ObjectMapper YAML = new YAMLMapper(new YAMLFactory())
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    private ConfigLoader() {}

    /** Reads and resolves the file. */
    public static SchedulerConfiguration load(Path file, PluginRegistry registry) {
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new ConfigException(file.toString(), List.of("cannot read: " + e.getMessage()));
        }
        try {
            return parse(text, registry);
        } catch (ConfigException e) {
            throw new ConfigException(file.toString(), e.errors());
        }
    }

    /** Resolves a configuration given as YAML or JSON text. */
    public static SchedulerConfiguration parse(String text, PluginRegistry registry) {
        JsonNode root;
        try {
            root = YAML.readTree(text);
        } catch (JsonProcessingException e) {
            var loc = e.getLocation();
            throw new ConfigException(List.of("cannot parse: " + e.getOriginalMessage()
                    + (loc == null ? "" : " (line " + loc.getLineNr() + ", column " + loc.getColumnNr() + ")")));
        }
        if (root == null || root.isMissingNode() || root.isNull()) {
            root = JsonNodeFactory.instance.objectNode();
        }
        return new Resolver(registry).resolve(root, true);
    }

    /** The configuration used without {@code --config}: every default, one profile "default-scheduler". */
    public static SchedulerConfiguration defaults(PluginRegistry registry) {
        return new Resolver(registry).resolve(JsonNodeFactory.instance.objectNode(), false);
    }

    // ---------------------------------------------------------------------------------------------

    /** A plugin named in a PluginSet; {@code path} is where it was written, e.g. {@code profiles[0].plugins.score.enabled[1]}. */
    private record Entry(String name, Integer weight, String path) {}

    private record PluginSetSpec(List<Entry> enabled, List<Entry> disabled) {
        static final PluginSetSpec EMPTY = new PluginSetSpec(List.of(), List.of());

        Set<String> disabledNames() {
            var s = new HashSet<String>();
            disabled.forEach(e -> s.add(e.name()));
            return s;
        }
    }

    /**
     * What creating a plugin once told us: the points it implements, or why it could not be created
     * ({@code badArgs}: the factory rejected its args with an IllegalArgumentException).
     */
    private record Probe(Set<ExtensionPoint> points, String failure, boolean badArgs) {
        /** Marks a plugin whose pluginConfig was already reported as invalid. */
        static final Probe REPORTED = new Probe(null, "reported", false);
    }

    private record ResolvedProfile(ProfileConfig config, String queueSortPlugin, Object queueSortArgs) {}

    /** One resolution: walks the tree, collects every error, builds the result or throws them all. */
    private static final class Resolver {
        private final PluginRegistry registry;
        private final ArgsBinder binder = new ArgsBinder();
        private final LinkedHashSet<String> errors = new LinkedHashSet<>();

        Resolver(PluginRegistry registry) {
            this.registry = registry;
        }

        private void err(String path, String reason) {
            errors.add((path.isEmpty() ? "(root)" : path) + ": " + reason);
        }

        SchedulerConfiguration resolve(JsonNode rootNode, boolean requireHeader) {
            Obj root = obj(rootNode, "", TOP_FIELDS);
            if (root == null) {
                throw new ConfigException(List.copyOf(errors));
            }
            if (requireHeader) {
                String apiVersion = root.str("apiVersion");
                if (apiVersion == null) {
                    err("apiVersion", "required (\"" + API_VERSION + "\")");
                } else if (!apiVersion.equals(API_VERSION)) {
                    err("apiVersion", "must be \"" + API_VERSION + "\", got \"" + apiVersion + "\"");
                }
                String kind = root.str("kind");
                if (kind == null) {
                    err("kind", "required (\"" + KIND + "\")");
                } else if (!kind.equals(KIND)) {
                    err("kind", "must be \"" + KIND + "\", got \"" + kind + "\"");
                }
            }
            if (root.get("extenders") != null) {
                err("extenders", "scheduler extenders are not supported by berth-scheduler");
            }
            // Accepted for compatibility with kube-scheduler files; they change nothing in Berth.
            root.mapping("featureGates");
            root.bool("enableProfiling");
            root.bool("enableContentionProfiling");
            root.bool("delayCacheUntilActive");

            long parallelism = orDefault(root.integer("parallelism"), 16L);
            if (parallelism <= 0 || parallelism > Integer.MAX_VALUE) {
                err("parallelism", "must be an integer greater than zero, got " + parallelism);
            }
            long percentage = orDefault(root.integer("percentageOfNodesToScore"), 0L);
            checkPercentage("percentageOfNodesToScore", percentage);
            long initialBackoff = orDefault(root.integer("podInitialBackoffSeconds"), 1L);
            if (initialBackoff <= 0) {
                err("podInitialBackoffSeconds", "must be greater than 0, got " + initialBackoff);
            }
            long maxBackoff = orDefault(root.integer("podMaxBackoffSeconds"), 10L);
            if (maxBackoff < initialBackoff) {
                err("podMaxBackoffSeconds", "must be greater than or equal to podInitialBackoffSeconds ("
                        + initialBackoff + "), got " + maxBackoff);
            }
            Duration maxInUnschedulable = root.duration("podMaxInUnschedulablePodsDuration");
            if (maxInUnschedulable == null) {
                maxInUnschedulable = SchedulerConfiguration.DEFAULT_POD_MAX_IN_UNSCHEDULABLE_PODS_DURATION;
            } else if (maxInUnschedulable.isNegative() || maxInUnschedulable.isZero()) {
                err("podMaxInUnschedulablePodsDuration", "must be greater than zero");
            }

            ClientConnection client = clientConnection(root.get("clientConnection"));
            LeaderElection leader = leaderElection(root.get("leaderElection"));
            List<ProfileConfig> profiles = profiles(root.get("profiles"));

            if (!errors.isEmpty()) {
                throw new ConfigException(List.copyOf(errors));
            }
            return new SchedulerConfiguration((int) parallelism, (int) percentage, Duration.ofSeconds(initialBackoff),
                    Duration.ofSeconds(maxBackoff), profiles, client, leader, maxInUnschedulable);
        }

        private void checkPercentage(String path, long value) {
            if (value < 0 || value > 100) {
                err(path, "must be between 0 and 100, got " + value);
            }
        }

        private ClientConnection clientConnection(JsonNode node) {
            var d = ClientConnection.DEFAULT;
            if (node == null) {
                return d;
            }
            Obj o = obj(node, "clientConnection", CLIENT_FIELDS);
            if (o == null) {
                return d;
            }
            o.str("contentType");
            o.list("acceptContentTypes");
            String kubeconfig = orDefault(o.str("kubeconfig"), d.kubeconfig());
            Double qps = o.number("qps");
            Long burst = o.integer("burst");
            // As upstream, 0 means "unset" for both.
            float q = qps == null || qps == 0 ? d.qps() : qps.floatValue();
            long b = burst == null || burst == 0 ? d.burst() : burst;
            if (b < 0 || b > Integer.MAX_VALUE) {
                err("clientConnection.burst", "must be non-negative, got " + b);
            }
            return new ClientConnection(kubeconfig, q, (int) b);
        }

        private LeaderElection leaderElection(JsonNode node) {
            var d = LeaderElection.DEFAULT;
            if (node == null) {
                return d;
            }
            Obj o = obj(node, "leaderElection", LEADER_FIELDS);
            if (o == null) {
                return d;
            }
            boolean elect = orDefault(o.bool("leaderElect"), d.leaderElect());
            Duration lease = orDefault(o.duration("leaseDuration"), d.leaseDuration());
            Duration renew = orDefault(o.duration("renewDeadline"), d.renewDeadline());
            Duration retry = orDefault(o.duration("retryPeriod"), d.retryPeriod());
            String lock = nonEmptyOr(o.str("resourceLock"), d.resourceLock());
            String name = nonEmptyOr(o.str("resourceName"), d.resourceName());
            String namespace = nonEmptyOr(o.str("resourceNamespace"), d.resourceNamespace());
            if (elect) {
                positive("leaderElection.leaseDuration", lease);
                positive("leaderElection.renewDeadline", renew);
                positive("leaderElection.retryPeriod", retry);
                if (lease.compareTo(renew) <= 0) {
                    err("leaderElection.leaseDuration", "must be greater than renewDeadline");
                }
                if (!lock.equals("leases")) {
                    err("leaderElection.resourceLock", "must be \"leases\", got \"" + lock + "\"");
                }
            }
            return new LeaderElection(elect, lease, renew, retry, lock, name, namespace);
        }

        private void positive(String path, Duration d) {
            if (d.isNegative() || d.isZero()) {
                err(path, "must be greater than zero");
            }
        }

        // ---- profiles ---------------------------------------------------------------------------

        private List<ProfileConfig> profiles(JsonNode node) {
            List<JsonNode> items = node == null ? List.of() : list(node, "profiles");
            if (items == null) {
                return List.of();
            }
            if (items.isEmpty()) {
                items = List.of(JsonNodeFactory.instance.objectNode());
            }
            var resolved = new ArrayList<ResolvedProfile>();
            var names = new HashMap<String, Integer>();
            for (int i = 0; i < items.size(); i++) {
                String path = "profiles[" + i + "]";
                Obj o = obj(items.get(i), path, PROFILE_FIELDS);
                if (o == null) {
                    continue;
                }
                String schedulerName = o.str("schedulerName");
                if (schedulerName == null || schedulerName.isEmpty()) {
                    // As upstream: only a lone profile gets the default name.
                    if (items.size() == 1) {
                        schedulerName = DEFAULT_SCHEDULER_NAME;
                    } else {
                        err(path + ".schedulerName", "required when there is more than one profile");
                    }
                }
                if (schedulerName != null && !schedulerName.isEmpty()) {
                    Integer first = names.putIfAbsent(schedulerName, i);
                    if (first != null) {
                        err(path + ".schedulerName", "duplicate \"" + schedulerName + "\" (also profiles[" + first + "])");
                    }
                }
                Long pct = o.integer("percentageOfNodesToScore");
                if (pct != null) {
                    checkPercentage(path + ".percentageOfNodesToScore", pct);
                }
                Map<String, PluginSetSpec> sets = pluginSets(o.get("plugins"), path + ".plugins");
                JsonNode pluginConfig = o.get("pluginConfig");
                ResolvedProfile rp = new ProfileResolver(path, schedulerName,
                        pct == null ? null : pct.intValue(), sets, pluginConfig).resolve();
                if (rp != null) {
                    resolved.add(rp);
                }
            }
            commonQueueSort(resolved);
            return resolved.stream().map(ResolvedProfile::config).toList();
        }

        /** Upstream: all profiles must share the queue sort plugin and its args (there is one queue). */
        private void commonQueueSort(List<ResolvedProfile> profiles) {
            if (profiles.size() < 2) {
                return;
            }
            ResolvedProfile first = profiles.getFirst();
            for (int i = 1; i < profiles.size(); i++) {
                ResolvedProfile p = profiles.get(i);
                if (!Objects.equals(first.queueSortPlugin(), p.queueSortPlugin())) {
                    err("profiles[" + i + "].plugins.queueSort", "must be the same for all profiles: profile \""
                            + first.config().schedulerName() + "\" uses " + quoted(first.queueSortPlugin())
                            + ", profile \"" + p.config().schedulerName() + "\" uses " + quoted(p.queueSortPlugin()));
                } else if (!Objects.equals(first.queueSortArgs(), p.queueSortArgs())) {
                    err("profiles[" + i + "].pluginConfig", "args of queueSort plugin \"" + p.queueSortPlugin()
                            + "\" must be the same for all profiles");
                }
            }
        }

        private Map<String, PluginSetSpec> pluginSets(JsonNode node, String path) {
            var sets = new HashMap<String, PluginSetSpec>();
            if (node == null) {
                return sets;
            }
            Obj o = obj(node, path, POINT_FIELDS);
            if (o == null) {
                return sets;
            }
            for (String point : POINT_FIELDS) {
                JsonNode setNode = o.get(point);
                if (setNode == null) {
                    continue;
                }
                String setPath = path + "." + point;
                Obj s = obj(setNode, setPath, PLUGIN_SET_FIELDS);
                if (s == null) {
                    continue;
                }
                sets.put(point, new PluginSetSpec(entries(s.get("enabled"), setPath + ".enabled"),
                        entries(s.get("disabled"), setPath + ".disabled")));
            }
            return sets;
        }

        private List<Entry> entries(JsonNode node, String path) {
            if (node == null) {
                return List.of();
            }
            List<JsonNode> items = list(node, path);
            if (items == null) {
                return List.of();
            }
            var out = new ArrayList<Entry>();
            for (int i = 0; i < items.size(); i++) {
                String p = path + "[" + i + "]";
                Obj o = obj(items.get(i), p, PLUGIN_FIELDS);
                if (o == null) {
                    continue;
                }
                String name = o.str("name");
                if (name == null || name.isEmpty()) {
                    err(p + ".name", "required");
                    continue;
                }
                Long weight = o.integer("weight");
                if (weight != null && (weight < 0 || weight > Integer.MAX_VALUE)) {
                    err(p + ".weight", "must be a non-negative integer (0 or unset means 1), got " + weight);
                    weight = null;
                }
                out.add(new Entry(name, weight == null ? null : weight.intValue(), p));
            }
            return out;
        }

        /** Resolves one profile's plugins and args. */
        private final class ProfileResolver {
            private final String path;
            private final String schedulerName;
            private final Integer percentage;
            private final Map<String, PluginSetSpec> sets;
            private final JsonNode pluginConfigNode;
            /** Bound args by plugin name; a null value means "configured without args". */
            private final Map<String, Object> args = new HashMap<>();
            private final Map<String, Probe> probes = new HashMap<>();

            ProfileResolver(String path, String schedulerName, Integer percentage, Map<String, PluginSetSpec> sets,
                            JsonNode pluginConfigNode) {
                this.path = path;
                this.schedulerName = schedulerName;
                this.percentage = percentage;
                this.sets = sets;
                this.pluginConfigNode = pluginConfigNode;
            }

            ResolvedProfile resolve() {
                int errorsBefore = errors.size();
                pluginConfig();
                checkNames();
                List<Entry> multiPoint = mergeMultiPoint(set(MULTI_POINT));
                for (Entry e : multiPoint) {
                    probe(e);
                }
                for (PluginSetSpec s : sets.values()) {
                    s.enabled().forEach(this::probe);
                }
                if (errors.size() != errorsBefore) {
                    // Expanding with plugins left out would only add follow-on errors.
                    return null;
                }

                var plugins = new EnumMap<ExtensionPoint, List<PluginRef>>(ExtensionPoint.class);
                Map<String, Integer> weights = scoreWeights(multiPoint);
                for (ExtensionPoint point : ExtensionPoint.values()) {
                    List<Entry> expanded = expand(point, set(point.configName()), multiPoint);
                    if (!expanded.isEmpty()) {
                        plugins.put(point, expanded.stream().map(e -> new PluginRef(e.name(),
                                point == ExtensionPoint.SCORE ? weights.get(e.name()) : 0)).toList());
                    }
                }
                preEnqueue();
                if (errors.size() != errorsBefore) {
                    return null;
                }

                List<PluginRef> queueSort = plugins.getOrDefault(ExtensionPoint.QUEUE_SORT, List.of());
                if (queueSort.size() != 1) {
                    err(path + ".plugins.queueSort", "exactly one queueSort plugin must be enabled, found "
                            + queueSort.size() + names(queueSort));
                }
                if (plugins.getOrDefault(ExtensionPoint.BIND, List.of()).isEmpty()) {
                    err(path + ".plugins.bind", "at least one bind plugin must be enabled");
                }
                if (errors.size() != errorsBefore) {
                    return null;
                }

                var enabledNames = new HashSet<String>();
                plugins.values().forEach(l -> l.forEach(r -> enabledNames.add(r.name())));
                var pluginArgs = new LinkedHashMap<String, Object>();
                args.forEach((name, a) -> {
                    if (a != null && enabledNames.contains(name)) {
                        pluginArgs.put(name, a);
                    }
                });
                String qs = queueSort.getFirst().name();
                return new ResolvedProfile(new ProfileConfig(schedulerName, percentage, plugins, pluginArgs),
                        qs, args.get(qs));
            }

            private PluginSetSpec set(String point) {
                return sets.getOrDefault(point, PluginSetSpec.EMPTY);
            }

            // -- pluginConfig ---------------------------------------------------------------------

            private void pluginConfig() {
                if (pluginConfigNode == null) {
                    return;
                }
                String base = path + ".pluginConfig";
                List<JsonNode> items = list(pluginConfigNode, base);
                if (items == null) {
                    return;
                }
                var seen = new HashMap<String, Integer>();
                for (int j = 0; j < items.size(); j++) {
                    String p = base + "[" + j + "]";
                    Obj o = obj(items.get(j), p, PLUGIN_CONFIG_FIELDS);
                    if (o == null) {
                        continue;
                    }
                    String name = o.str("name");
                    if (name == null || name.isEmpty()) {
                        err(p + ".name", "required");
                        continue;
                    }
                    Integer first = seen.putIfAbsent(name, j);
                    if (first != null) {
                        err(p + ".name", "duplicate config for plugin \"" + name + "\" (also pluginConfig[" + first + "])");
                        continue;
                    }
                    Optional<PluginFactory<?>> factory = registry.factory(name);
                    if (factory.isEmpty()) {
                        if (!UPSTREAM_ONLY.contains(name)) {
                            err(p + ".name", unknownPlugin(name));
                        }
                        // An upstream plugin's args (e.g. PodTopologySpread) are tolerated and unused.
                        continue;
                    }
                    bindAndProbe(factory.get(), o.get("args"), p + ".args");
                }
            }

            private void bindAndProbe(PluginFactory<?> factory, JsonNode argsNode, String argsPath) {
                String name = factory.name();
                ObjectNode argsObj = null;
                if (argsNode != null) {
                    if (!argsNode.isObject()) {
                        err(argsPath, "must be a mapping");
                        probes.put(name, Probe.REPORTED);
                        return;
                    }
                    argsObj = ((ObjectNode) argsNode).deepCopy();
                    // The type is known from the plugin name; upstream's apiVersion/kind markers add nothing.
                    argsObj.remove("apiVersion");
                    argsObj.remove("kind");
                }
                Object bound = null;
                Class<?> type = factory.argsType();
                if (type == null || type == Void.class) {
                    if (argsObj != null && !argsObj.isEmpty()) {
                        err(argsPath, "plugin \"" + name + "\" takes no args");
                        probes.put(name, Probe.REPORTED);
                        return;
                    }
                } else if (argsObj != null) {
                    try {
                        bound = binder.bind(argsObj, type);
                    } catch (ArgsBinder.BindException e) {
                        err(argsPath + e.path, e.getMessage());
                        probes.put(name, Probe.REPORTED);
                        return;
                    }
                }
                args.put(name, bound);
                Probe probe = create(factory, bound);
                probes.put(name, probe);
                if (probe.badArgs()) {
                    // The factory's message starts with the field it rejects, e.g. "scoringStrategy.type: ...".
                    errors.add(argsPath + "." + probe.failure());
                } else if (probe.failure() != null) {
                    err(argsPath, "plugin \"" + name + "\" cannot be created: " + probe.failure());
                }
            }

            // -- names ----------------------------------------------------------------------------

            private void checkNames() {
                sets.forEach((point, spec) -> {
                    for (Entry e : spec.enabled()) {
                        if (registry.factory(e.name()).isEmpty()) {
                            err(e.path() + ".name", UPSTREAM_ONLY.contains(e.name())
                                    ? "plugin " + e.name() + " is a kube-scheduler plugin that berth-scheduler does not implement"
                                    : unknownPlugin(e.name()));
                        }
                    }
                    for (Entry e : spec.disabled()) {
                        if (!e.name().equals("*") && registry.factory(e.name()).isEmpty()
                                && !UPSTREAM_ONLY.contains(e.name())) {
                            err(e.path() + ".name", unknownPlugin(e.name()));
                        }
                    }
                });
            }

            private boolean known(Entry e) {
                return registry.factory(e.name()).isPresent();
            }

            // -- merge and expansion (upstream mergePluginSet, expandMultiPointPlugins) -----------

            /** The default multiPoint set merged with the profile's multiPoint, as upstream's mergePluginSet. */
            private List<Entry> mergeMultiPoint(PluginSetSpec custom) {
                Set<String> disabled = custom.disabledNames();
                var customByName = new HashMap<String, Integer>();
                for (int i = 0; i < custom.enabled().size(); i++) {
                    customByName.put(custom.enabled().get(i).name(), i);
                }
                var replaced = new HashSet<Integer>();
                var out = new ArrayList<Entry>();
                if (!disabled.contains("*")) {
                    for (PluginRef d : DEFAULT_PLUGINS) {
                        if (disabled.contains(d.name())) {
                            continue;
                        }
                        Integer idx = customByName.get(d.name());
                        if (idx != null) {
                            // A re-configured default keeps its place in the default order.
                            out.add(custom.enabled().get(idx));
                            replaced.add(idx);
                        } else {
                            out.add(new Entry(d.name(), d.weight() == 0 ? null : d.weight(), "default plugins"));
                        }
                    }
                }
                for (int i = 0; i < custom.enabled().size(); i++) {
                    if (!replaced.contains(i)) {
                        out.add(custom.enabled().get(i));
                    }
                }
                return out;
            }

            private void probe(Entry e) {
                if (!known(e) || probes.containsKey(e.name())) {
                    return;
                }
                Probe p = create(registry.factory(e.name()).orElseThrow(), args.get(e.name()));
                probes.put(e.name(), p);
                if (p.failure() != null) {
                    err(e.path(), "plugin \"" + e.name() + "\" cannot be created without args (give it a "
                            + "pluginConfig entry): " + p.failure());
                }
            }

            private boolean implementsPoint(String name, ExtensionPoint point) {
                Probe p = probes.get(name);
                return p != null && p.points() != null && p.points().contains(point);
            }

            private boolean usable(Entry e) {
                Probe p = probes.get(e.name());
                return known(e) && p != null && p.failure() == null;
            }

            /**
             * The plugins at one point: the point's own enabled entries that also come from multiPoint
             * first (they override it), then the remaining multiPoint plugins implementing the point, then
             * the point's other entries. A "*" in the point's disabled list skips multiPoint entirely.
             */
            private List<Entry> expand(ExtensionPoint point, PluginSetSpec spec, List<Entry> multiPoint) {
                var own = new LinkedHashMap<String, Entry>();
                for (Entry e : spec.enabled()) {
                    if (!usable(e)) {
                        continue;
                    }
                    if (!implementsPoint(e.name(), point)) {
                        err(e.path() + ".name", "plugin \"" + e.name() + "\" does not implement " + point.configName()
                                + " (it implements " + configNames(probes.get(e.name()).points()) + ")");
                    } else if (own.putIfAbsent(e.name(), e) != null) {
                        err(e.path() + ".name", "plugin \"" + e.name() + "\" is enabled twice at " + point.configName());
                    }
                }
                Set<String> disabled = spec.disabledNames();
                if (disabled.contains("*")) {
                    return List.copyOf(own.values());
                }
                var overrides = new LinkedHashSet<String>();
                var fromMultiPoint = new LinkedHashMap<String, Entry>();
                for (Entry e : multiPoint) {
                    if (!usable(e) || !implementsPoint(e.name(), point) || disabled.contains(e.name())) {
                        continue;
                    }
                    if (own.containsKey(e.name())) {
                        overrides.add(e.name());
                    } else if (fromMultiPoint.putIfAbsent(e.name(), e) != null) {
                        err(e.path() + ".name", "plugin \"" + e.name() + "\" is enabled twice in multiPoint");
                    }
                }
                var out = new ArrayList<Entry>();
                own.values().stream().filter(e -> overrides.contains(e.name())).forEach(out::add);
                out.addAll(fromMultiPoint.values());
                own.values().stream().filter(e -> !overrides.contains(e.name())).forEach(out::add);
                return out;
            }

            /** Upstream getScoreWeights: score.enabled first, then multiPoint; the first mention wins, 0 means 1. */
            private Map<String, Integer> scoreWeights(List<Entry> multiPoint) {
                var weights = new HashMap<String, Integer>();
                var all = new ArrayList<>(set(ExtensionPoint.SCORE.configName()).enabled());
                all.addAll(multiPoint);
                for (Entry e : all) {
                    if (usable(e) && implementsPoint(e.name(), ExtensionPoint.SCORE) && !weights.containsKey(e.name())) {
                        weights.put(e.name(), e.weight() == null || e.weight() == 0 ? 1 : e.weight());
                    }
                }
                return weights;
            }

            /** Berth has no PreEnqueue extension point: any plugin enabled there cannot take part. */
            private void preEnqueue() {
                for (Entry e : set(PRE_ENQUEUE).enabled()) {
                    if (usable(e)) {
                        err(e.path() + ".name", "plugin \"" + e.name()
                                + "\" does not implement preEnqueue (berth-scheduler has no PreEnqueue plugins)");
                    }
                }
            }
        }

        // ---- tree helpers ---------------------------------------------------------------------

        private Obj obj(JsonNode node, String path, Set<String> allowed) {
            if (!node.isObject()) {
                err(path, "must be a mapping");
                return null;
            }
            node.fieldNames().forEachRemaining(k -> {
                if (!allowed.contains(k)) {
                    err(child(path, k), "unknown field");
                }
            });
            return new Obj(node, path);
        }

        private List<JsonNode> list(JsonNode node, String path) {
            if (!node.isArray()) {
                err(path, "must be a list");
                return null;
            }
            var out = new ArrayList<JsonNode>();
            node.forEach(out::add);
            return out;
        }

        /** Typed access to one mapping's fields; a wrong type is reported and read as absent. */
        private final class Obj {
            private final JsonNode node;
            private final String path;

            Obj(JsonNode node, String path) {
                this.node = node;
                this.path = path;
            }

            JsonNode get(String key) {
                JsonNode v = node.get(key);
                return v == null || v.isNull() ? null : v;
            }

            private <T> T typed(String key, String want, java.util.function.Predicate<JsonNode> ok,
                                java.util.function.Function<JsonNode, T> read) {
                JsonNode v = get(key);
                if (v == null) {
                    return null;
                }
                if (!ok.test(v)) {
                    err(child(path, key), "must be " + want);
                    return null;
                }
                return read.apply(v);
            }

            String str(String key) {
                return typed(key, "a string", JsonNode::isTextual, JsonNode::textValue);
            }

            Long integer(String key) {
                return typed(key, "an integer", v -> v.isIntegralNumber() && v.canConvertToLong(), JsonNode::longValue);
            }

            Double number(String key) {
                return typed(key, "a number", JsonNode::isNumber, JsonNode::doubleValue);
            }

            Boolean bool(String key) {
                return typed(key, "true or false", JsonNode::isBoolean, JsonNode::booleanValue);
            }

            JsonNode mapping(String key) {
                return typed(key, "a mapping", JsonNode::isObject, v -> v);
            }

            JsonNode list(String key) {
                return typed(key, "a list", JsonNode::isArray, v -> v);
            }

            Duration duration(String key) {
                String s = typed(key, "a duration string such as \"15s\"", JsonNode::isTextual, JsonNode::textValue);
                if (s == null) {
                    return null;
                }
                try {
                    return GoDuration.parse(s);
                } catch (IllegalArgumentException e) {
                    err(child(path, key), e.getMessage());
                    return null;
                }
            }
        }
    }

    // ---- plugin probing -------------------------------------------------------------------------

    /** Creates the plugin once to learn its extension points; a failure is returned, not thrown. */
    private static Probe create(PluginFactory<?> factory, Object args) {
        try {
            Plugin plugin = createUnchecked(factory, args);
            if (plugin == null) {
                return new Probe(null, "factory returned null", false);
            }
            var points = EnumSet.noneOf(ExtensionPoint.class);
            for (ExtensionPoint p : ExtensionPoint.values()) {
                if (p.type().isInstance(plugin)) {
                    points.add(p);
                }
            }
            return new Probe(points, null, false);
        } catch (IllegalArgumentException e) {
            return new Probe(null, String.valueOf(e.getMessage()), true);
        } catch (RuntimeException e) {
            return new Probe(null, e.getClass().getSimpleName() + ": " + e.getMessage(), false);
        }
    }

    @SuppressWarnings("unchecked")
    private static <A> Plugin createUnchecked(PluginFactory<A> factory, Object args) {
        return factory.create((A) args, INERT_HANDLE);
    }

    /** Given to plugins created only to inspect them: an empty cluster, and no binding. */
    private static final Handle INERT_HANDLE = new Handle() {
        private final Snapshot empty = Snapshot.of(List.of());

        @Override
        public Snapshot snapshot() {
            return empty;
        }

        @Override
        public PodBinder binder() {
            return (pod, node) -> {
                throw new IllegalStateException("no binding while the configuration is being validated");
            };
        }

        @Override
        public int parallelism() {
            return 1;
        }

        @Override
        public Optional<WaitingPod> waitingPod(String uid) {
            return Optional.empty();
        }

        @Override
        public void forEachWaitingPod(Consumer<WaitingPod> action) {
        }
    };

    // ---- small helpers ---------------------------------------------------------------------------

    private static String unknownPlugin(String name) {
        return "unknown plugin \"" + name + "\"";
    }

    private static String child(String path, String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    private static String quoted(String s) {
        return s == null ? "none" : "\"" + s + "\"";
    }

    private static String names(List<PluginRef> refs) {
        return refs.isEmpty() ? "" : " " + refs.stream().map(PluginRef::name).toList();
    }

    private static String configNames(Set<ExtensionPoint> points) {
        return points.isEmpty() ? "no extension point"
                : String.join(", ", points.stream().map(ExtensionPoint::configName).toList());
    }

    private static <T> T orDefault(T value, T fallback) {
        return value == null ? fallback : value;
    }

    private static String nonEmptyOr(String value, String fallback) {
        return value == null || value.isEmpty() ? fallback : value;
    }
}
