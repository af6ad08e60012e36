package dev.berth.cni.ipam.hostlocal;

import dev.berth.linux.IpNet;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;

/** Address arithmetic host-local needs: order, successor, distance. Families never mix here. */
final class Addresses {
    private Addresses() {}

    static BigInteger value(InetAddress address) {
        return new BigInteger(1, address.getAddress());
    }

    static InetAddress of(BigInteger value, int bytes) {
        var raw = value.toByteArray();
        var out = new byte[bytes];
        // toByteArray may carry a sign byte or be shorter than the address; copy the low bytes.
        for (int i = 0; i < bytes && i < raw.length; i++) {
            out[bytes - 1 - i] = raw[raw.length - 1 - i];
        }
        try {
            return InetAddress.getByAddress(out);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }

    /** The next address, wrapping to all-zeros after all-ones (the iterator never gets there). */
    static InetAddress next(InetAddress address) {
        int bytes = address.getAddress().length;
        return of(value(address).add(BigInteger.ONE).mod(BigInteger.ONE.shiftLeft(bytes * 8)), bytes);
    }

    static InetAddress previous(InetAddress address) {
        int bytes = address.getAddress().length;
        return of(value(address).subtract(BigInteger.ONE), bytes);
    }

    static int compare(InetAddress a, InetAddress b) {
        return value(a).compareTo(value(b));
    }

    static boolean sameFamily(InetAddress a, InetAddress b) {
        return a.getAddress().length == b.getAddress().length;
    }

    static String text(InetAddress address) {
        return IpNet.format(address);
    }
}
