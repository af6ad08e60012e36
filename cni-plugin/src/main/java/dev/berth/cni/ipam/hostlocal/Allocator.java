package dev.berth.cni.ipam.hostlocal;

import dev.berth.cni.types.IpConfig;
import dev.berth.linux.IpNet;
import java.net.InetAddress;

/**
 * Hands out one address of one range set, round robin: the search starts after the address last
 * reserved from the set, walks every range in order, wraps, and gives up where it started, skipping
 * gateways. A crash-looping pod therefore sees a fresh address until the whole set has been used.
 * The caller holds the store's lock.
 */
public final class Allocator {
    private final RangeSet rangeSet;
    private final Store store;
    private final int index;

    public Allocator(RangeSet rangeSet, Store store, int index) {
        this.rangeSet = rangeSet;
        this.store = store;
        this.index = index;
    }

    public RangeSet rangeSet() {
        return rangeSet;
    }

    /** Allocates {@code requested} (or, when {@code null}, the next free address) to the attachment. */
    public IpConfig allocate(Attachment attachment, InetAddress requested) {
        if (requested != null) {
            var range = rangeSet.rangeFor(requested).orElseThrow(() -> new AllocationException(
                    Addresses.text(requested) + " not in range set " + rangeSet));
            if (requested.equals(range.gateway())) {
                throw new AllocationException("requested ip " + Addresses.text(requested) + " is subnet's gateway");
            }
            if (!store.reserve(attachment, requested, index)) {
                throw new AllocationException("requested IP address " + Addresses.text(requested)
                        + " is not available in range set " + rangeSet);
            }
            return config(requested, range);
        }
        // The spec forbids a second allocation for the same attachment.
        for (var held : store.findByAttachment(attachment)) {
            if (rangeSet.contains(held)) {
                throw new AllocationException(Addresses.text(held) + " has been allocated to "
                        + attachment.containerId() + ", duplicate allocation is not allowed");
            }
        }
        var iterator = new Cursor();
        for (var candidate = iterator.next(); candidate != null; candidate = iterator.next()) {
            if (store.reserve(attachment, candidate, index)) {
                return config(candidate, iterator.range());
            }
        }
        throw new AllocationException("no IP addresses available in range set: " + rangeSet);
    }

    private static IpConfig config(InetAddress address, Range range) {
        return new IpConfig(null, new IpNet(address, range.subnet().prefixLength()), range.gateway());
    }

    /** Walks the set from just after the last reserved address; null once back at the start. */
    private final class Cursor {
        private int rangeIndex;
        private InetAddress current;
        private InetAddress start;

        Cursor() {
            var last = store.lastReserved(index).filter(rangeSet::contains);
            if (last.isPresent()) {
                current = last.get();
                rangeIndex = rangeSet.ranges().indexOf(rangeSet.rangeFor(current).orElseThrow());
            } else {
                start = rangeSet.ranges().getFirst().rangeStart();
            }
        }

        Range range() {
            return rangeSet.ranges().get(rangeIndex);
        }

        InetAddress next() {
            while (true) {
                var range = range();
                if (current == null) {
                    current = range.rangeStart();
                    start = current;
                } else {
                    if (current.equals(range.rangeEnd())) {
                        rangeIndex = (rangeIndex + 1) % rangeSet.ranges().size();
                        range = range();
                        current = range.rangeStart();
                    } else {
                        current = Addresses.next(current);
                    }
                    if (start == null) {
                        start = current;
                    } else if (current.equals(start)) {
                        return null;
                    }
                }
                if (!current.equals(range.gateway())) {
                    return current;
                }
            }
        }
    }

    /** An allocation that cannot be served; the plugin reports it with its message. */
    public static final class AllocationException extends RuntimeException {
        public AllocationException(String message) {
            super(message);
        }
    }
}
