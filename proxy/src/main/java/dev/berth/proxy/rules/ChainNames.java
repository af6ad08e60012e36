package dev.berth.proxy.rules;

import java.nio.charset.StandardCharsets;
import java.security.DigestException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * kube-proxy's per-service chain names: a prefix and the first 16 characters of the standard base32
 * encoding of SHA-256 over the service port name, the lower-case protocol and, for endpoint chains, the
 * endpoint's {@code ip:port}. Same input, same name as kube-proxy, so operators' tooling keeps working.
 */
public final class ChainNames {
    public static final String SVC_PREFIX = "KUBE-SVC-";
    public static final String SVL_PREFIX = "KUBE-SVL-";
    public static final String EXT_PREFIX = "KUBE-EXT-";
    public static final String FW_PREFIX = "KUBE-FW-";
    public static final String SEP_PREFIX = "KUBE-SEP-";

    private static final byte[] BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".getBytes(StandardCharsets.US_ASCII);
    /** One per thread: a rule generation names every endpoint chain, so the digest and buffers are reused. */
    private static final ThreadLocal<Hasher> HASHER = ThreadLocal.withInitial(Hasher::new);

    private ChainNames() {
    }

    /** The 16-character hash shared by a service port's SVC, SVL, EXT and FW chains. */
    public static String portProtoHash(String servicePortName, String protocol) {
        return HASHER.get().name("", servicePortName, protocol, "");
    }

    /** {@code KUBE-SEP-...} for one endpoint of a service port. */
    public static String endpointChain(String servicePortName, String protocol, String endpoint) {
        return HASHER.get().name(SEP_PREFIX, servicePortName, protocol, endpoint);
    }

    /** True for chain names this proxy creates per service, i.e. the ones a stale-chain sweep may delete. */
    public static boolean isServiceChain(String chain) {
        return chain.startsWith(SVC_PREFIX) || chain.startsWith(SVL_PREFIX) || chain.startsWith(SEP_PREFIX)
                || chain.startsWith(FW_PREFIX) || chain.startsWith(EXT_PREFIX);
    }

    /** A SHA-256 and scratch buffers, so naming a chain allocates only the name. */
    private static final class Hasher {
        private final MessageDigest sha256;
        private final byte[] digest = new byte[32];
        private final byte[] name = new byte[32];
        private byte[] input = new byte[128];

        Hasher() {
            try {
                sha256 = MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("the JDK lacks SHA-256", e);
            }
        }

        /** {@code prefix} and the first 16 base32 characters of SHA-256 over the UTF-8 of {@code a + b + c}. */
        String name(String prefix, String a, String b, String c) {
            int n = ascii(a, 0);
            n = n < 0 ? -1 : ascii(b, n);
            n = n < 0 ? -1 : ascii(c, n);
            if (n >= 0) {
                sha256.update(input, 0, n);
            } else {
                sha256.update((a + b + c).getBytes(StandardCharsets.UTF_8));
            }
            try {
                sha256.digest(digest, 0, digest.length);
            } catch (DigestException e) {
                throw new IllegalStateException("SHA-256 into a 32-byte buffer", e);
            }
            int p = prefix.length();
            for (int i = 0; i < p; i++) {
                name[i] = (byte) prefix.charAt(i);
            }
            // 16 base32 characters are exactly the first 80 bits (10 bytes) of the digest: two 40-bit halves.
            long hi = 0;
            long lo = 0;
            for (int i = 0; i < 5; i++) {
                hi = (hi << 8) | (digest[i] & 0xff);
                lo = (lo << 8) | (digest[5 + i] & 0xff);
            }
            for (int i = 0; i < 8; i++) {
                name[p + i] = BASE32[(int) (hi >>> (35 - 5 * i)) & 31];
                name[p + 8 + i] = BASE32[(int) (lo >>> (35 - 5 * i)) & 31];
            }
            return new String(name, 0, p + 16, StandardCharsets.ISO_8859_1);
        }

        /** Appends {@code s} at {@code at} if it is all ASCII (where UTF-8 is one byte a char); -1 otherwise. */
        private int ascii(String s, int at) {
            int len = s.length();
            if (at + len > input.length) {
                input = Arrays.copyOf(input, Math.max(input.length * 2, at + len));
            }
            for (int i = 0; i < len; i++) {
                char ch = s.charAt(i);
                if (ch >= 0x80) {
                    return -1;
                }
                input[at + i] = (byte) ch;
            }
            return at + len;
        }
    }
}
