package dev.berth.scheduler.model;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A container of a pod, as far as scheduling cares. {@code restartPolicy} is "Always" for a sidecar
 * (a restartable init container) and null otherwise.
 *
 * @param requested the resource names the container's {@code resources.requests} lists, even with a
 *                  zero quantity: scoring substitutes its defaults only for requests that are missing
 */
public record Container(String name, String image, Resources requests, Resources limits, List<ContainerPort> ports,
                        String restartPolicy, Set<String> requested) {
    public Container {
        requests = requests == null ? Resources.ZERO : requests;
        limits = limits == null ? Resources.ZERO : limits;
        ports = ports == null ? List.of() : List.copyOf(ports);
        requested = requested == null ? namesOf(requests) : Set.copyOf(requested);
    }

    /** A container whose requests list exactly the non-zero amounts of {@code requests}. */
    public Container(String name, String image, Resources requests, Resources limits, List<ContainerPort> ports,
                     String restartPolicy) {
        this(name, image, requests, limits, ports, restartPolicy, null);
    }

    private static Set<String> namesOf(Resources r) {
        if (r == null) {
            return Set.of();
        }
        Set<String> names = new HashSet<>(r.scalars().keySet());
        if (r.milliCpu() != 0) {
            names.add(Resources.CPU);
        }
        if (r.memory() != 0) {
            names.add(Resources.MEMORY);
        }
        if (r.ephemeralStorage() != 0) {
            names.add(Resources.EPHEMERAL_STORAGE);
        }
        return names;
    }

    public static Container of(String name, String image, Resources requests) {
        return new Container(name, image, requests, Resources.ZERO, List.of(), null);
    }

    /** A sidecar: an init container that keeps running beside the regular containers. */
    public boolean isSidecar() {
        return "Always".equals(restartPolicy);
    }
}
