package dev.berth.proxy.rules;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

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

    private static final char[] BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".toCharArray();
    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK lacks SHA-256", e);
        }
    });

    private ChainNames() {
    }

    /** The 16-character hash shared by a service port's SVC, SVL, EXT and FW chains. */
    public static String portProtoHash(String servicePortName, String protocol) {
        return hash16(servicePortName + protocol);
    }

    /** {@code KUBE-SEP-...} for one endpoint of a service port. */
    public static String endpointChain(String servicePortName, String protocol, String endpoint) {
        return SEP_PREFIX + hash16(servicePortName + protocol + endpoint);
    }

    /** True for chain names this proxy creates per service, i.e. the ones a stale-chain sweep may delete. */
    public static boolean isServiceChain(String chain) {
        return chain.startsWith(SVC_PREFIX) || chain.startsWith(SVL_PREFIX) || chain.startsWith(SEP_PREFIX)
                || chain.startsWith(FW_PREFIX) || chain.startsWith(EXT_PREFIX);
    }

    static String hash16(String input) {
        var digest = SHA256.get().digest(input.getBytes(StandardCharsets.UTF_8));
        // 16 base32 characters are exactly the first 80 bits (10 bytes) of the digest.
        var out = new char[16];
        long hi = 0;
        for (int i = 0; i < 5; i++) {
            hi = (hi << 8) | (digest[i] & 0xff);
        }
        long lo = 0;
        for (int i = 5; i < 10; i++) {
            lo = (lo << 8) | (digest[i] & 0xff);
        }
        for (int i = 0; i < 8; i++) {
            out[i] = BASE32[(int) (hi >>> (35 - 5 * i)) & 31];
            out[8 + i] = BASE32[(int) (lo >>> (35 - 5 * i)) & 31];
        }
        return new String(out);
    }
}
