package dev.berth.linux.netlink;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.berth.linux.NetlinkException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

/** Message layout and reply parsing without a kernel. */
class CodecTest {
    private static ByteBuffer buffer(byte[] bytes) {
        return ByteBuffer.wrap(bytes).order(ByteOrder.nativeOrder());
    }

    @Test
    void headerAttributesAndNestingAreAlignedAndSized() {
        var writer = new MessageWriter(Rt.RTM_NEWLINK, Rt.NLM_F_REQUEST | Rt.NLM_F_ACK).ifinfomsg(0, 0, 0, 0)
                .attrString(Rt.IFLA_IFNAME, "br0");
        int info = writer.begin(Rt.IFLA_LINKINFO);
        writer.attrString(Rt.IFLA_INFO_KIND, "bridge");
        writer.end(info);
        var bytes = writer.finish(42);
        var message = buffer(bytes);

        assertEquals(bytes.length, message.getInt(0));
        assertEquals(Rt.RTM_NEWLINK, message.getShort(4));
        assertEquals(42, message.getInt(8));
        // header 16 + ifinfomsg 16 + "br0\0" attr 8 + linkinfo 4 + "bridge\0" attr 11 padded to 12
        assertEquals(56, bytes.length);
        var attributes = Attributes.parse(message.duplicate().position(32));
        assertEquals("br0", attributes.string(Rt.IFLA_IFNAME));
        assertEquals("bridge", attributes.nested(Rt.IFLA_LINKINFO).string(Rt.IFLA_INFO_KIND));
        assertEquals(Rt.IFLA_LINKINFO | Rt.NLA_F_NESTED, Short.toUnsignedInt(message.getShort(32 + 8 + 2)));
    }

    @Test
    void anErrorReplyBecomesAnExceptionWithErrnoNameAndKernelText() {
        // NLMSG_ERROR, capped, with an extended-ack message attribute.
        var payload = ByteBuffer.allocate(4 + 16 + 16).order(ByteOrder.nativeOrder());
        payload.putInt(-17).putInt(16).putShort((short) Rt.RTM_NEWLINK).putShort((short) 0).putInt(1).putInt(0);
        payload.putShort((short) 12).putShort((short) Rt.NLMSGERR_ATTR_MSG).put("exists\0\0".getBytes());
        payload.flip();
        var reply = new NetlinkSocket.Reply(Rt.NLMSG_ERROR, Rt.NLM_F_CAPPED | Rt.NLM_F_ACK_TLVS, 1, payload);

        var error = assertThrows(NetlinkException.class, () -> NetlinkSocket.throwIfError(reply, "add link br0 (bridge)"));
        assertEquals("EEXIST", error.errnoName());
        assertEquals("exists", error.kernelMessage());
        assertEquals("add link br0 (bridge): EEXIST (File exists): exists", error.getMessage());
    }

    @Test
    void anAckIsNotAnError() {
        var payload = ByteBuffer.allocate(20).order(ByteOrder.nativeOrder()).putInt(0).flip();
        NetlinkSocket.throwIfError(new NetlinkSocket.Reply(Rt.NLMSG_ERROR, Rt.NLM_F_CAPPED, 1, payload), "x");
    }

    @Test
    void aDatagramSplitsIntoMessages() {
        var first = new MessageWriter(Rt.RTM_NEWLINK, Rt.NLM_F_MULTI).ifinfomsg(0, 7, 0, 0).finish(5);
        var second = new MessageWriter(Rt.NLMSG_DONE, Rt.NLM_F_MULTI).raw(new byte[4]).finish(5);
        var datagram = ByteBuffer.allocate(first.length + second.length).put(first).put(second).flip();
        var replies = NetlinkSocket.split(datagram, "list links");
        assertEquals(2, replies.size());
        assertEquals(7, replies.get(0).payload().getInt(4));
        assertEquals(Rt.NLMSG_DONE, replies.get(1).type());
        var copy = new byte[16];
        replies.get(0).payload().duplicate().get(copy);
        assertArrayEquals(java.util.Arrays.copyOfRange(first, 16, 32), copy);
    }
}
