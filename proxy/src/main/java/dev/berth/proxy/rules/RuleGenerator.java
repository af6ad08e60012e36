package dev.berth.proxy.rules;

import dev.berth.proxy.model.AddressType;
import dev.berth.proxy.model.EndpointSlice;
import dev.berth.proxy.model.IpFamily;
import dev.berth.proxy.model.NamespacedName;
import dev.berth.proxy.model.Service;
import dev.berth.proxy.model.ServicePortName;
import dev.berth.proxy.net.IpAddress;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Generates the proxy's iptables rules from the cluster state: a pure function with kube-proxy's iptables-mode
 * layout, chain names, comments and probabilities, so the same Services and EndpointSlices give the same rules.
 *
 * <p>Packets reach KUBE-SERVICES from nat PREROUTING and OUTPUT (see {@link JumpRules}). A service IP and port
 * jumps to the service port's policy chain: KUBE-SVC-* (Cluster policy) or KUBE-SVL-* (Local policy), which
 * picks an endpoint chain KUBE-SEP-* at random (or by ClientIP affinity) and DNATs there. External destinations
 * (external IPs, load-balancer IPs, NodePorts through KUBE-NODEPORTS) go first through KUBE-EXT-*, which
 * masquerades or short-circuits pod and host traffic, and load-balancer IPs with source ranges first through
 * KUBE-FW-*. Services without usable endpoints get REJECT (none anywhere) or DROP (none local under a Local
 * policy) rules in the filter table.
 *
 * <p>The output only declares and fills the proxy's own chains, for {@code iptables-restore --noflush}; the
 * jumps into them from built-in chains are listed in {@link JumpRules}. Output order is deterministic: service
 * ports sorted by name, endpoints by {@code ip:port}.
 */
public final class RuleGenerator {
    /** Above this many endpoints kube-proxy drops per-endpoint comments to keep the ruleset small. */
    static final int LARGE_CLUSTER_ENDPOINTS_THRESHOLD = 1000;

    private static final String[] PROBABILITIES = new String[1001];

    private RuleGenerator() {
    }

    /** Generates the full ruleset. */
    public static RuleSet generate(ProxyState state, NodeConfig config) {
        return generate(state, config, null, null);
    }

    /**
     * Generates the ruleset, writing the per-service nat chains only for {@code changedServices} (a partial sync:
     * the other services' chains are already in the kernel and stay as they are). The dispatch chains
     * KUBE-SERVICES, KUBE-NODEPORTS and the filter table are always complete. Null means all services.
     */
    public static RuleSet generate(ProxyState state, NodeConfig config, Set<NamespacedName> changedServices) {
        return generate(state, config, changedServices, null);
    }

    /**
     * As {@link #generate(ProxyState, NodeConfig, Set)}, reusing what the previous generation left in {@code cache}
     * for Services outside {@code changedServices} whose Service and EndpointSlices are unchanged, and leaving this
     * generation's results there for the next. The result is the same as without a cache; a partial generation
     * then costs the changed Services plus one dispatch block per unchanged one. Null {@code cache}: none.
     */
    public static RuleSet generate(ProxyState state, NodeConfig config, Set<NamespacedName> changedServices,
                                   RuleCache cache) {
        return new Run(state, config, changedServices, cache).generate();
    }

    /** {@code 1/n} with ten decimals, rounded as Go's {@code %0.10f} rounds (half to even on the exact value). */
    static String probability(int n) {
        if (n < PROBABILITIES.length) {
            var cached = PROBABILITIES[n];
            if (cached == null) {
                // Racy caching is harmless: every thread computes the same immutable string.
                cached = computeProbability(n);
                PROBABILITIES[n] = cached;
            }
            return cached;
        }
        return computeProbability(n);
    }

    private static String computeProbability(int n) {
        return new BigDecimal(1.0 / n).setScale(10, RoundingMode.HALF_EVEN).toPlainString();
    }

    /** One Service's work in a generation: an entry to reuse, or its ports and endpoints to write. */
    private record Plan(Service service, List<EndpointSlice> slices, ServiceRules reuse, boolean write,
                        List<ServicePortInfo> ports, List<List<EndpointInfo>> endpoints) {
    }

    /** State of one generation. */
    private static final class Run {
        private final NodeConfig config;
        private final Set<NamespacedName> changed;
        /** Null when there is none, or when it cannot be used (see the constructor). */
        private final RuleCache cache;
        private final IpFamily family;
        /** Services to generate for, sorted by name; their ports, sorted by name, are contiguous in the output. */
        private final List<Service> services = new ArrayList<>();
        private final Map<NamespacedName, List<EndpointSlice>> slicesByService = new HashMap<>();
        private final String masqMark;
        private final String localCidr;

        private final Lines filterChains = new Lines(1 << 10);
        private final Lines filterRules;
        private final Lines natChains;
        private final Lines natRules;
        private final Lines skippedNatChains = new Lines(1 << 12);
        private final Lines skippedNatRules = new Lines(1 << 14);
        /** Rules in the per-service chains of skipped services, for natRulesTotal. */
        private int skippedRules;
        /** Chains of the Services written (or recomputed) here; the reused ones' are in the cache's ChainSet. */
        private final List<String> activeNatChains = new ArrayList<>();
        /** Endpoint chain names of the service port being written; each name costs a SHA-256. */
        private final Map<String, String> sepNames = new HashMap<>();
        private boolean largeClusterMode;
        private int servicePorts;
        private int noLocalInternal;
        private int noLocalExternal;
        /** The nat dispatch lines of the Service being written, kept for its cache entry. */
        private final StringBuilder dispatch = new StringBuilder();
        private int dispatchRules;
        private int chainRules;

        Run(ProxyState state, NodeConfig config, Set<NamespacedName> changed, RuleCache cache) {
            this.config = config;
            this.changed = changed;
            this.masqMark = config.masqueradeMark();
            this.localCidr = config.clusterCIDR();
            this.family = config.ipFamily();
            for (Service service : state.services()) {
                if (service.skipReason() == null) {
                    services.add(service);
                }
            }
            // Service port names order by Service first, so sorting Services then each one's ports is the
            // order of all ports by name. Usually already sorted (ClusterState keeps a sorted map): linear then.
            services.sort(Comparator.comparing(Service::name));
            boolean unique = true;
            for (int i = 1; i < services.size() && unique; i++) {
                unique = !services.get(i).name().equals(services.get(i - 1).name());
            }
            if (cache != null && !unique) {
                // Entries are per Service name; a state naming a Service twice (not from the API) is made afresh.
                cache.clear();
            }
            this.cache = unique ? cache : null;
            var addressType = family == IpFamily.IPV4 ? AddressType.IPV4 : AddressType.IPV6;
            for (var slice : state.endpointSlices()) {
                if (slice.skipReason() == null && slice.addressType() == addressType) {
                    slicesByService.computeIfAbsent(slice.service(), k -> new ArrayList<>(1)).add(slice);
                }
            }
            for (var slices : slicesByService.values()) {
                if (slices.size() > 1) {
                    slices.sort(Comparator.comparing(EndpointSlice::name));
                }
            }
            // A partial generation writes little beyond one dispatch line or two per Service.
            int perService = changed == null ? 2048 : 192;
            filterRules = new Lines(1 << 12);
            natChains = new Lines(Math.max(1 << 12, changed == null ? services.size() * 512 : 1 << 12));
            natRules = new Lines(Math.max(1 << 12, services.size() * perService));
        }

        RuleSet generate() {
            for (var chain : List.of(Chains.SERVICES, Chains.EXTERNAL_SERVICES, Chains.FORWARD, Chains.NODE_PORTS,
                    Chains.PROXY_FIREWALL, Chains.CANARY)) {
                filterChains.chain(chain);
            }
            for (var chain : List.of(Chains.SERVICES, Chains.NODE_PORTS, Chains.POSTROUTING, Chains.MARK_MASQ,
                    Chains.CANARY)) {
                natChains.chain(chain);
            }
            writePostrouting();
            if (config.effectiveLocalhostNodePorts()) {
                writeLocalnetFirewall();
            }

            // First pass: what each Service needs, and the endpoint total that decides the large-cluster mode.
            var priorValid = cache != null && config.equals(cache.config) && cache.chains != null;
            Map<NamespacedName, ServiceRules> prior = priorValid ? cache.services : Map.of();
            var plans = new ArrayList<Plan>(services.size());
            int totalEndpoints = 0;
            for (var service : services) {
                var slices = slicesByService.getOrDefault(service.name(), List.of());
                var write = changed == null || changed.contains(service.name());
                var cached = write ? null : prior.get(service.name());
                var entry = cached == null ? null : cached.reusableFor(service, slices);
                if (entry != null) {
                    plans.add(new Plan(service, slices, entry, false, List.of(), List.of()));
                    totalEndpoints += entry.endpoints();
                    continue;
                }
                var ports = portsOf(service);
                var endpoints = new ArrayList<List<EndpointInfo>>(ports.size());
                for (var port : ports) {
                    var list = endpoints(port.name(), slices);
                    endpoints.add(list);
                    totalEndpoints += list.size();
                }
                plans.add(new Plan(service, slices, null, write, ports, endpoints));
            }
            largeClusterMode = totalEndpoints > LARGE_CLUSTER_ENDPOINTS_THRESHOLD;

            var next = cache == null ? null : new HashMap<NamespacedName, ServiceRules>(plans.size() * 4 / 3 + 1);
            for (var plan : plans) {
                var entry = plan.reuse() != null ? reuse(plan.reuse()) : writeService(plan);
                if (next != null) {
                    next.put(plan.service().name(), entry);
                }
            }
            writeNodePortsDispatch();
            writeForward();
            ChainSet chains;
            if (priorValid) {
                // The previous set, less the chains of the entries not carried over, plus those written now.
                // A carried-over entry, rebound or not, shares its chain list with the previous one.
                var gone = new ArrayList<String>();
                for (var entry : prior.values()) {
                    var kept = next.get(entry.service().name());
                    if (kept == null || kept.chains() != entry.chains()) {
                        gone.addAll(entry.chains());
                    }
                }
                chains = cache.chains.with(gone, activeNatChains);
            } else {
                chains = ChainSet.of(activeNatChains);
            }
            if (cache != null) {
                cache.config = config;
                cache.services = next;
                cache.chains = chains;
            }

            var out = new StringBuilder(filterChains.text.length() + filterRules.text.length()
                    + natChains.text.length() + natRules.text.length() + 32);
            out.append("*filter\n").append(filterChains.text).append(filterRules.text).append("COMMIT\n");
            out.append("*nat\n").append(natChains.text).append(natRules.text).append("COMMIT\n");
            return new RuleSet(out.toString(), filterChains.count, filterRules.count, natChains.count,
                    natRules.count, natRules.count + skippedRules, chains, servicePorts,
                    totalEndpoints, noLocalInternal, noLocalExternal);
        }

        /** The Service's ports with a cluster IP of this family, sorted by name. */
        private List<ServicePortInfo> portsOf(Service service) {
            var out = new ArrayList<ServicePortInfo>(service.ports().size());
            for (var port : service.ports()) {
                var info = ServicePortInfo.of(service, port, family);
                if (info != null) {
                    out.add(info);
                }
            }
            if (out.size() > 1) {
                out.sort(Comparator.comparing(ServicePortInfo::name));
            }
            return out;
        }

        /** An unchanged Service whose chains stay in the kernel: its dispatch and filter lines, counted. */
        private ServiceRules reuse(ServiceRules entry) {
            filterRules.text.append(entry.filter());
            filterRules.count += entry.filterRules();
            natRules.text.append(entry.natDispatch());
            natRules.count += entry.natDispatchRules();
            skippedRules += entry.chainRules();
            servicePorts += entry.servicePorts();
            noLocalInternal += entry.noLocalInternal();
            noLocalExternal += entry.noLocalExternal();
            return entry;
        }

        /** Writes one Service's rules; returns its cache entry, or null without a cache. */
        private ServiceRules writeService(Plan plan) {
            int filterStart = filterRules.text.length();
            int filterCount = filterRules.count;
            int chainsStart = activeNatChains.size();
            int internalBefore = noLocalInternal;
            int externalBefore = noLocalExternal;
            int endpoints = 0;
            dispatch.setLength(0);
            dispatchRules = 0;
            chainRules = 0;
            var ports = plan.ports();
            for (int i = 0; i < ports.size(); i++) {
                writeServicePort(ports.get(i), plan.endpoints().get(i), plan.write());
                endpoints += plan.endpoints().get(i).size();
            }
            servicePorts += ports.size();
            if (!plan.write()) {
                skippedRules += chainRules;
            }
            if (cache == null) {
                return null;
            }
            return new ServiceRules(plan.service(), plan.slices(), dispatch.toString(), dispatchRules,
                    filterRules.text.substring(filterStart), filterRules.count - filterCount,
                    List.copyOf(activeNatChains.subList(chainsStart, activeNatChains.size())), chainRules,
                    ports.size(), endpoints, noLocalInternal - internalBefore, noLocalExternal - externalBefore);
        }

        private void writePostrouting() {
            var mask = masqMark + "/" + masqMark;
            natRules.rule(Chains.POSTROUTING).a("-m mark ! --mark").a(mask).a("-j RETURN").end();
            // Clear the mark so a packet traversing the stack again is not masqueraded twice.
            natRules.rule(Chains.POSTROUTING).a("-j MARK --xor-mark").a(masqMark).end();
            natRules.rule(Chains.POSTROUTING).quotedComment("kubernetes service traffic requiring SNAT")
                    .a("-j MASQUERADE");
            if (config.randomFully()) {
                natRules.a("--random-fully");
            }
            natRules.end();
            natRules.rule(Chains.MARK_MASQ).a("-j MARK --or-mark").a(masqMark).end();
        }

        /** route_localnet makes 127/8 routable; this rule (also kubelet's) keeps outsiders from using it. */
        private void writeLocalnetFirewall() {
            filterChains.chain(Chains.KUBELET_FIREWALL);
            filterRules.rule(Chains.KUBELET_FIREWALL).quotedComment("block incoming localnet connections")
                    .a("-d 127.0.0.0/8 ! -s 127.0.0.0/8 -m conntrack ! --ctstate RELATED,ESTABLISHED,DNAT -j DROP")
                    .end();
        }

        /** The port's endpoints from all its slices, de-duplicated by ip:port (a local copy wins) and sorted. */
        private List<EndpointInfo> endpoints(ServicePortName name, List<EndpointSlice> slices) {
            if (slices.isEmpty()) {
                return List.of();
            }
            var ipv6 = config.ipFamily() == IpFamily.IPV6;
            var byHostPort = new LinkedHashMap<String, EndpointInfo>();
            for (var slice : slices) {
                for (var port : slice.ports()) {
                    if (port.name() == null || !port.name().equals(name.port()) || port.protocol() != name.protocol()
                            || port.port() == null || port.port() == 0) {
                        continue;
                    }
                    for (var ep : slice.endpoints()) {
                        if (ep.addresses().isEmpty()) {
                            continue;
                        }
                        var ip = ep.addresses().getFirst();
                        if ((ip.indexOf(':') >= 0) != ipv6 || IpAddress.parse(ip) == null) {
                            continue;
                        }
                        var local = !config.nodeName().isEmpty() && config.nodeName().equals(ep.nodeName());
                        var hostPort = EndpointInfo.hostPort(ip, port.port());
                        if (local || !byHostPort.containsKey(hostPort)) {
                            var c = ep.conditions();
                            var nodeHints = config.preferSameNodeHints() ? setOf(ep.hints().forNodes()) : Set.<String>of();
                            byHostPort.put(hostPort, new EndpointInfo(ip, port.port(), hostPort, local, c.isReady(),
                                    c.isServing(), c.isTerminating(), setOf(ep.hints().forZones()), nodeHints));
                        }
                    }
                }
            }
            var list = new ArrayList<>(byHostPort.values());
            list.sort(Comparator.comparing(EndpointInfo::hostPort));
            return list;
        }

        /** Set.copyOf builds a HashSet even for an empty list; most endpoints carry no hints. */
        private static Set<String> setOf(List<String> values) {
            return values.isEmpty() ? Set.of() : Set.copyOf(values);
        }

        private void writeServicePort(ServicePortInfo svc, List<EndpointInfo> endpoints, boolean write) {
            int dispatchStart = natRules.text.length();
            int dispatchCount = natRules.count;
            var name = svc.nameString();
            var proto = svc.protocol();
            var cat = EndpointCategories.of(endpoints, svc, config);
            sepNames.clear();

            var clusterPolicyChain = svc.clusterPolicyChain();
            var usesClusterPolicyChain = !cat.cluster().isEmpty() && svc.usesClusterEndpoints();
            var localPolicyChain = svc.localPolicyChain();
            var usesLocalPolicyChain = !cat.local().isEmpty() && svc.usesLocalEndpoints();

            var internalTrafficChain = clusterPolicyChain;
            var hasInternalEndpoints = cat.hasAny();
            if (svc.internalPolicyLocal()) {
                internalTrafficChain = localPolicyChain;
                hasInternalEndpoints = hasInternalEndpoints && !cat.local().isEmpty();
            }
            var externalPolicyChain = clusterPolicyChain;
            var hasExternalEndpoints = cat.hasAny();
            if (svc.externalPolicyLocal()) {
                externalPolicyChain = localPolicyChain;
                hasExternalEndpoints = hasExternalEndpoints && !cat.local().isEmpty();
            }
            var externalTrafficChain = svc.externalChain();
            // The EXT chain is needed even without local endpoints, for its short-circuit rules.
            var usesExternalTrafficChain = cat.hasAny() && svc.externallyAccessible();

            var loadBalancerTrafficChain = externalTrafficChain;
            var fwChain = svc.firewallChain();
            var usesFwChain = cat.hasAny() && !svc.loadBalancerVIPs().isEmpty()
                    && !svc.loadBalancerSourceRanges().isEmpty();
            if (usesFwChain) {
                loadBalancerTrafficChain = fwChain;
            }

            String internalFilterTarget = null, internalFilterComment = null;
            String externalFilterTarget = null, externalFilterComment = null;
            if (!cat.hasAny()) {
                internalFilterTarget = "REJECT";
                internalFilterComment = name + " has no endpoints";
                externalFilterTarget = "REJECT";
                externalFilterComment = internalFilterComment;
            } else {
                if (!hasInternalEndpoints) {
                    internalFilterTarget = "DROP";
                    internalFilterComment = name + " has no local endpoints";
                    noLocalInternal++;
                }
                if (!hasExternalEndpoints) {
                    externalFilterTarget = "DROP";
                    externalFilterComment = name + " has no local endpoints";
                    noLocalExternal++;
                }
            }

            // Cluster IP.
            if (hasInternalEndpoints) {
                natRules.rule(Chains.SERVICES).quotedComment(name + " cluster IP").proto(proto)
                        .a("-d").a(svc.clusterIP()).a("--dport").a(svc.port()).a("-j").a(internalTrafficChain).end();
            } else {
                filterRules.rule(Chains.SERVICES).quotedComment(internalFilterComment).proto(proto)
                        .a("-d").a(svc.clusterIP()).a("--dport").a(svc.port()).a("-j").a(internalFilterTarget).end();
            }

            // External IPs.
            for (var ip : svc.externalIPs()) {
                if (cat.hasAny()) {
                    natRules.rule(Chains.SERVICES).quotedComment(name + " external IP").proto(proto)
                            .a("-d").a(ip).a("--dport").a(svc.port()).a("-j").a(externalTrafficChain).end();
                }
                if (!hasExternalEndpoints) {
                    filterRules.rule(Chains.EXTERNAL_SERVICES).quotedComment(externalFilterComment).proto(proto)
                            .a("-d").a(ip).a("--dport").a(svc.port()).a("-j").a(externalFilterTarget).end();
                }
            }

            // Load-balancer ingress IPs.
            for (var ip : svc.loadBalancerVIPs()) {
                if (cat.hasAny()) {
                    natRules.rule(Chains.SERVICES).quotedComment(name + " loadbalancer IP").proto(proto)
                            .a("-d").a(ip).a("--dport").a(svc.port()).a("-j").a(loadBalancerTrafficChain).end();
                }
                if (usesFwChain) {
                    filterRules.rule(Chains.PROXY_FIREWALL)
                            .quotedComment(name + " traffic not accepted by " + fwChain).proto(proto)
                            .a("-d").a(ip).a("--dport").a(svc.port()).a("-j DROP").end();
                }
            }
            if (!hasExternalEndpoints) {
                for (var ip : svc.loadBalancerVIPs()) {
                    filterRules.rule(Chains.EXTERNAL_SERVICES).quotedComment(externalFilterComment).proto(proto)
                            .a("-d").a(ip).a("--dport").a(svc.port()).a("-j").a(externalFilterTarget).end();
                }
            }

            // NodePort. Source ranges do not apply to it, as in kube-proxy.
            if (svc.nodePort() != 0) {
                if (cat.hasAny()) {
                    natRules.rule(Chains.NODE_PORTS).comment(name).proto(proto)
                            .a("--dport").a(svc.nodePort()).a("-j").a(externalTrafficChain).end();
                }
                if (!hasExternalEndpoints) {
                    filterRules.rule(Chains.EXTERNAL_SERVICES).quotedComment(externalFilterComment)
                            .a("-m addrtype --dst-type LOCAL").proto(proto)
                            .a("--dport").a(svc.nodePort()).a("-j").a(externalFilterTarget).end();
                }
            }

            if (cache != null) {
                dispatch.append(natRules.text, dispatchStart, natRules.text.length());
            }
            dispatchRules += natRules.count - dispatchCount;

            // Health-check node port, accepted whether or not there are local endpoints.
            if (svc.healthCheckNodePort() != 0) {
                filterRules.rule(Chains.NODE_PORTS).quotedComment(name + " health check node port").proto("tcp")
                        .a("--dport").a(svc.healthCheckNodePort()).a("-j ACCEPT").end();
            }

            // Per-service chains: written only for changed services in a partial generation.
            var chains = write ? natChains : skippedNatChains;
            var rules = write ? natRules : skippedNatRules;
            int rulesBefore = rules.count;

            if (hasInternalEndpoints) {
                if (config.masqueradeAll()) {
                    rules.rule(internalTrafficChain).quotedComment(name + " cluster IP").proto(proto)
                            .a("-d").a(svc.clusterIP()).a("--dport").a(svc.port()).a("-j").a(Chains.MARK_MASQ).end();
                } else if (localCidr != null) {
                    // Off-cluster traffic to a cluster IP (e.g. via a static route to a node) may leave the node
                    // again towards the endpoint, so it must be masqueraded to come back the same way.
                    rules.rule(internalTrafficChain).quotedComment(name + " cluster IP").proto(proto)
                            .a("-d").a(svc.clusterIP()).a("--dport").a(svc.port())
                            .a("! -s").a(localCidr).a("-j").a(Chains.MARK_MASQ).end();
                }
            }

            if (usesExternalTrafficChain) {
                chains.chain(externalTrafficChain);
                activeNatChains.add(externalTrafficChain);
                if (!svc.externalPolicyLocal()) {
                    // Endpoints may be on other nodes: masquerade so replies come back through this node.
                    rules.rule(externalTrafficChain)
                            .quotedComment("masquerade traffic for " + name + " external destinations")
                            .a("-j").a(Chains.MARK_MASQ).end();
                } else {
                    if (localCidr != null) {
                        // Pods reaching an external address behave as if they went out and came back in:
                        // neither policy applies to them.
                        rules.rule(externalTrafficChain)
                                .quotedComment("pod traffic for " + name + " external destinations")
                                .a("-s").a(localCidr).a("-j").a(clusterPolicyChain).end();
                    }
                    // The host's own traffic takes the external IP as source, so it needs masquerading.
                    rules.rule(externalTrafficChain)
                            .quotedComment("masquerade LOCAL traffic for " + name + " external destinations")
                            .a("-m addrtype --src-type LOCAL -j").a(Chains.MARK_MASQ).end();
                    rules.rule(externalTrafficChain)
                            .quotedComment("route LOCAL traffic for " + name + " external destinations")
                            .a("-m addrtype --src-type LOCAL -j").a(clusterPolicyChain).end();
                }
                if (hasExternalEndpoints) {
                    rules.rule(externalTrafficChain).a("-j").a(externalPolicyChain).end();
                }
            }

            if (usesFwChain) {
                chains.chain(fwChain);
                activeNatChains.add(fwChain);
                boolean allowFromNode = false;
                for (var cidr : svc.loadBalancerSourceRanges()) {
                    rules.rule(fwChain).quotedComment(name + " loadbalancer IP").a("-s").a(cidr.toString())
                            .a("-j").a(externalTrafficChain).end();
                    for (var nodeIP : config.nodeIPs()) {
                        allowFromNode |= cidr.contains(nodeIP);
                    }
                }
                if (allowFromNode) {
                    // A node reaching an LB IP that is also bound locally loops back with the LB IP as source.
                    for (var ip : svc.loadBalancerVIPs()) {
                        rules.rule(fwChain).quotedComment(name + " loadbalancer IP").a("-s").a(ip)
                                .a("-j").a(externalTrafficChain).end();
                    }
                }
                // Whatever falls off this chain is not DNATed and meets KUBE-PROXY-FIREWALL's DROP.
                rules.rule(fwChain).quotedComment("other traffic to " + name + " will be dropped by KUBE-PROXY-FIREWALL")
                        .end();
            }

            if (usesClusterPolicyChain) {
                chains.chain(clusterPolicyChain);
                activeNatChains.add(clusterPolicyChain);
                writeEndpointDispatch(rules, svc, clusterPolicyChain, cat.cluster());
            }
            if (usesLocalPolicyChain) {
                chains.chain(localPolicyChain);
                activeNatChains.add(localPolicyChain);
                writeEndpointDispatch(rules, svc, localPolicyChain, cat.local());
            }

            for (var ep : cat.reachable()) {
                var sep = endpointChain(svc, ep);
                chains.chain(sep);
                activeNatChains.add(sep);
                // Hairpin: an endpoint reaching itself through the service must be masqueraded.
                rules.rule(sep);
                if (!largeClusterMode) {
                    rules.comment(name);
                }
                rules.a("-s").a(ep.ip()).a("-j").a(Chains.MARK_MASQ).end();
                rules.rule(sep);
                if (!largeClusterMode) {
                    rules.comment(name);
                }
                if (svc.affinity().clientIP()) {
                    rules.a("-m recent --name").a(sep).a("--set");
                }
                rules.proto(proto).a("-j DNAT --to-destination").a(ep.hostPort()).end();
            }

            chainRules += rules.count - rulesBefore;
            if (!write) {
                skippedNatChains.clear();
                skippedNatRules.clear();
            }
        }

        private void writeEndpointDispatch(Lines rules, ServicePortInfo svc, String chain, List<EndpointInfo> endpoints) {
            var name = svc.nameString();
            if (svc.affinity().clientIP()) {
                var seconds = svc.affinity().timeoutSeconds();
                for (var ep : endpoints) {
                    var sep = endpointChain(svc, ep);
                    rules.rule(chain);
                    if (!largeClusterMode) {
                        rules.arrowComment(name, ep.hostPort());
                    }
                    rules.a("-m recent --name").a(sep).a("--rcheck --seconds").a(seconds).a("--reap -j").a(sep).end();
                }
            }
            int n = endpoints.size();
            for (int i = 0; i < n; i++) {
                var ep = endpoints.get(i);
                rules.rule(chain);
                if (!largeClusterMode) {
                    rules.arrowComment(name, ep.hostPort());
                }
                if (i < n - 1) {
                    // Rule i takes 1/(n-i) of what the earlier rules left: every endpoint gets 1/n overall.
                    rules.a("-m statistic --mode random --probability").a(probability(n - i));
                }
                rules.a("-j").a(endpointChain(svc, ep)).end();
            }
        }

        private String endpointChain(ServicePortInfo svc, EndpointInfo ep) {
            return sepNames.computeIfAbsent(ep.hostPort(),
                    hostPort -> ChainNames.endpointChain(svc.nameString(), svc.protocol(), hostPort));
        }

        /** The last KUBE-SERVICES rule: anything else addressed to the node may be a NodePort. */
        private void writeNodePortsDispatch() {
            var comment = "kubernetes service nodeports; NOTE: this must be the last rule in this chain";
            var ipv6 = config.ipFamily() == IpFamily.IPV6;
            if (config.nodePortAddresses().isEmpty()) {
                natRules.rule(Chains.SERVICES).quotedComment(comment).a("-m addrtype --dst-type LOCAL");
                if (ipv6) {
                    natRules.a("! -d ::1/128");
                } else if (!config.effectiveLocalhostNodePorts()) {
                    natRules.a("! -d 127.0.0.0/8");
                }
                natRules.a("-j").a(Chains.NODE_PORTS).end();
                return;
            }
            for (var ip : config.nodePortAddresses()) {
                if (IpAddress.family(ip) != config.ipFamily()) {
                    continue;
                }
                if (NodeConfig.isLoopback(ip) && (ipv6 || !config.effectiveLocalhostNodePorts())) {
                    continue;
                }
                natRules.rule(Chains.SERVICES).quotedComment(comment).a("-d").a(IpAddress.canonical(ip))
                        .a("-j").a(Chains.NODE_PORTS).end();
            }
        }

        private void writeForward() {
            if (!config.conntrackTcpBeLiberal()) {
                // Without tcp_be_liberal, out-of-window packets are INVALID and would otherwise reset connections.
                filterRules.rule(Chains.FORWARD).a("-m conntrack --ctstate INVALID -j DROP").end();
            }
            filterRules.rule(Chains.FORWARD).quotedComment("kubernetes forwarding rules")
                    .a("-m mark --mark").a(masqMark + "/" + masqMark).a("-j ACCEPT").end();
            filterRules.rule(Chains.FORWARD).quotedComment("kubernetes forwarding conntrack rule")
                    .a("-m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT").end();
        }
    }
}
