package dev.berth.linux;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/**
 * An IP address with a prefix length, like {@code 10.1.0.5/24}: an interface address when the host bits
 * are set, a subnet when they are not. Text forms follow Go's {@code net.IPNet.String()} (RFC 5952 for
 * IPv6), which is what CNI results and {@code ip -j} print.
 */
public record IpNet(InetAddress address, int prefixLength) {
    private static final Pattern IPV4 = Pattern.compile("(0|[1-9][0-9]{0,2})(\\.(0|[1-9][0-9]{0,2})){3}");
    private static final Pattern IPV6_CHARS = Pattern.compile("[0-9a-fA-F:.]+");

    public IpNet {
        if (address == null) {
            throw new IllegalArgumentException("address is required");
        }
        int bits = bits(address);
        if (prefixLength < 0 || prefixLength > bits) {
            throw new IllegalArgumentException("prefix length " + prefixLength + " out of range for " + format(address));
        }
    }

    // By hand rather than generated: a record's generated equals is bootstrapped at run time, which each CNI
    // plugin process would pay for again.
    @Override
    public boolean equals(Object o) {
        return o instanceof IpNet n && prefixLength == n.prefixLength && address.equals(n.address);
    }

    @Override
    public int hashCode() {
        return address.hashCode() * 31 + prefixLength;
    }

    /** Parses {@code ADDRESS/LENGTH}; never resolves host names. */
    public static IpNet parse(String cidr) {
        int slash = cidr.indexOf('/');
        if (slash < 0) {
            throw new IllegalArgumentException("invalid CIDR address: " + cidr);
        }
        var address = parseAddress(cidr.substring(0, slash));
        var length = cidr.substring(slash + 1);
        if (!length.matches("[0-9]{1,3}")) {
            throw new IllegalArgumentException("invalid CIDR address: " + cidr);
        }
        int prefix = Integer.parseInt(length);
        if (prefix > bits(address)) {
            throw new IllegalArgumentException("invalid CIDR address: " + cidr);
        }
        return new IpNet(address, prefix);
    }

    /** Parses an IPv4 or IPv6 literal; rejects anything else (no DNS lookups). */
    public static InetAddress parseAddress(String text) {
        try {
            if (IPV4.matcher(text).matches()) {
                var parts = text.split("\\.");
                var bytes = new byte[4];
                for (int i = 0; i < 4; i++) {
                    int value = Integer.parseInt(parts[i]);
                    if (value > 255) {
                        throw new IllegalArgumentException("invalid IP address: " + text);
                    }
                    bytes[i] = (byte) value;
                }
                return InetAddress.getByAddress(bytes);
            }
            if (text.indexOf(':') >= 0 && IPV6_CHARS.matcher(text).matches()) {
                return InetAddress.getByName(text);
            }
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("invalid IP address: " + text, e);
        }
        throw new IllegalArgumentException("invalid IP address: " + text);
    }

    /** 32 or 128. */
    public static int bits(InetAddress address) {
        return address instanceof Inet4Address ? 32 : 128;
    }

    public boolean isIpv4() {
        return address instanceof Inet4Address;
    }

    /** The same prefix with the host bits cleared. */
    public IpNet network() {
        var bytes = address.getAddress();
        for (int bit = prefixLength; bit < bytes.length * 8; bit++) {
            bytes[bit / 8] &= (byte) ~(0x80 >>> (bit % 8));
        }
        return new IpNet(byAddress(bytes), prefixLength);
    }

    /** Whether {@code other} lies inside this prefix. */
    public boolean contains(InetAddress other) {
        if (bits(other) != bits(address)) {
            return false;
        }
        return new IpNet(other, prefixLength).network().address().equals(network().address());
    }

    /** The IPv4 broadcast address of this prefix. */
    public InetAddress broadcast() {
        var bytes = address.getAddress();
        for (int bit = prefixLength; bit < bytes.length * 8; bit++) {
            bytes[bit / 8] |= (byte) (0x80 >>> (bit % 8));
        }
        return byAddress(bytes);
    }

    static InetAddress byAddress(byte[] bytes) {
        try {
            return InetAddress.getByAddress(bytes);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("bad address length " + bytes.length, e);
        }
    }

    @Override
    public String toString() {
        return format(address) + "/" + prefixLength;
    }

    /** Dotted quad for IPv4, RFC 5952 (lower case, longest zero run as {@code ::}) for IPv6. */
    public static String format(InetAddress address) {
        if (!(address instanceof Inet6Address)) {
            return address.getHostAddress();
        }
        var bytes = address.getAddress();
        int[] groups = new int[8];
        for (int i = 0; i < 8; i++) {
            groups[i] = ((bytes[2 * i] & 0xff) << 8) | (bytes[2 * i + 1] & 0xff);
        }
        int bestStart = -1;
        int bestLength = 0;
        for (int i = 0; i < 8; ) {
            int j = i;
            while (j < 8 && groups[j] == 0) {
                j++;
            }
            if (j - i > bestLength) {
                bestStart = i;
                bestLength = j - i;
            }
            i = j == i ? i + 1 : j;
        }
        if (bestLength < 2) {
            bestStart = -1;
        }
        var text = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                text.append("::");
                i += bestLength - 1;
                continue;
            }
            if (!text.isEmpty() && text.charAt(text.length() - 1) != ':') {
                text.append(':');
            }
            text.append(Integer.toHexString(groups[i]));
        }
        return text.toString();
    }
}
