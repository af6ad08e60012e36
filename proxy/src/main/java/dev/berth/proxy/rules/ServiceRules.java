package dev.berth.proxy.rules;

import dev.berth.proxy.model.EndpointSlice;
import dev.berth.proxy.model.Service;
import java.util.List;

/**
 * One Service's share of a generation, as much of it as a partial generation needs when the Service's own chains
 * are not rewritten. Depends only on the Service, its EndpointSlices (sorted by name) and the node configuration,
 * never on the other Services: the large-cluster switch changes only comments inside the per-service chains.
 *
 * @param natDispatch     its rules in the nat dispatch chains (KUBE-SERVICES, KUBE-NODEPORTS), in output order
 * @param filter          its rules in the filter table, in output order
 * @param chains          its per-service nat chains (SVC, SVL, EXT, FW, SEP)
 * @param chainRules      rules in those chains
 */
record ServiceRules(Service service, List<EndpointSlice> slices, String natDispatch, int natDispatchRules,
                    String filter, int filterRules, List<String> chains, int chainRules, int servicePorts,
                    int endpoints, int noLocalInternal, int noLocalExternal) {

    /** Whether this entry was made from these objects (the same instances, or equal ones after a relist). */
    boolean madeFrom(Service otherService, List<EndpointSlice> otherSlices) {
        if (service != otherService && !service.equals(otherService)) {
            return false;
        }
        if (slices.size() != otherSlices.size()) {
            return false;
        }
        for (int i = 0; i < slices.size(); i++) {
            var a = slices.get(i);
            var b = otherSlices.get(i);
            if (a != b && !a.equals(b)) {
                return false;
            }
        }
        return true;
    }
}
