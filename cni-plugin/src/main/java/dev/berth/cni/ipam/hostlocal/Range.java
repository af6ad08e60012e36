package dev.berth.cni.ipam.hostlocal;

import dev.berth.linux.IpNet;
import java.net.Inet4Address;
import java.net.InetAddress;

/**
 * One allocation range of host-local: a subnet and the inclusive span {@code rangeStart..rangeEnd} inside
 * it, with the subnet's gateway (never handed out). {@link #canonical} fills the defaults as the
 * reference does: gateway and start are the subnet's first address, end its last (IPv4: before the
 * broadcast address).
 */
public record Range(IpNet subnet, InetAddress rangeStart, InetAddress rangeEnd, InetAddress gateway) {

    // equals and hashCode by hand: the record's generated ones are bootstrapped at run time, which every CNI
    // process (a fresh JVM per pod) would pay for again; the AOT cache cannot keep those classes.
    @Override
    public boolean equals(Object o) {
        return o instanceof Range r && subnet.equals(r.subnet) && rangeStart.equals(r.rangeStart)
                && rangeEnd.equals(r.rangeEnd) && gateway.equals(r.gateway);
    }

    @Override
    public int hashCode() {
        return ((subnet.hashCode() * 31 + rangeStart.hashCode()) * 31 + rangeEnd.hashCode()) * 31 + gateway.hashCode();
    }

    /** Validates and fills defaults; throws {@link IllegalArgumentException} with the reference's wording. */
    public static Range canonical(IpNet subnet, InetAddress rangeStart, InetAddress rangeEnd, InetAddress gateway) {
        if (subnet == null) {
            throw new IllegalArgumentException("IPNet IP and Mask version mismatch");
        }
        int bits = IpNet.bits(subnet.address());
        if (subnet.prefixLength() > bits - 2) {
            throw new IllegalArgumentException("Network " + subnet + " too small to allocate from");
        }
        var network = subnet.network();
        if (!network.address().equals(subnet.address())) {
            throw new IllegalArgumentException("Network has host bits set. For a subnet mask of length "
                    + subnet.prefixLength() + " the network address is " + Addresses.text(network.address()));
        }
        var first = Addresses.next(network.address());
        var gw = gateway != null ? gateway : first;
        if (!Addresses.sameFamily(gw, subnet.address())) {
            throw new IllegalArgumentException("gateway " + Addresses.text(gw) + " is not in the family of " + subnet);
        }
        var start = rangeStart != null ? rangeStart : first;
        if (!subnet.contains(start)) {
            throw new IllegalArgumentException("RangeStart " + Addresses.text(start) + " not in network " + subnet);
        }
        InetAddress end;
        if (rangeEnd != null) {
            end = rangeEnd;
            if (!subnet.contains(end)) {
                throw new IllegalArgumentException("RangeEnd " + Addresses.text(end) + " not in network " + subnet);
            }
        } else {
            var last = subnet.broadcast();
            end = last instanceof Inet4Address ? Addresses.previous(last) : last;
        }
        return new Range(subnet, start, end, gw);
    }

    /** Whether {@code address} is in the subnet and between start and end, inclusive. */
    public boolean contains(InetAddress address) {
        return Addresses.sameFamily(address, subnet.address()) && subnet.contains(address)
                && Addresses.compare(address, rangeStart) >= 0 && Addresses.compare(address, rangeEnd) <= 0;
    }

    /** Whether the two ranges share an address. */
    public boolean overlaps(Range other) {
        if (!Addresses.sameFamily(subnet.address(), other.subnet.address())) {
            return false;
        }
        return contains(other.rangeStart) || contains(other.rangeEnd) || other.contains(rangeStart)
                || other.contains(rangeEnd);
    }

    /** {@code start-end}, as the reference prints a range in errors. */
    @Override
    public String toString() {
        return Addresses.text(rangeStart) + "-" + Addresses.text(rangeEnd);
    }
}
