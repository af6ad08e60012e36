package dev.berth.proxy.rules;

import dev.berth.proxy.model.EndpointSlice;
import dev.berth.proxy.model.Service;
import java.util.List;

/** Everything the proxy knows from the API at one moment: the input of {@link RuleGenerator#generate}. */
public record ProxyState(List<Service> services, List<EndpointSlice> endpointSlices) {
    public static final ProxyState EMPTY = new ProxyState(List.of(), List.of());

    public ProxyState {
        services = List.copyOf(services);
        endpointSlices = List.copyOf(endpointSlices);
    }
}
