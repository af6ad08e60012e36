package dev.berth.proxy.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class IpAddressTest {
    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({"10.0.0.1, 10.0.0.1", "010.001.0.1, 10.1.0.1", "::, ::", "::1, ::1",
            "2001:db8:0:0:0:0:0:1234, 2001:db8::1234", "2001:DB8::0:1, 2001:db8::1",
            "fd00:10:96::0041, fd00:10:96::41", "1:0:0:2:0:0:0:3, 1:0:0:2::3", "1:0:0:2:0:0:3:4, 1::2:0:0:3:4",
            "1:2:3:4:5:6:7:8, 1:2:3:4:5:6:7:8", "1:0:2:3:4:5:6:7, 1:0:2:3:4:5:6:7", "::ffff:1.2.3.4, ::ffff:102:304"})
    void printsCanonicalForm(String in, String out) {
        assertEquals(out, IpAddress.canonical(in));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "1.2.3", "1.2.3.4.5", "256.1.1.1", "1.2.3.a", "1::2::3", "12345::", ":1", "1:", "a b"})
    void rejectsNonAddresses(String text) {
        assertNull(IpAddress.parse(text));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({"203.0.113.5/25, 203.0.113.0/25", "10.0.0.0/8, 10.0.0.0/8", "2001:db8::1/64, 2001:db8::/64",
            "0.0.0.0/0, 0.0.0.0/0"})
    void cidrMasksHostBits(String in, String out) {
        assertEquals(out, Cidr.parse(in).toString());
    }

    @org.junit.jupiter.api.Test
    void cidrContains() {
        var cidr = Cidr.parse("203.0.113.0/25");
        assertTrue(cidr.contains("203.0.113.2"));
        assertFalse(cidr.contains("203.0.113.200"));
        assertFalse(cidr.contains("fd00::1"));
        assertNull(Cidr.parse("203.0.113.0/33"));
    }
}
