package dev.berth.proxy.rules;

import dev.berth.proxy.model.NamespacedName;
import java.util.Map;

/**
 * What one generation leaves for the next: per Service, the dispatch and filter lines, per-service chain names
 * and rule counts it produced, with the Service and EndpointSlices they were made from. A later partial
 * generation reuses a Service's entry when that Service is not to be rewritten and its objects are still equal,
 * so an unchanged Service costs its dispatch lines instead of a rerun (with one SHA-256 per endpoint chain name).
 * An entry is only ever reused for equal inputs, so results never depend on the cache, only their cost does.
 *
 * <p>Not thread-safe: one sync loop owns one cache (one per IP family).
 */
public final class RuleCache {
    /** The configuration the entries were made for; entries for another one are ignored. */
    NodeConfig config;
    Map<NamespacedName, ServiceRules> services = Map.of();
    /** The chains of all {@link #services} entries: the last generation's active nat chains. */
    ChainSet chains;

    /** Services with an entry, for tests and logs. */
    public int size() {
        return services.size();
    }

    /** Forgets everything, e.g. after a failed restore, when nothing is known to be in the kernel. */
    public void clear() {
        config = null;
        services = Map.of();
        chains = null;
    }
}
