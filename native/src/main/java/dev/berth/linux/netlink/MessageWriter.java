package dev.berth.linux.netlink;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Builds one netlink message: the {@code nlmsghdr}, a family header ({@code ifinfomsg}, {@code ifaddrmsg},
 * {@code rtmsg}) and 4-byte aligned {@code rtattr}s, nested ones included. Host byte order throughout.
 */
final class MessageWriter {
    private ByteBuffer buffer = ByteBuffer.allocate(256).order(ByteOrder.nativeOrder());
    private final int type;
    private final int flags;

    MessageWriter(int type, int flags) {
        this.type = type;
        this.flags = flags;
        buffer.putInt(0).putShort((short) type).putShort((short) flags).putInt(0).putInt(0);
    }

    int type() {
        return type;
    }

    int flags() {
        return flags;
    }

    private void ensure(int more) {
        if (buffer.remaining() < more + 4) {
            var bigger = ByteBuffer.allocate(Math.max(buffer.capacity() * 2, buffer.position() + more + 64))
                    .order(ByteOrder.nativeOrder());
            buffer.flip();
            bigger.put(buffer);
            buffer = bigger;
        }
    }

    private void align() {
        while ((buffer.position() & 3) != 0) {
            buffer.put((byte) 0);
        }
    }

    MessageWriter ifinfomsg(int family, int index, int flags, int change) {
        ensure(Rt.IFINFOMSG_LEN);
        buffer.put((byte) family).put((byte) 0).putShort((short) 0).putInt(index).putInt(flags).putInt(change);
        return this;
    }

    MessageWriter ifaddrmsg(int family, int prefixLength, int flags, int scope, int index) {
        ensure(Rt.IFADDRMSG_LEN);
        buffer.put((byte) family).put((byte) prefixLength).put((byte) flags).put((byte) scope).putInt(index);
        return this;
    }

    MessageWriter rtmsg(int family, int dstLength, int table, int protocol, int scope, int routeType) {
        ensure(Rt.RTMSG_LEN);
        buffer.put((byte) family).put((byte) dstLength).put((byte) 0).put((byte) 0)
                .put((byte) table).put((byte) protocol).put((byte) scope).put((byte) routeType).putInt(0);
        return this;
    }

    MessageWriter attr(int attrType, byte[] value) {
        ensure(4 + value.length + 3);
        buffer.putShort((short) (4 + value.length)).putShort((short) attrType).put(value);
        align();
        return this;
    }

    MessageWriter attrU8(int attrType, int value) {
        return attr(attrType, new byte[] {(byte) value});
    }

    MessageWriter attrU16(int attrType, int value) {
        return attr(attrType, ByteBuffer.allocate(2).order(ByteOrder.nativeOrder()).putShort((short) value).array());
    }

    MessageWriter attrU32(int attrType, int value) {
        return attr(attrType, ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt(value).array());
    }

    /** A NUL-terminated string, as the kernel expects for names and kinds. */
    MessageWriter attrString(int attrType, String value) {
        var bytes = value.getBytes(StandardCharsets.UTF_8);
        return attr(attrType, Arrays.copyOf(bytes, bytes.length + 1));
    }

    /** Opens a nested attribute (flagged NLA_F_NESTED); returns the token for {@link #end}. */
    int begin(int attrType) {
        ensure(4);
        int start = buffer.position();
        buffer.putShort((short) 0).putShort((short) (attrType | Rt.NLA_F_NESTED));
        return start;
    }

    /** Closes the nested attribute opened at {@code start}. */
    MessageWriter end(int start) {
        buffer.putShort(start, (short) (buffer.position() - start));
        return this;
    }

    /** Appends raw bytes (used for the ifinfomsg inside VETH_INFO_PEER). */
    MessageWriter raw(byte[] bytes) {
        ensure(bytes.length + 3);
        buffer.put(bytes);
        align();
        return this;
    }

    /** The finished message with its length and sequence number filled in. */
    byte[] finish(int sequence) {
        align();
        int length = buffer.position();
        buffer.putInt(0, length);
        buffer.putInt(8, sequence);
        return Arrays.copyOf(buffer.array(), length);
    }
}
