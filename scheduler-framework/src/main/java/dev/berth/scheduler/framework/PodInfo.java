package dev.berth.scheduler.framework;

import dev.berth.scheduler.model.Container;
import dev.berth.scheduler.model.ContainerPort;
import dev.berth.scheduler.model.Pod;
import dev.berth.scheduler.model.Resources;

import java.util.ArrayList;
import java.util.List;

/**
 * A pod with what scheduling derives from it computed once: its effective resource requests, the
 * non-zero requests used for scoring, and its host ports.
 */
public record PodInfo(Pod pod, Resources requests, Resources nonZeroRequests, List<ContainerPort> hostPorts) {
    /** cpu assumed for scoring when a container requests none (kube-scheduler's DefaultMilliCPURequest). */
    public static final long DEFAULT_MILLI_CPU_REQUEST = 100;
    /** memory assumed for scoring when a container requests none (DefaultMemoryRequest, 200 MiB). */
    public static final long DEFAULT_MEMORY_REQUEST = 200L * 1024 * 1024;

    public static PodInfo of(Pod pod) {
        return new PodInfo(pod, effectiveRequests(pod, false), effectiveRequests(pod, true), hostPorts(pod));
    }

    public String uid() {
        return pod.uid();
    }

    /**
     * The requests a pod holds on its node: the larger of (regular containers + sidecars) and the peak
     * of the init sequence, where each init container runs beside the sidecars started before it; plus
     * the pod overhead. With {@code nonZero}, a container without a cpu or memory request counts the
     * scoring defaults instead.
     */
    public static Resources effectiveRequests(Pod pod, boolean nonZero) {
        Resources sum = Resources.ZERO;
        for (Container c : pod.containers()) {
            sum = sum.plus(requestsOf(c, nonZero));
        }
        Resources sidecars = Resources.ZERO;
        Resources initPeak = Resources.ZERO;
        for (Container c : pod.initContainers()) {
            Resources r = requestsOf(c, nonZero);
            Resources running;
            if (c.isSidecar()) {
                sum = sum.plus(r);
                sidecars = sidecars.plus(r);
                running = sidecars;
            } else {
                running = r.plus(sidecars);
            }
            initPeak = initPeak.max(running);
        }
        return sum.max(initPeak).plus(pod.overhead());
    }

    private static Resources requestsOf(Container c, boolean nonZero) {
        Resources r = c.requests();
        boolean cpuMissing = !c.requested().contains(Resources.CPU);
        boolean memoryMissing = !c.requested().contains(Resources.MEMORY);
        if (!nonZero || (!cpuMissing && !memoryMissing)) {
            return r;
        }
        // Only a missing request gets the default; an explicit zero stays zero (as upstream).
        return new Resources(cpuMissing ? DEFAULT_MILLI_CPU_REQUEST : r.milliCpu(),
                memoryMissing ? DEFAULT_MEMORY_REQUEST : r.memory(), r.ephemeralStorage(), r.pods(), r.scalars());
    }

    private static List<ContainerPort> hostPorts(Pod pod) {
        List<ContainerPort> ports = new ArrayList<>();
        for (Container c : pod.containers()) {
            for (ContainerPort p : c.ports()) {
                if (p.hostPort() > 0) {
                    ports.add(p);
                }
            }
        }
        for (Container c : pod.initContainers()) {
            if (c.isSidecar()) {
                for (ContainerPort p : c.ports()) {
                    if (p.hostPort() > 0) {
                        ports.add(p);
                    }
                }
            }
        }
        return List.copyOf(ports);
    }
}
