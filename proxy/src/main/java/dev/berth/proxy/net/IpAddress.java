package dev.berth.proxy.net;

import dev.berth.proxy.model.IpFamily;

/**
 * Parses IPv4 and IPv6 literals without name resolution and prints them in canonical form, IPv6 compressed
 * as Go's {@code net.IP.String} does, so rule text matches kube-proxy's.
 */
public final class IpAddress {
    private IpAddress() {
    }

    /** The 4 or 16 bytes of {@code text}, or null if it is not an IP literal. IPv4 octets may carry leading zeros. */
    public static byte[] parse(String text) {
        if (text == null || text.isEmpty()) {
            return null;
        }
        return text.indexOf(':') >= 0 ? parse6(text) : parse4(text, 0, text.length());
    }

    /** The family of an IP literal, or null if it is none. */
    public static IpFamily family(String text) {
        var bytes = parse(text);
        return bytes == null ? null : bytes.length == 4 ? IpFamily.IPV4 : IpFamily.IPV6;
    }

    /** Canonical text of a parsed address. */
    public static String format(byte[] ip) {
        if (ip.length == 4) {
            return (ip[0] & 0xff) + "." + (ip[1] & 0xff) + "." + (ip[2] & 0xff) + "." + (ip[3] & 0xff);
        }
        var groups = new int[8];
        for (int i = 0; i < 8; i++) {
            groups[i] = ((ip[2 * i] & 0xff) << 8) | (ip[2 * i + 1] & 0xff);
        }
        // Longest run of at least two zero groups is shortened to "::"; the first wins a tie.
        int bestStart = -1, bestLen = 1;
        for (int i = 0; i < 8; ) {
            if (groups[i] != 0) {
                i++;
                continue;
            }
            int j = i;
            while (j < 8 && groups[j] == 0) {
                j++;
            }
            if (j - i > bestLen) {
                bestStart = i;
                bestLen = j - i;
            }
            i = j;
        }
        var sb = new StringBuilder(39);
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                sb.append("::");
                i += bestLen - 1;
                continue;
            }
            if (!sb.isEmpty() && sb.charAt(sb.length() - 1) != ':') {
                sb.append(':');
            }
            sb.append(Integer.toHexString(groups[i]));
        }
        return sb.toString();
    }

    /** Canonical text of an IP literal, or null if it is none. */
    public static String canonical(String text) {
        var bytes = parse(text);
        return bytes == null ? null : format(bytes);
    }

    private static byte[] parse4(String s, int from, int to) {
        var out = new byte[4];
        int part = 0, value = -1;
        for (int i = from; i <= to; i++) {
            if (i == to || s.charAt(i) == '.') {
                if (value < 0 || part > 3) {
                    return null;
                }
                out[part++] = (byte) value;
                value = -1;
                continue;
            }
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return null;
            }
            value = (value < 0 ? 0 : value * 10) + (c - '0');
            if (value > 255) {
                return null;
            }
        }
        return part == 4 ? out : null;
    }

    private static byte[] parse6(String s) {
        var out = new byte[16];
        int n = 0, ellipsis = -1, i = 0, len = s.length();
        if (s.startsWith("::")) {
            ellipsis = 0;
            i = 2;
            if (i == len) {
                return out;
            }
        }
        while (i < len) {
            int j = i, value = 0, digits = 0;
            while (j < len && Character.digit(s.charAt(j), 16) >= 0 && digits < 5) {
                value = value * 16 + Character.digit(s.charAt(j), 16);
                j++;
                digits++;
            }
            if (digits == 0 || digits > 4) {
                return null;
            }
            if (j < len && s.charAt(j) == '.') {
                // Embedded IPv4 tail, e.g. ::ffff:1.2.3.4.
                if (n > 12) {
                    return null;
                }
                var v4 = parse4(s, i, len);
                if (v4 == null) {
                    return null;
                }
                System.arraycopy(v4, 0, out, n, 4);
                n += 4;
                i = len;
                break;
            }
            if (n > 14) {
                return null;
            }
            out[n++] = (byte) (value >> 8);
            out[n++] = (byte) value;
            i = j;
            if (i == len) {
                break;
            }
            if (s.charAt(i) != ':' || i + 1 == len) {
                return null;
            }
            i++;
            if (s.charAt(i) == ':') {
                if (ellipsis >= 0) {
                    return null;
                }
                ellipsis = n;
                i++;
                if (i == len) {
                    break;
                }
            }
        }
        if (n < 16) {
            if (ellipsis < 0) {
                return null;
            }
            int tail = n - ellipsis;
            System.arraycopy(out, ellipsis, out, 16 - tail, tail);
            java.util.Arrays.fill(out, ellipsis, 16 - tail, (byte) 0);
        } else if (ellipsis >= 0) {
            return null;
        }
        return out;
    }
}
