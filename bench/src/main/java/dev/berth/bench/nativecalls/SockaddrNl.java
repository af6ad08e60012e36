package dev.berth.bench.nativecalls;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** struct sockaddr_nl: family (AF_NETLINK), pad, port id, multicast groups; 12 bytes, host order. */
final class SockaddrNl {
    static final int SIZE = 12;

    private SockaddrNl() {}

    static byte[] bytes(int portId, int groups) {
        return ByteBuffer.allocate(SIZE).order(ByteOrder.nativeOrder())
                .putShort((short) 16).putShort((short) 0).putInt(portId).putInt(groups).array();
    }
}
