package dev.berth.linux.netlink;

import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The {@code rtattr}s of one message or nested attribute, by type (flag bits masked off). */
final class Attributes {
    private final Map<Integer, ByteBuffer> values;
    /** Every attribute in order, repeats included (IFLA_BRIDGE_VLAN_INFO comes once per VLAN). */
    private final List<Map.Entry<Integer, ByteBuffer>> all;

    private Attributes(Map<Integer, ByteBuffer> values, List<Map.Entry<Integer, ByteBuffer>> all) {
        this.values = values;
        this.all = all;
    }

    /** Parses attributes from {@code buffer}'s position to its limit. */
    static Attributes parse(ByteBuffer buffer) {
        var values = new HashMap<Integer, ByteBuffer>();
        var all = new ArrayList<Map.Entry<Integer, ByteBuffer>>();
        var view = buffer.slice().order(ByteOrder.nativeOrder());
        while (view.remaining() >= 4) {
            int start = view.position();
            int length = Short.toUnsignedInt(view.getShort(start));
            int type = Short.toUnsignedInt(view.getShort(start + 2)) & Rt.NLA_TYPE_MASK;
            if (length < 4 || start + length > view.limit()) {
                break;
            }
            // The first occurrence wins, as in the kernel's own nla_parse.
            var value = view.slice(start + 4, length - 4).order(ByteOrder.nativeOrder());
            values.putIfAbsent(type, value);
            all.add(Map.entry(type, value));
            view.position(Math.min(view.limit(), start + ((length + 3) & ~3)));
        }
        return new Attributes(values, all);
    }

    static final Attributes EMPTY = new Attributes(Map.of(), List.of());

    boolean has(int type) {
        return values.containsKey(type);
    }

    byte[] bytes(int type) {
        var value = values.get(type);
        if (value == null) {
            return null;
        }
        var copy = new byte[value.remaining()];
        value.duplicate().get(copy);
        return copy;
    }

    String string(int type) {
        var raw = bytes(type);
        if (raw == null) {
            return null;
        }
        int end = 0;
        while (end < raw.length && raw[end] != 0) {
            end++;
        }
        return new String(raw, 0, end, StandardCharsets.UTF_8);
    }

    /** The values of every attribute of {@code type}, in message order. */
    List<ByteBuffer> every(int type) {
        return all.stream().filter(e -> e.getKey() == type).map(e -> e.getValue().duplicate().order(ByteOrder.nativeOrder())).toList();
    }

    int u8(int type, int absent) {
        var value = values.get(type);
        return value == null || value.remaining() < 1 ? absent : Byte.toUnsignedInt(value.get(0));
    }

    int u32(int type, int absent) {
        var value = values.get(type);
        return value == null || value.remaining() < 4 ? absent : value.getInt(0);
    }

    InetAddress address(int type) {
        var raw = bytes(type);
        if (raw == null || (raw.length != 4 && raw.length != 16)) {
            return null;
        }
        return toAddress(raw);
    }

    private static InetAddress toAddress(byte[] raw) {
        try {
            return InetAddress.getByAddress(raw);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    Attributes nested(int type) {
        var value = values.get(type);
        return value == null ? EMPTY : parse(value.duplicate());
    }
}
