package dev.berth.linux.netlink;

import dev.berth.linux.IpNet;
import dev.berth.linux.MacAddress;
import dev.berth.linux.NetNs;
import dev.berth.linux.NetlinkException;
import dev.berth.linux.Syscalls;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * An rtnetlink client for one network namespace: links (bridge, veth, up/down, MTU, MAC, master,
 * promiscuity, bridge-port hairpin and isolation, bridge VLAN filtering and VLANs), addresses and routes. Kernel errors arrive as
 * {@link NetlinkException} naming the request and the errno ({@code EEXIST}, {@code ENODEV}, ...).
 *
 * <p>The client works on the namespace its socket was opened in, whatever thread later uses it, so
 * {@link #open(NetNs)} is all it takes to work inside a container's namespace.
 */
public final class Rtnetlink implements AutoCloseable {
    private static final int CREATE = Rt.NLM_F_REQUEST | Rt.NLM_F_ACK | Rt.NLM_F_CREATE | Rt.NLM_F_EXCL;
    private static final int CHANGE = Rt.NLM_F_REQUEST | Rt.NLM_F_ACK;
    private static final int DUMP = Rt.NLM_F_REQUEST | Rt.NLM_F_DUMP;

    private final NetlinkSocket socket;

    private Rtnetlink(NetlinkSocket socket) {
        this.socket = socket;
    }

    /** A client for the calling thread's namespace. */
    public static Rtnetlink open() {
        return new Rtnetlink(NetlinkSocket.open());
    }

    /** A client for {@code ns}: its socket is opened on a thread inside it. */
    public static Rtnetlink open(NetNs ns) {
        return new Rtnetlink(ns.apply(NetlinkSocket::open));
    }

    // ---- links ----

    /** Creates a bridge; {@code mtu} 0 keeps the kernel default. */
    public void createBridge(String name, int mtu) {
        createBridge(name, mtu, false);
    }

    /** Creates a bridge, with VLAN filtering on when asked ({@code IFLA_BR_VLAN_FILTERING}). */
    public void createBridge(String name, int mtu, boolean vlanFiltering) {
        var message = new MessageWriter(Rt.RTM_NEWLINK, CREATE).ifinfomsg(Syscalls.AF_UNSPEC, 0, 0, 0)
                .attrString(Rt.IFLA_IFNAME, name);
        if (mtu > 0) {
            message.attrU32(Rt.IFLA_MTU, mtu);
        }
        int info = message.begin(Rt.IFLA_LINKINFO);
        message.attrString(Rt.IFLA_INFO_KIND, "bridge");
        if (vlanFiltering) {
            int data = message.begin(Rt.IFLA_INFO_DATA);
            message.attrU8(Rt.IFLA_BR_VLAN_FILTERING, 1);
            message.end(data);
        }
        message.end(info);
        socket.execute(message, "add link " + name + " (bridge" + (vlanFiltering ? ", vlan_filtering 1" : "") + ")");
    }

    /** Switches VLAN filtering of an existing bridge on or off. */
    public void setVlanFiltering(int bridgeIndex, boolean on) {
        // Kind-specific data is applied by RTM_NEWLINK on an existing index (changelink); RTM_SETLINK ignores it.
        var message = new MessageWriter(Rt.RTM_NEWLINK, CHANGE).ifinfomsg(Syscalls.AF_UNSPEC, bridgeIndex, 0, 0);
        int info = message.begin(Rt.IFLA_LINKINFO);
        message.attrString(Rt.IFLA_INFO_KIND, "bridge");
        int data = message.begin(Rt.IFLA_INFO_DATA);
        message.attrU8(Rt.IFLA_BR_VLAN_FILTERING, on ? 1 : 0);
        message.end(data).end(info);
        socket.execute(message, "set bridge #" + bridgeIndex + " vlan_filtering " + (on ? 1 : 0));
    }

    /**
     * Creates a veth pair in this namespace whose peer is created directly in {@code peerNs} (or here when
     * {@code null}), so it never appears where it does not belong. {@code mtu} 0 keeps the default;
     * {@code peerMac} {@code null} lets the kernel choose.
     */
    public void createVeth(String name, String peerName, int mtu, NetNs peerNs, MacAddress peerMac) {
        var message = new MessageWriter(Rt.RTM_NEWLINK, CREATE).ifinfomsg(Syscalls.AF_UNSPEC, 0, 0, 0)
                .attrString(Rt.IFLA_IFNAME, name);
        if (mtu > 0) {
            message.attrU32(Rt.IFLA_MTU, mtu);
        }
        int info = message.begin(Rt.IFLA_LINKINFO);
        message.attrString(Rt.IFLA_INFO_KIND, "veth");
        int data = message.begin(Rt.IFLA_INFO_DATA);
        int peer = message.begin(Rt.VETH_INFO_PEER);
        message.raw(new byte[Rt.IFINFOMSG_LEN]);
        message.attrString(Rt.IFLA_IFNAME, peerName);
        if (mtu > 0) {
            message.attrU32(Rt.IFLA_MTU, mtu);
        }
        if (peerMac != null) {
            message.attr(Rt.IFLA_ADDRESS, peerMac.bytes());
        }
        if (peerNs != null) {
            message.attrU32(Rt.IFLA_NET_NS_FD, peerNs.fd());
        }
        message.end(peer).end(data).end(info);
        socket.execute(message, "add link " + name + " (veth, peer " + peerName
                + (peerNs != null ? " in " + peerNs.path() : "") + ")");
    }

    /** Deletes a link by name. */
    public void deleteLink(String name) {
        var message = new MessageWriter(Rt.RTM_DELLINK, CHANGE).ifinfomsg(Syscalls.AF_UNSPEC, 0, 0, 0)
                .attrString(Rt.IFLA_IFNAME, name);
        socket.execute(message, "delete link " + name);
    }

    /** Deletes a link by index. */
    public void deleteLink(int index) {
        var message = new MessageWriter(Rt.RTM_DELLINK, CHANGE).ifinfomsg(Syscalls.AF_UNSPEC, index, 0, 0);
        socket.execute(message, "delete link #" + index);
    }

    /** Every link in the namespace. */
    public List<Link> links() {
        var message = new MessageWriter(Rt.RTM_GETLINK, DUMP).ifinfomsg(Syscalls.AF_UNSPEC, 0, 0, 0);
        var links = new ArrayList<Link>();
        for (var reply : socket.dump(message, "list links")) {
            if (reply.type() == Rt.RTM_NEWLINK) {
                links.add(parseLink(reply.payload()));
            }
        }
        return links;
    }

    /** The link named {@code name}; throws {@link NetlinkException} ENODEV if there is none. */
    public Link link(String name) {
        var message = new MessageWriter(Rt.RTM_GETLINK, Rt.NLM_F_REQUEST).ifinfomsg(Syscalls.AF_UNSPEC, 0, 0, 0)
                .attrString(Rt.IFLA_IFNAME, name);
        return parseLink(socket.get(message, "get link " + name));
    }

    /** The link with {@code index}; throws {@link NetlinkException} ENODEV if there is none. */
    public Link link(int index) {
        var message = new MessageWriter(Rt.RTM_GETLINK, Rt.NLM_F_REQUEST).ifinfomsg(Syscalls.AF_UNSPEC, index, 0, 0);
        return parseLink(socket.get(message, "get link #" + index));
    }

    /** The link named {@code name}, or empty when it does not exist. */
    public Optional<Link> findLink(String name) {
        try {
            return Optional.of(link(name));
        } catch (NetlinkException e) {
            if (e.errno() == dev.berth.linux.Errno.ENODEV) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /** Sets the link administratively up or down. */
    public void setUp(int index, boolean up) {
        setFlags(index, up ? Rt.IFF_UP : 0, Rt.IFF_UP, "set link #" + index + (up ? " up" : " down"));
    }

    /** Turns promiscuous mode on or off. */
    public void setPromiscuous(int index, boolean on) {
        setFlags(index, on ? Rt.IFF_PROMISC : 0, Rt.IFF_PROMISC, "set link #" + index + " promisc " + (on ? "on" : "off"));
    }

    private void setFlags(int index, int flags, int change, String operation) {
        var message = new MessageWriter(Rt.RTM_SETLINK, CHANGE).ifinfomsg(Syscalls.AF_UNSPEC, index, flags, change);
        socket.execute(message, operation);
    }

    public void setMtu(int index, int mtu) {
        var message = new MessageWriter(Rt.RTM_SETLINK, CHANGE).ifinfomsg(Syscalls.AF_UNSPEC, index, 0, 0)
                .attrU32(Rt.IFLA_MTU, mtu);
        socket.execute(message, "set link #" + index + " mtu " + mtu);
    }

    public void setMac(int index, MacAddress mac) {
        var message = new MessageWriter(Rt.RTM_SETLINK, CHANGE).ifinfomsg(Syscalls.AF_UNSPEC, index, 0, 0)
                .attr(Rt.IFLA_ADDRESS, mac.bytes());
        socket.execute(message, "set link #" + index + " address " + mac);
    }

    /** Enslaves the link to {@code masterIndex}; 0 releases it. */
    public void setMaster(int index, int masterIndex) {
        var message = new MessageWriter(Rt.RTM_SETLINK, CHANGE).ifinfomsg(Syscalls.AF_UNSPEC, index, 0, 0)
                .attrU32(Rt.IFLA_MASTER, masterIndex);
        socket.execute(message, "set link #" + index + (masterIndex == 0 ? " nomaster" : " master #" + masterIndex));
    }

    /** Moves the link into another namespace. */
    public void moveTo(int index, NetNs ns) {
        var message = new MessageWriter(Rt.RTM_SETLINK, CHANGE).ifinfomsg(Syscalls.AF_UNSPEC, index, 0, 0)
                .attrU32(Rt.IFLA_NET_NS_FD, ns.fd());
        socket.execute(message, "set link #" + index + " netns " + ns.path());
    }

    /** Bridge-port hairpin mode ({@code IFLA_BRPORT_MODE}); the link must be enslaved to a bridge. */
    public void setHairpin(int index, boolean on) {
        setBridgePort(index, Rt.IFLA_BRPORT_MODE, on, "set bridge port #" + index + " hairpin " + (on ? "on" : "off"));
    }

    /** Bridge-port isolation ({@code IFLA_BRPORT_ISOLATED}); the link must be enslaved to a bridge. */
    public void setIsolated(int index, boolean on) {
        setBridgePort(index, Rt.IFLA_BRPORT_ISOLATED, on, "set bridge port #" + index + " isolated " + (on ? "on" : "off"));
    }

    private void setBridgePort(int index, int attribute, boolean on, String operation) {
        // AF_BRIDGE routes the request to the bridge driver; the nested flag marks the new-style protinfo.
        var message = new MessageWriter(Rt.RTM_SETLINK, CHANGE).ifinfomsg(Syscalls.AF_BRIDGE, index, 0, 0);
        int protinfo = message.begin(Rt.IFLA_PROTINFO);
        message.attrU8(attribute, on ? 1 : 0);
        message.end(protinfo);
        socket.execute(message, operation);
    }

    // ---- bridge VLANs ----

    /**
     * Adds {@code vlan} to a bridge port, or to the bridge device itself when {@code index} is the bridge
     * ({@code self}); adding a VLAN that exists replaces its flags, and a new PVID takes over from the old.
     */
    public void addBridgeVlan(int index, BridgeVlan vlan, boolean self) {
        socket.execute(bridgeVlanMessage(Rt.RTM_SETLINK, index, vlan, self),
                "add bridge vlan " + vlan + " on #" + index + (self ? " self" : ""));
    }

    /** Removes VLAN {@code vid} from a bridge port, or from the bridge device itself ({@code self}). */
    public void deleteBridgeVlan(int index, int vid, boolean self) {
        socket.execute(bridgeVlanMessage(Rt.RTM_DELLINK, index, new BridgeVlan(vid, false, false), self),
                "delete bridge vlan " + vid + " on #" + index + (self ? " self" : ""));
    }

    static MessageWriter bridgeVlanMessage(int type, int index, BridgeVlan vlan, boolean self) {
        // AF_BRIDGE sends the request to the bridge driver; MASTER means "the port's bridge", SELF the device.
        var message = new MessageWriter(type, CHANGE).ifinfomsg(Syscalls.AF_BRIDGE, index, 0, 0);
        int spec = message.begin(Rt.IFLA_AF_SPEC);
        message.attrU16(Rt.IFLA_BRIDGE_FLAGS, self ? Rt.BRIDGE_FLAGS_SELF : Rt.BRIDGE_FLAGS_MASTER);
        var info = ByteBuffer.allocate(Rt.BRIDGE_VLAN_INFO_LEN).order(ByteOrder.nativeOrder())
                .putShort((short) vlan.flags()).putShort((short) vlan.vid());
        message.attr(Rt.IFLA_BRIDGE_VLAN_INFO, info.array());
        return message.end(spec);
    }

    /** The VLANs of every bridge and bridge port in the namespace, by interface index. */
    public Map<Integer, List<BridgeVlan>> bridgeVlans() {
        var message = new MessageWriter(Rt.RTM_GETLINK, DUMP).ifinfomsg(Syscalls.AF_BRIDGE, 0, 0, 0)
                .attrU32(Rt.IFLA_EXT_MASK, Rt.RTEXT_FILTER_BRVLAN);
        var vlans = new TreeMap<Integer, List<BridgeVlan>>();
        for (var reply : socket.dump(message, "list bridge vlans")) {
            if (reply.type() == Rt.RTM_NEWLINK) {
                int index = reply.payload().order(ByteOrder.nativeOrder()).getInt(4);
                vlans.put(index, parseBridgeVlans(reply.payload()));
            }
        }
        return vlans;
    }

    /** The VLANs of one bridge port or bridge, empty when it has none or is neither. */
    public List<BridgeVlan> bridgeVlans(int index) {
        return bridgeVlans().getOrDefault(index, List.of());
    }

    static List<BridgeVlan> parseBridgeVlans(ByteBuffer payload) {
        var attributes = Attributes.parse(payload.duplicate().position(Rt.IFINFOMSG_LEN));
        var vlans = new ArrayList<BridgeVlan>();
        for (var info : attributes.nested(Rt.IFLA_AF_SPEC).every(Rt.IFLA_BRIDGE_VLAN_INFO)) {
            if (info.remaining() >= Rt.BRIDGE_VLAN_INFO_LEN) {
                int flags = Short.toUnsignedInt(info.getShort(0));
                int vid = Short.toUnsignedInt(info.getShort(2));
                vlans.add(new BridgeVlan(vid, (flags & Rt.BRIDGE_VLAN_INFO_PVID) != 0,
                        (flags & Rt.BRIDGE_VLAN_INFO_UNTAGGED) != 0));
            }
        }
        return vlans;
    }

    static Link parseLink(ByteBuffer payload) {
        var header = payload.duplicate().order(ByteOrder.nativeOrder());
        int index = header.getInt(4);
        int flags = header.getInt(8);
        var attributes = Attributes.parse(payload.duplicate().position(Rt.IFINFOMSG_LEN));
        var macBytes = attributes.bytes(Rt.IFLA_ADDRESS);
        var info = attributes.nested(Rt.IFLA_LINKINFO);
        BridgePort port = null;
        if ("bridge".equals(info.string(Rt.IFLA_INFO_SLAVE_KIND))) {
            var data = info.nested(Rt.IFLA_INFO_SLAVE_DATA);
            port = new BridgePort(data.u8(Rt.IFLA_BRPORT_MODE, 0) != 0, data.u8(Rt.IFLA_BRPORT_ISOLATED, 0) != 0);
        }
        var kind = info.string(Rt.IFLA_INFO_KIND);
        var bridge = "bridge".equals(kind)
                ? new BridgeSettings(info.nested(Rt.IFLA_INFO_DATA).u8(Rt.IFLA_BR_VLAN_FILTERING, 0) != 0) : null;
        return new Link(index, attributes.string(Rt.IFLA_IFNAME), flags, attributes.u32(Rt.IFLA_MTU, 0),
                macBytes != null && macBytes.length == 6 ? MacAddress.of(macBytes) : null,
                OperState.of(attributes.u8(Rt.IFLA_OPERSTATE, 0)), attributes.u32(Rt.IFLA_MASTER, 0),
                kind, attributes.u32(Rt.IFLA_LINK, 0), port, bridge);
    }

    // ---- addresses ----

    /** Adds an address; IPv4 prefixes shorter than /31 get their broadcast address, as iproute2's "brd +". */
    public void addAddress(Address address) {
        var net = address.address();
        var bytes = net.address().getAddress();
        var message = new MessageWriter(Rt.RTM_NEWADDR, CREATE)
                .ifaddrmsg(family(net.address()), net.prefixLength(), 0, address.scope(), address.linkIndex())
                .attr(Rt.IFA_LOCAL, bytes)
                .attr(Rt.IFA_ADDRESS, bytes);
        if (net.isIpv4() && net.prefixLength() < 31) {
            message.attr(Rt.IFA_BROADCAST, net.broadcast().getAddress());
        }
        if (address.flags() > 0xff) {
            message.attrU32(Rt.IFA_FLAGS, address.flags());
        }
        socket.execute(message, "add address " + net + " on link #" + address.linkIndex());
    }

    public void deleteAddress(Address address) {
        var net = address.address();
        var bytes = net.address().getAddress();
        var message = new MessageWriter(Rt.RTM_DELADDR, CHANGE)
                .ifaddrmsg(family(net.address()), net.prefixLength(), 0, 0, address.linkIndex())
                .attr(Rt.IFA_LOCAL, bytes)
                .attr(Rt.IFA_ADDRESS, bytes);
        socket.execute(message, "delete address " + net + " on link #" + address.linkIndex());
    }

    /** Addresses of one family ({@link Syscalls#AF_INET}, {@link Syscalls#AF_INET6}, or AF_UNSPEC for both). */
    public List<Address> addresses(int family) {
        var message = new MessageWriter(Rt.RTM_GETADDR, DUMP).ifaddrmsg(family, 0, 0, 0, 0);
        var addresses = new ArrayList<Address>();
        for (var reply : socket.dump(message, "list addresses")) {
            if (reply.type() == Rt.RTM_NEWADDR) {
                addresses.add(parseAddress(reply.payload()));
            }
        }
        return addresses;
    }

    /** Addresses on one link. */
    public List<Address> addresses(int family, int linkIndex) {
        return addresses(family).stream().filter(a -> a.linkIndex() == linkIndex).toList();
    }

    static Address parseAddress(ByteBuffer payload) {
        int prefix = Byte.toUnsignedInt(payload.get(1));
        int flags = Byte.toUnsignedInt(payload.get(2));
        int scope = Byte.toUnsignedInt(payload.get(3));
        int index = payload.order(ByteOrder.nativeOrder()).getInt(4);
        var attributes = Attributes.parse(payload.duplicate().position(Rt.IFADDRMSG_LEN));
        var local = attributes.address(Rt.IFA_LOCAL);
        var address = local != null ? local : attributes.address(Rt.IFA_ADDRESS);
        flags = attributes.u32(Rt.IFA_FLAGS, flags);
        return new Address(index, new IpNet(address, prefix), scope, flags);
    }

    // ---- routes ----

    public void addRoute(Route route) {
        socket.execute(routeMessage(Rt.RTM_NEWROUTE, CREATE, route, route.scope(), route.protocol()),
                "add route " + describe(route));
    }

    public void deleteRoute(Route route) {
        // Scope "nowhere" and protocol 0 match any installed route with the same key.
        socket.execute(routeMessage(Rt.RTM_DELROUTE, CHANGE, route, Rt.RT_SCOPE_NOWHERE, 0),
                "delete route " + describe(route));
    }

    private static MessageWriter routeMessage(int type, int flags, Route route, int scope, int protocol) {
        var destination = route.destination();
        int table = route.table() == 0 ? Route.TABLE_MAIN : route.table();
        var message = new MessageWriter(type, flags).rtmsg(family(destination.address()), destination.prefixLength(),
                table < 256 ? table : 0, protocol, scope, route.type());
        if (destination.prefixLength() > 0) {
            message.attr(Rt.RTA_DST, destination.network().address().getAddress());
        }
        if (route.gateway() != null) {
            message.attr(Rt.RTA_GATEWAY, route.gateway().getAddress());
        }
        if (route.outIndex() != 0) {
            message.attrU32(Rt.RTA_OIF, route.outIndex());
        }
        if (route.priority() != 0) {
            message.attrU32(Rt.RTA_PRIORITY, route.priority());
        }
        message.attrU32(Rt.RTA_TABLE, table);
        return message;
    }

    private static String describe(Route route) {
        return route.destination() + (route.gateway() != null ? " via " + IpNet.format(route.gateway()) : "")
                + (route.outIndex() != 0 ? " dev #" + route.outIndex() : "") + " table " + route.table();
    }

    /** Routes of one family in every table. */
    public List<Route> routes(int family) {
        var message = new MessageWriter(Rt.RTM_GETROUTE, DUMP).rtmsg(family, 0, 0, 0, 0, 0);
        var routes = new ArrayList<Route>();
        for (var reply : socket.dump(message, "list routes")) {
            if (reply.type() == Rt.RTM_NEWROUTE) {
                routes.add(parseRoute(reply.payload()));
            }
        }
        return routes;
    }

    /** Routes of one family in the main table. */
    public List<Route> mainRoutes(int family) {
        return routes(family).stream().filter(r -> r.table() == Route.TABLE_MAIN).toList();
    }

    static Route parseRoute(ByteBuffer payload) {
        int family = Byte.toUnsignedInt(payload.get(0));
        int dstLength = Byte.toUnsignedInt(payload.get(1));
        int table = Byte.toUnsignedInt(payload.get(4));
        int protocol = Byte.toUnsignedInt(payload.get(5));
        int scope = Byte.toUnsignedInt(payload.get(6));
        int type = Byte.toUnsignedInt(payload.get(7));
        var attributes = Attributes.parse(payload.duplicate().position(Rt.RTMSG_LEN));
        var dst = attributes.address(Rt.RTA_DST);
        if (dst == null) {
            dst = IpNet.parseAddress(family == Syscalls.AF_INET6 ? "::" : "0.0.0.0");
        }
        return new Route(new IpNet(dst, dstLength), attributes.address(Rt.RTA_GATEWAY), attributes.u32(Rt.RTA_OIF, 0),
                attributes.u32(Rt.RTA_TABLE, table), scope, protocol, type, attributes.u32(Rt.RTA_PRIORITY, 0));
    }

    private static int family(InetAddress address) {
        return address instanceof Inet4Address ? Syscalls.AF_INET : Syscalls.AF_INET6;
    }

    @Override
    public void close() {
        socket.close();
    }
}
