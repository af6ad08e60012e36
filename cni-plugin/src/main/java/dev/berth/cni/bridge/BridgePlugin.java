package dev.berth.cni.bridge;

import dev.berth.cni.skel.CniArgs;
import dev.berth.cni.skel.Plugin;
import dev.berth.cni.skel.Request;
import dev.berth.cni.types.CniException;
import dev.berth.cni.types.CniRoute;
import dev.berth.cni.types.Interface;
import dev.berth.cni.types.IpConfig;
import dev.berth.cni.types.NetConf;
import dev.berth.cni.types.Result;
import dev.berth.linux.Errno;
import dev.berth.linux.IpNet;
import dev.berth.linux.LinuxException;
import dev.berth.linux.MacAddress;
import dev.berth.linux.NetNs;
import dev.berth.linux.NetlinkException;
import dev.berth.linux.Sysctl;
import dev.berth.linux.netlink.Address;
import dev.berth.linux.netlink.BridgeVlan;
import dev.berth.linux.netlink.Link;
import dev.berth.linux.netlink.Route;
import dev.berth.linux.netlink.Rtnetlink;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The bridge plugin: joins a container to a Linux bridge in the plugin's own ("host") namespace through
 * a veth pair whose container end is created directly inside the container's namespace, with addresses
 * from IPAM. Behaviour and configuration follow the reference {@code bridge} plugin. ADD parses
 * everything first, then acts, and undoes what it did when a later step fails.
 */
public final class BridgePlugin implements Plugin {
    private static final int AF_INET = 2;
    private static final int AF_INET6 = 10;
    /** The container interface's position in the result's interface list. */
    private static final int CONTAINER_INDEX = 2;

    @Override
    public Result add(Request request) {
        var conf = BridgeConf.parse(request.config());
        var env = request.environment();
        var args = CniArgs.parse(env.args(), Set.of(CniArgs.IP, CniArgs.MAC));
        var mac = containerMac(request.config(), conf, args);
        var ipam = Ipam.of(request);
        var undo = new ArrayDeque<Runnable>();
        try (var containerNs = openNetns(env.netns()); var host = Rtnetlink.open();
                var container = Rtnetlink.open(containerNs)) {
            try {
                return attach(request, conf, mac, ipam, containerNs, host, container, undo);
            } catch (RuntimeException e) {
                rollback(undo, e);
                throw e;
            }
        }
    }

    /**
     * The container interface's MAC as the reference picks it: {@code runtimeConfig.mac} over
     * {@code args.cni.mac} over {@code CNI_ARGS} {@code MAC=}; {@code null} lets the kernel choose. A
     * lower-precedence source is not even parsed when a higher one is given, as there.
     */
    static MacAddress containerMac(NetConf config, BridgeConf conf, CniArgs args) {
        if (config.runtimeConfig().mac() != null) {
            return config.runtimeConfig().mac();
        }
        if (conf.argsMac() != null) {
            return conf.argsMac();
        }
        return args.mac().orElse(null);
    }

    private Result attach(Request request, BridgeConf conf, MacAddress mac, Ipam ipam, NetNs containerNs,
            Rtnetlink host, Rtnetlink container, Deque<Runnable> undo) {
        var env = request.environment();
        var bridge = ensureBridge(host, conf);
        if (container.findLink(env.ifName()).isPresent()) {
            throw new CniException(CniException.INTERNAL, "container veth name provided (" + env.ifName() + ") already exists");
        }
        var hostName = createVeth(host, env.ifName(), conf.mtu(), containerNs, mac);
        undo.push(() -> host.deleteLink(hostName));
        var hostVeth = host.link(hostName);
        host.setMaster(hostVeth.index(), bridge.index());
        if (conf.hairpinMode()) {
            host.setHairpin(hostVeth.index(), true);
        }
        if (conf.portIsolation()) {
            host.setIsolated(hostVeth.index(), true);
        }
        configurePortVlans(host, hostVeth, conf.vlan(), conf.vlanTrunk(), conf.preserveDefaultVlan());
        host.setUp(hostVeth.index(), true);
        var containerVeth = container.link(env.ifName());

        var result = new Result(List.of(), List.of(), List.of(), request.config().dns());
        if (ipam != null) {
            var allocated = ipam.add();
            undo.push(ipam::del);
            if (allocated.ips().isEmpty()) {
                throw new CniException(CniException.INTERNAL, "IPAM plugin returned missing IP config");
            }
            result = withGateways(allocated, conf);
        }
        if (!conf.disableContainerInterface()) {
            configureContainer(containerNs, container, containerVeth, result, conf);
        }
        Link vlanGateway = null;
        if (conf.isGateway()) {
            for (var ip : result.ips()) {
                if (ip.gateway() == null) {
                    continue;
                }
                // With a VLAN the gateway must sit in that VLAN: on "<bridge>.<vid>", a veth whose peer is an access port.
                var target = bridge;
                if (conf.vlan() != 0) {
                    if (vlanGateway == null) {
                        vlanGateway = ensureVlanGateway(host, bridge, conf, undo);
                    }
                    target = vlanGateway;
                }
                ensureAddress(host, target, new IpNet(ip.gateway(), ip.address().prefixLength()), conf.forceAddress());
            }
            enableForwarding(result.ips());
        }
        if (conf.ipMasq()) {
            var network = request.config().name();
            var containerId = env.containerId();
            undo.push(() -> IpMasq.teardown(network, containerId));
            IpMasq.setup(result.ips().stream().map(IpConfig::address).toList(), network, containerId);
        }
        // The bridge's MAC can change when a port joins or an address is set; report the final one.
        bridge = host.link(bridge.index());
        hostVeth = host.link(hostVeth.index());
        containerVeth = container.link(containerVeth.index());
        var interfaces = new ArrayList<>(List.of(
                new Interface(bridge.name(), text(bridge.mac()), 0, "", "", ""),
                new Interface(hostVeth.name(), text(hostVeth.mac()), 0, "", "", ""),
                new Interface(containerVeth.name(), text(containerVeth.mac()), 0, env.netns(), "", "")));
        if (vlanGateway != null) {
            vlanGateway = host.link(vlanGateway.index());
            interfaces.add(new Interface(vlanGateway.name(), text(vlanGateway.mac()), 0, "", "", ""));
        }
        var dns = request.config().dns().isEmpty() ? result.dns() : request.config().dns();
        return new Result(interfaces, result.ips(), result.routes(), dns);
    }

    /**
     * Puts a bridge port in its VLANs as the reference does: without {@code preserveDefaultVlan} the VLANs
     * the port got on joining (the bridge's default PVID) go first; {@code vlan} is added as PVID and
     * untagged (an access port), each trunk VLAN tagged.
     */
    private static void configurePortVlans(Rtnetlink host, Link port, int vlan, List<Integer> trunk, boolean preserveDefault) {
        var vids = trunk == null ? List.<Integer>of() : trunk;
        if (vlan == 0 && vids.isEmpty()) {
            return;
        }
        try {
            if (!preserveDefault) {
                for (var existing : host.bridgeVlans(port.index())) {
                    host.deleteBridgeVlan(port.index(), existing.vid(), false);
                }
            }
            if (vlan != 0) {
                host.addBridgeVlan(port.index(), BridgeVlan.access(vlan), false);
            }
            for (var vid : vids) {
                host.addBridgeVlan(port.index(), BridgeVlan.tagged(vid), false);
            }
        } catch (NetlinkException e) {
            throw new CniException(CniException.INTERNAL, "failed to setup vlan tag on interface \"" + port.name() + "\": "
                    + e.getMessage());
        }
    }

    /**
     * The gateway interface of a VLAN, {@code <bridge>.<vid>} in the host namespace: one end of a veth
     * pair whose other end is an access port of the VLAN. Shared by every pod of the VLAN, so it is made
     * once and left in place by DEL; an ADD that made it and then fails removes it again.
     */
    private static Link ensureVlanGateway(Rtnetlink host, Link bridge, BridgeConf conf, Deque<Runnable> undo) {
        var name = bridge.name() + "." + conf.vlan();
        var existing = host.findLink(name);
        if (existing.isPresent()) {
            return existing.get();
        }
        var mtu = host.link(bridge.index()).mtu();
        String portName;
        try {
            portName = createVeth(host, name, mtu, null, null);
        } catch (CniException e) {
            throw new CniException(CniException.INTERNAL, "failed to create vlan interface: " + e.getMessage());
        }
        undo.push(() -> host.deleteLink(portName));
        var port = host.link(portName);
        host.setMaster(port.index(), bridge.index());
        configurePortVlans(host, port, conf.vlan(), null, conf.preserveDefaultVlan());
        host.setUp(port.index(), true);
        var gateway = host.link(name);
        host.setUp(gateway.index(), true);
        return gateway;
    }

    /** Gateways as the reference fills them: the subnet's first address when IPAM gave none; default routes. */
    private static Result withGateways(Result allocated, BridgeConf conf) {
        var ips = new ArrayList<IpConfig>();
        var routes = new ArrayList<>(allocated.routes());
        boolean v4Default = false;
        boolean v6Default = false;
        for (var ip : allocated.ips()) {
            var gateway = ip.gateway();
            if (gateway == null && conf.isGateway()) {
                gateway = next(ip.address().network().address());
            }
            ips.add(new IpConfig(CONTAINER_INDEX, ip.address(), gateway));
            if (conf.isDefaultGateway() && gateway != null) {
                boolean v4 = ip.address().isIpv4();
                var defaultNet = IpNet.parse(v4 ? "0.0.0.0/0" : "::/0");
                boolean present = routes.stream().anyMatch(r -> r.dst().equals(defaultNet));
                if (!present && !(v4 ? v4Default : v6Default)) {
                    routes.add(CniRoute.of(defaultNet, gateway));
                }
                if (v4) {
                    v4Default = true;
                } else {
                    v6Default = true;
                }
            }
        }
        return new Result(allocated.interfaces(), ips, routes, allocated.dns());
    }

    private static InetAddress next(InetAddress address) {
        var bytes = address.getAddress();
        for (int i = bytes.length - 1; i >= 0; i--) {
            if (++bytes[i] != 0) {
                break;
            }
        }
        try {
            return InetAddress.getByAddress(bytes);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Link ensureBridge(Rtnetlink host, BridgeConf conf) {
        var existing = host.findLink(conf.bridge());
        if (existing.isEmpty()) {
            try {
                host.createBridge(conf.bridge(), conf.mtu(), conf.vlanFiltering());
            } catch (NetlinkException e) {
                // Another ADD may have created it between our look and our request.
                if (e.errno() != Errno.EEXIST) {
                    throw new CniException(CniException.INTERNAL, "could not add \"" + conf.bridge() + "\": " + e.getMessage());
                }
            }
        }
        var bridge = host.link(conf.bridge());
        if (!"bridge".equals(bridge.kind())) {
            throw new CniException(CniException.INTERNAL, "\"" + conf.bridge() + "\" already exists but is not a bridge");
        }
        if (conf.promiscMode() && !bridge.promiscuous()) {
            host.setPromiscuous(bridge.index(), true);
        }
        if (!bridge.up()) {
            host.setUp(bridge.index(), true);
        }
        return bridge;
    }

    /** Creates the pair with a fresh random host name; returns that name. */
    private static String createVeth(Rtnetlink host, String ifName, int mtu, NetNs containerNs, MacAddress mac) {
        for (int attempt = 0; ; attempt++) {
            var bytes = new byte[4];
            ThreadLocalRandom.current().nextBytes(bytes);
            var name = "veth" + HexFormat.of().formatHex(bytes);
            try {
                host.createVeth(name, ifName, mtu, containerNs, mac);
                return name;
            } catch (NetlinkException e) {
                if (e.errno() != Errno.EEXIST || attempt >= 10) {
                    throw new CniException(CniException.INTERNAL, "failed to create veth for " + ifName + ": " + e.getMessage());
                }
            }
        }
    }

    private static void configureContainer(NetNs containerNs, Rtnetlink container, Link link, Result result, BridgeConf conf) {
        boolean hasV6 = result.ips().stream().anyMatch(ip -> !ip.address().isIpv4());
        if (hasV6 && !conf.enableDad()) {
            // The address is unique by allocation; DAD would only delay it by seconds.
            Sysctl.write(containerNs, "net/ipv6/conf/" + link.name() + "/accept_dad", "0");
        }
        container.setUp(link.index(), true);
        InetAddress v4Gateway = null;
        InetAddress v6Gateway = null;
        for (var ip : result.ips()) {
            container.addAddress(Address.of(link.index(), ip.address()));
            if (ip.address().isIpv4() && v4Gateway == null) {
                v4Gateway = ip.gateway();
            } else if (!ip.address().isIpv4() && v6Gateway == null) {
                v6Gateway = ip.gateway();
            }
        }
        for (var route : result.routes()) {
            var gateway = route.gw() != null ? route.gw() : route.dst().isIpv4() ? v4Gateway : v6Gateway;
            var kernelRoute = Route.unicast(route.dst(), gateway, link.index());
            container.addRoute(route.priority() > 0 ? kernelRoute.withPriority(route.priority()) : kernelRoute);
        }
    }

    private static void ensureAddress(Rtnetlink host, Link bridge, IpNet gateway, boolean force) {
        int family = gateway.isIpv4() ? AF_INET : AF_INET6;
        for (var existing : host.addresses(family, bridge.index())) {
            var address = existing.address();
            if (address.equals(gateway)) {
                return;
            }
            if (gateway.isIpv4() || address.contains(gateway.address()) || gateway.contains(address.address())) {
                if (!force) {
                    throw new CniException(CniException.INTERNAL, "\"" + bridge.name()
                            + "\" already has an IP address different from " + gateway);
                }
                host.deleteAddress(existing);
            }
        }
        try {
            host.addAddress(Address.of(bridge.index(), gateway));
        } catch (NetlinkException e) {
            if (e.errno() != Errno.EEXIST) {
                throw new CniException(CniException.INTERNAL, "could not add IP address to \"" + bridge.name() + "\": " + e.getMessage());
            }
        }
        // Pin the bridge's MAC so it stops following the lowest port address as pods come and go.
        var current = host.link(bridge.index());
        if (current.mac() != null) {
            host.setMac(current.index(), current.mac());
        }
    }

    private static void enableForwarding(List<IpConfig> ips) {
        if (ips.stream().anyMatch(ip -> ip.address().isIpv4())) {
            writeIfDifferent("net/ipv4/ip_forward");
        }
        if (ips.stream().anyMatch(ip -> !ip.address().isIpv4())) {
            writeIfDifferent("net/ipv6/conf/all/forwarding");
        }
    }

    private static void writeIfDifferent(String key) {
        if (!Sysctl.readHere(key).equals("1")) {
            Sysctl.writeHere(key, "1");
        }
    }

    private static void rollback(Deque<Runnable> undo, RuntimeException failure) {
        while (!undo.isEmpty()) {
            try {
                undo.pop().run();
            } catch (RuntimeException e) {
                failure.addSuppressed(e);
            }
        }
    }

    private static NetNs openNetns(String path) {
        try {
            return NetNs.open(Path.of(path));
        } catch (LinuxException e) {
            throw new CniException(CniException.INTERNAL, "failed to open netns \"" + path + "\": " + e.getMessage());
        }
    }

    private static String text(MacAddress mac) {
        return mac == null ? "" : mac.toString();
    }

    @Override
    public void del(Request request) {
        var conf = BridgeConf.parse(request.config());
        var env = request.environment();
        var ipam = Ipam.of(request);
        if (ipam != null) {
            ipam.del();
        }
        if (conf.ipMasq()) {
            IpMasq.teardown(request.config().name(), env.containerId());
        }
        if (env.netns().isEmpty()) {
            return;
        }
        NetNs containerNs;
        try {
            containerNs = NetNs.open(Path.of(env.netns()));
        } catch (LinuxException e) {
            if (e.errno() == Errno.ENOENT) {
                return; // The runtime removed the namespace already: the veth went with it.
            }
            throw new CniException(CniException.INTERNAL, "failed to open netns \"" + env.netns() + "\": " + e.getMessage());
        }
        try (containerNs; var container = Rtnetlink.open(containerNs)) {
            var link = container.findLink(env.ifName());
            if (link.isPresent()) {
                try {
                    container.deleteLink(link.get().index());
                } catch (NetlinkException e) {
                    if (e.errno() != Errno.ENODEV) {
                        throw e;
                    }
                }
            }
        }
    }

    @Override
    public void check(Request request) {
        var conf = BridgeConf.parse(request.config());
        var env = request.environment();
        var previous = request.config().prevResult();
        if (previous == null) {
            throw new CniException(CniException.INVALID_NETWORK_CONFIG, "Required prevResult missing");
        }
        var ipam = Ipam.of(request);
        if (ipam != null) {
            ipam.check();
        }
        try (var containerNs = openNetns(env.netns()); var host = Rtnetlink.open();
                var container = Rtnetlink.open(containerNs)) {
            var bridge = host.findLink(conf.bridge()).orElseThrow(() -> new CniException(CniException.INTERNAL,
                    "bridge \"" + conf.bridge() + "\" not found"));
            if (!"bridge".equals(bridge.kind())) {
                throw new CniException(CniException.INTERNAL, "\"" + conf.bridge() + "\" is not a bridge");
            }
            int containerIndex = -1;
            for (int i = 0; i < previous.interfaces().size(); i++) {
                var candidate = previous.interfaces().get(i);
                if (candidate.name().equals(env.ifName()) && candidate.sandbox().equals(env.netns())) {
                    containerIndex = i;
                }
            }
            if (containerIndex < 0) {
                throw new CniException(CniException.INTERNAL, "expected interface " + env.ifName() + " in " + env.netns()
                        + " is missing from prevResult");
            }
            var expected = previous.interfaces().get(containerIndex);
            var link = container.findLink(env.ifName()).orElseThrow(() -> new CniException(CniException.INTERNAL,
                    "container interface " + env.ifName() + " not found in " + env.netns()));
            if (!expected.mac().isEmpty() && link.mac() != null && !expected.mac().equalsIgnoreCase(link.mac().toString())) {
                throw new CniException(CniException.INTERNAL, "interface " + env.ifName() + " has MAC " + link.mac()
                        + ", expected " + expected.mac());
            }
            // Every host-side interface must exist; the one peered with the container's is the pod's port
            // (others, such as a VLAN's gateway "<bridge>.<vid>", are not ports themselves).
            Link hostVeth = null;
            for (var candidate : previous.interfaces()) {
                if (candidate.sandbox().isEmpty() && !candidate.name().equals(conf.bridge())) {
                    var hostLink = host.findLink(candidate.name()).orElseThrow(() -> new CniException(CniException.INTERNAL,
                            "host interface " + candidate.name() + " not found"));
                    if (hostLink.index() == link.linkIndex()) {
                        if (hostLink.masterIndex() != bridge.index()) {
                            throw new CniException(CniException.INTERNAL, "interface " + candidate.name()
                                    + " is not attached to bridge " + conf.bridge());
                        }
                        hostVeth = hostLink;
                    }
                }
            }
            if (hostVeth == null) {
                throw new CniException(CniException.INTERNAL, "CNI veth created for bridge " + conf.bridge() + " was not found");
            }
            checkPortVlans(host, hostVeth, conf);
            int family = 0;
            var present = container.addresses(family, link.index()).stream().map(Address::address).toList();
            for (var ip : previous.ips()) {
                if (ip.interfaceIndex() != null && ip.interfaceIndex() == containerIndex && !present.contains(ip.address())) {
                    throw new CniException(CniException.INTERNAL, "expected address " + ip.address() + " not found on "
                            + env.ifName() + " (has " + present + ")");
                }
            }
            var routes = new ArrayList<Route>();
            routes.addAll(container.mainRoutes(AF_INET));
            routes.addAll(container.mainRoutes(AF_INET6));
            for (var route : previous.routes()) {
                boolean found = routes.stream().anyMatch(r -> r.destination().equals(route.dst().network())
                        && (route.gw() == null || route.gw().equals(r.gateway())));
                if (!found) {
                    throw new CniException(CniException.INTERNAL, "expected route " + route.dst() + " not found in " + env.netns());
                }
            }
        }
    }

    /** The pod's port still carries the VLANs ADD gave it. */
    private static void checkPortVlans(Rtnetlink host, Link port, BridgeConf conf) {
        if (!conf.hasPortVlans()) {
            return;
        }
        var present = host.bridgeVlans(port.index());
        var expected = new ArrayList<BridgeVlan>();
        if (conf.vlan() != 0) {
            expected.add(BridgeVlan.access(conf.vlan()));
        }
        if (conf.vlanTrunk() != null) {
            conf.vlanTrunk().forEach(vid -> expected.add(BridgeVlan.tagged(vid)));
        }
        for (var vlan : expected) {
            if (!present.contains(vlan)) {
                throw new CniException(CniException.INTERNAL, "interface " + port.name() + " lacks VLAN " + vlan
                        + " (has " + present + ")");
            }
        }
    }

    @Override
    public void status(Request request) {
        BridgeConf.parse(request.config());
        var ipam = Ipam.of(request);
        if (ipam != null) {
            ipam.status();
        }
    }

    @Override
    public void gc(Request request) {
        BridgeConf.parse(request.config());
        var ipam = Ipam.of(request);
        if (ipam != null) {
            ipam.gc();
        }
    }
}
