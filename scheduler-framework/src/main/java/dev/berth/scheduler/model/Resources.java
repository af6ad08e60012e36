package dev.berth.scheduler.model;

import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * An amount of the schedulable resources: cpu in millicores, memory and ephemeral storage in bytes, a
 * pod count, and extended (scalar) resources such as {@code nvidia.com/gpu} or {@code hugepages-2Mi}.
 *
 * <p>Used for node allocatable, pod requests and the sum of requests on a node.
 */
public record Resources(long milliCpu, long memory, long ephemeralStorage, long pods, Map<String, Long> scalars) {
    public static final String CPU = "cpu";
    public static final String MEMORY = "memory";
    public static final String EPHEMERAL_STORAGE = "ephemeral-storage";
    public static final String PODS = "pods";

    public static final Resources ZERO = new Resources(0, 0, 0, 0, Map.of());

    public Resources {
        scalars = scalars.isEmpty() ? Map.of() : Map.copyOf(scalars);
    }

    /** Reads a Kubernetes resource list ({@code {cpu: 500m, memory: 1Gi, ...}}). */
    public static Resources of(Map<String, String> list) {
        if (list == null || list.isEmpty()) {
            return ZERO;
        }
        long cpu = 0, memory = 0, storage = 0, pods = 0;
        Map<String, Long> scalars = new TreeMap<>();
        for (var e : list.entrySet()) {
            String name = e.getKey();
            try {
                switch (name) {
                    case CPU -> cpu = Quantity.milliValue(e.getValue());
                    case MEMORY -> memory = Quantity.value(e.getValue());
                    case EPHEMERAL_STORAGE -> storage = Quantity.value(e.getValue());
                    case PODS -> pods = Quantity.value(e.getValue());
                    default -> {
                        if (isScalar(name)) {
                            scalars.put(name, Quantity.value(e.getValue()));
                        }
                    }
                }
            } catch (IllegalArgumentException | ArithmeticException ex) {
                throw new IllegalArgumentException("resource " + name + ": " + ex.getMessage(), ex);
            }
        }
        return new Resources(cpu, memory, storage, pods, scalars);
    }

    /**
     * Whether a resource name is a scalar resource the scheduler accounts for: an extended resource
     * (a domain-prefixed name outside {@code kubernetes.io/}), hugepages, an attachable-volumes count,
     * or a prefixed native resource ({@code kubernetes.io/...}).
     */
    public static boolean isScalar(String name) {
        return name.startsWith("hugepages-") || name.startsWith("attachable-volumes-") || isExtended(name)
                || name.contains("kubernetes.io/");
    }

    /** An extended resource: a fully qualified name not in the {@code kubernetes.io} domain and not {@code requests.}-prefixed. */
    public static boolean isExtended(String name) {
        int slash = name.indexOf('/');
        if (slash <= 0 || name.startsWith("requests.")) {
            return false;
        }
        String domain = name.substring(0, slash);
        return !(domain.equals("kubernetes.io") || domain.endsWith(".kubernetes.io"));
    }

    public long scalar(String name) {
        return scalars.getOrDefault(name, 0L);
    }

    /** The amount of one named resource in its base unit (millicores for cpu). */
    public long get(String name) {
        return switch (name) {
            case CPU -> milliCpu;
            case MEMORY -> memory;
            case EPHEMERAL_STORAGE -> ephemeralStorage;
            case PODS -> pods;
            default -> scalar(name);
        };
    }

    public Resources plus(Resources o) {
        return new Resources(milliCpu + o.milliCpu, memory + o.memory, ephemeralStorage + o.ephemeralStorage,
                pods + o.pods, merge(scalars, o.scalars, 1));
    }

    public Resources minus(Resources o) {
        return new Resources(milliCpu - o.milliCpu, memory - o.memory, ephemeralStorage - o.ephemeralStorage,
                pods - o.pods, merge(scalars, o.scalars, -1));
    }

    /** Per resource, the larger of the two amounts. */
    public Resources max(Resources o) {
        Map<String, Long> s = new HashMap<>(scalars);
        o.scalars.forEach((k, v) -> s.merge(k, v, Math::max));
        return new Resources(Math.max(milliCpu, o.milliCpu), Math.max(memory, o.memory),
                Math.max(ephemeralStorage, o.ephemeralStorage), Math.max(pods, o.pods), s);
    }

    public Resources withPods(long count) {
        return new Resources(milliCpu, memory, ephemeralStorage, count, scalars);
    }

    public boolean isZero() {
        return milliCpu == 0 && memory == 0 && ephemeralStorage == 0 && pods == 0
                && scalars.values().stream().allMatch(v -> v == 0);
    }

    private static Map<String, Long> merge(Map<String, Long> a, Map<String, Long> b, int sign) {
        if (b.isEmpty()) {
            return a;
        }
        Map<String, Long> s = new HashMap<>(a);
        b.forEach((k, v) -> s.merge(k, sign * v, Long::sum));
        return s;
    }
}
