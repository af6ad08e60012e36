package dev.berth.proxy.sync;

import dev.berth.proxy.model.NamespacedName;
import java.util.Set;

/** What one sync writes: everything, or only the chains of the Services that changed since the last sync. */
public sealed interface SyncKind {
    /** All chains; on start, after a failure, periodically, and when the canary shows a flushed table. */
    record Full(String reason) implements SyncKind {}

    /** The dispatch chains plus the per-service chains of {@code changedServices}. */
    record Partial(Set<NamespacedName> changedServices) implements SyncKind {
        public Partial {
            changedServices = Set.copyOf(changedServices);
        }
    }
}
