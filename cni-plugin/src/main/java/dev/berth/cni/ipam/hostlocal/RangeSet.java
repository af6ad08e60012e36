package dev.berth.cni.ipam.hostlocal;

import java.math.BigInteger;
import java.net.InetAddress;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * A list of ranges of one family from which exactly one address is allocated: dual-stack is two range
 * sets. Ranges inside a set must not overlap.
 */
public record RangeSet(List<Range> ranges) {
    public RangeSet {
        ranges = List.copyOf(ranges);
        if (ranges.isEmpty()) {
            throw new IllegalArgumentException("empty range set");
        }
        var family = ranges.getFirst().subnet().address();
        for (var range : ranges) {
            if (!Addresses.sameFamily(family, range.subnet().address())) {
                throw new IllegalArgumentException("mixed address families");
            }
        }
        for (int i = 0; i < ranges.size(); i++) {
            for (int j = i + 1; j < ranges.size(); j++) {
                if (ranges.get(i).overlaps(ranges.get(j))) {
                    throw new IllegalArgumentException("subnets " + ranges.get(i).subnet() + " and "
                            + ranges.get(j).subnet() + " overlap");
                }
            }
        }
    }

    public boolean contains(InetAddress address) {
        return rangeFor(address).isPresent();
    }

    public Optional<Range> rangeFor(InetAddress address) {
        return ranges.stream().filter(r -> r.contains(address)).findFirst();
    }

    public boolean overlaps(RangeSet other) {
        return ranges.stream().anyMatch(a -> other.ranges.stream().anyMatch(a::overlaps));
    }

    /** How many addresses the set can hand out: every address of every range but the gateways. */
    public BigInteger capacity() {
        var total = BigInteger.ZERO;
        for (var range : ranges) {
            total = total.add(Addresses.value(range.rangeEnd()).subtract(Addresses.value(range.rangeStart())).add(BigInteger.ONE));
            if (range.contains(range.gateway())) {
                total = total.subtract(BigInteger.ONE);
            }
        }
        return total;
    }

    @Override
    public String toString() {
        return ranges.stream().map(Range::toString).collect(Collectors.joining(","));
    }
}
