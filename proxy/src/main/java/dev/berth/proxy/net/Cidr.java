package dev.berth.proxy.net;

import dev.berth.proxy.model.IpFamily;

/**
 * A network prefix. Parsing masks the host bits, so {@code 203.0.113.5/25} prints as {@code 203.0.113.0/25},
 * as Go's {@code net.IPNet} does.
 */
public record Cidr(byte[] network, int prefixLength) {
    public Cidr {
        network = network.clone();
    }

    /** Parses {@code address/prefix}, or returns null if {@code text} is not one. */
    public static Cidr parse(String text) {
        if (text == null) {
            return null;
        }
        int slash = text.indexOf('/');
        if (slash < 0) {
            return null;
        }
        var ip = IpAddress.parse(text.substring(0, slash));
        if (ip == null) {
            return null;
        }
        int prefix;
        try {
            prefix = Integer.parseInt(text.substring(slash + 1));
        } catch (NumberFormatException e) {
            return null;
        }
        if (prefix < 0 || prefix > ip.length * 8 || text.substring(slash + 1).startsWith("+")) {
            return null;
        }
        for (int bit = prefix; bit < ip.length * 8; bit++) {
            ip[bit / 8] &= (byte) ~(0x80 >> (bit % 8));
        }
        return new Cidr(ip, prefix);
    }

    public IpFamily family() {
        return network.length == 4 ? IpFamily.IPV4 : IpFamily.IPV6;
    }

    /** True if the IP literal {@code ip} lies in this prefix. */
    public boolean contains(String ip) {
        var bytes = IpAddress.parse(ip);
        return bytes != null && contains(bytes);
    }

    public boolean contains(byte[] ip) {
        if (ip.length != network.length) {
            return false;
        }
        int full = prefixLength / 8;
        for (int i = 0; i < full; i++) {
            if (ip[i] != network[i]) {
                return false;
            }
        }
        int rest = prefixLength % 8;
        if (rest == 0) {
            return true;
        }
        int mask = (0xff << (8 - rest)) & 0xff;
        return (ip[full] & mask) == (network[full] & mask);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Cidr c && c.prefixLength == prefixLength && java.util.Arrays.equals(c.network, network);
    }

    @Override
    public int hashCode() {
        return java.util.Arrays.hashCode(network) * 31 + prefixLength;
    }

    @Override
    public String toString() {
        return IpAddress.format(network) + "/" + prefixLength;
    }
}
