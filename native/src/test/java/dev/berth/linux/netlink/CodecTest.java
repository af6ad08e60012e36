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

    @Test
    void aBridgeVlanRequestHasIproute2sLayout() {
        // What `bridge vlan add dev vx vid 10 pvid untagged master` sends (seen with strace): 52 bytes, an
        // IFLA_AF_SPEC of 20 holding IFLA_BRIDGE_FLAGS (u16) and one 4-byte bridge_vlan_info.
        var bytes = Rtnetlink.bridgeVlanMessage(Rt.RTM_SETLINK, 4, BridgeVlan.access(10), false).finish(1);
        var message = buffer(bytes);
        assertEquals(52, bytes.length);
        assertEquals(Rt.RTM_SETLINK, message.getShort(4));
        assertEquals(7, message.get(16), "AF_BRIDGE");
        assertEquals(4, message.getInt(20));
        assertEquals(20, message.getShort(32));
        assertEquals(Rt.IFLA_AF_SPEC, message.getShort(34) & Rt.NLA_TYPE_MASK);
        assertEquals(6, message.getShort(36));
        assertEquals(Rt.IFLA_BRIDGE_FLAGS, message.getShort(38));
        assertEquals(Rt.BRIDGE_FLAGS_MASTER, message.getShort(40));
        assertEquals(8, message.getShort(44));
        assertEquals(Rt.IFLA_BRIDGE_VLAN_INFO, message.getShort(46));
        assertEquals(Rt.BRIDGE_VLAN_INFO_PVID | Rt.BRIDGE_VLAN_INFO_UNTAGGED, message.getShort(48));
        assertEquals(10, message.getShort(50));

        var self = buffer(Rtnetlink.bridgeVlanMessage(Rt.RTM_DELLINK, 2, BridgeVlan.tagged(30), true).finish(1));
        assertEquals(Rt.RTM_DELLINK, self.getShort(4));
        assertEquals(Rt.BRIDGE_FLAGS_SELF, self.getShort(40));
        assertEquals(0, self.getShort(48));
        assertEquals(30, self.getShort(50));
    }

    @Test
    void everyVlanOfADumpReplyIsRead() {
        var writer = new MessageWriter(Rt.RTM_NEWLINK, Rt.NLM_F_MULTI).ifinfomsg(7, 4, 0, 0);
        int spec = writer.begin(Rt.IFLA_AF_SPEC);
        for (var vlan : java.util.List.of(new BridgeVlan(1, false, true), BridgeVlan.access(10), BridgeVlan.tagged(20))) {
            writer.attr(Rt.IFLA_BRIDGE_VLAN_INFO, ByteBuffer.allocate(4).order(ByteOrder.nativeOrder())
                    .putShort((short) vlan.flags()).putShort((short) vlan.vid()).array());
        }
        writer.end(spec);
        var payload = buffer(writer.finish(1)).position(Rt.NLMSG_HDRLEN).slice().order(ByteOrder.nativeOrder());
        assertEquals(java.util.List.of(new BridgeVlan(1, false, true), new BridgeVlan(10, true, true), new BridgeVlan(20, false, false)),
                Rtnetlink.parseBridgeVlans(payload));
    }

    @Test
    void vlanIdsOutsideTheRangeAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> BridgeVlan.access(0));
        assertThrows(IllegalArgumentException.class, () -> BridgeVlan.tagged(4095));
    }
}
