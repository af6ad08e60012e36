package dev.berth.scheduler.model;

import java.util.List;

/**
 * A container of a pod, as far as scheduling cares. {@code restartPolicy} is "Always" for a sidecar
 * (a restartable init container) and null otherwise.
 */
public record Container(String name, String image, Resources requests, Resources limits, List<ContainerPort> ports,
                        String restartPolicy) {
    public Container {
        requests = requests == null ? Resources.ZERO : requests;
        limits = limits == null ? Resources.ZERO : limits;
        ports = ports == null ? List.of() : List.copyOf(ports);
    }

    public static Container of(String name, String image, Resources requests) {
        return new Container(name, image, requests, Resources.ZERO, List.of(), null);
    }

    /** A sidecar: an init container that keeps running beside the regular containers. */
    public boolean isSidecar() {
        return "Always".equals(restartPolicy);
    }
}
