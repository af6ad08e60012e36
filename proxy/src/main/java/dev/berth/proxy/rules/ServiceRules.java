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

    /**
     * This entry, if it was made from these objects or equal ones, else null. For equal but other instances (a
     * relist delivers new ones) the entry is rebound to them, so later generations compare by identity again.
     */
    ServiceRules reusableFor(Service otherService, List<EndpointSlice> otherSlices) {
        boolean same = service == otherService;
        if (!same && !service.equals(otherService)) {
            return null;
        }
        if (slices.size() != otherSlices.size()) {
            return null;
        }
        for (int i = 0; i < slices.size(); i++) {
            var a = slices.get(i);
            var b = otherSlices.get(i);
            if (a != b) {
                if (!a.equals(b)) {
                    return null;
                }
                same = false;
            }
        }
        return same ? this : new ServiceRules(otherService, List.copyOf(otherSlices), natDispatch, natDispatchRules,
                filter, filterRules, chains, chainRules, servicePorts, endpoints, noLocalInternal, noLocalExternal);
    }
}
