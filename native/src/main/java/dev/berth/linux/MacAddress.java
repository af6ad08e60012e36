package dev.berth.linux;

import java.util.HexFormat;
import java.util.regex.Pattern;

/** A 6-byte Ethernet hardware address, printed as lower-case {@code aa:bb:cc:dd:ee:ff}. */
public record MacAddress(String text) {
    private static final Pattern FORM = Pattern.compile("[0-9a-f]{2}(:[0-9a-f]{2}){5}");

    public MacAddress {
        text = text == null ? null : text.toLowerCase(java.util.Locale.ROOT);
        if (text == null || !FORM.matcher(text).matches()) {
            throw new IllegalArgumentException("invalid MAC address: " + text);
        }
    }

    public static MacAddress parse(String text) {
        return new MacAddress(text);
    }

    /** From 6 raw bytes. */
    public static MacAddress of(byte[] bytes) {
        if (bytes.length != 6) {
            throw new IllegalArgumentException("a MAC address has 6 bytes, not " + bytes.length);
        }
        return new MacAddress(HexFormat.ofDelimiter(":").formatHex(bytes));
    }

    public byte[] bytes() {
        return HexFormat.ofDelimiter(":").parseHex(text);
    }

    @Override
    public String toString() {
        return text;
    }
}
