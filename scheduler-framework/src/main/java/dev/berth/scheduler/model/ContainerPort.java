package dev.berth.scheduler.model;

/** A container port; only ports with a {@code hostPort} (non-zero) matter to scheduling. */
public record ContainerPort(int containerPort, int hostPort, String protocol, String hostIP) {
    public ContainerPort {
        protocol = protocol == null || protocol.isEmpty() ? "TCP" : protocol;
        hostIP = hostIP == null ? "" : hostIP;
    }
}
