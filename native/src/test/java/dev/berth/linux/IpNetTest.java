package dev.berth.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class IpNetTest {
    @ParameterizedTest(name = "{0} prints as {1}")
    @CsvSource({
        "10.1.0.5/24, 10.1.0.5/24",
        "0.0.0.0/0, 0.0.0.0/0",
        "FD00:0:0:0:0:0:0:1/64, fd00::1/64",
        "2001:db8:0:0:1:0:0:1/128, 2001:db8::1:0:0:1/128",
        "2001:db8:0:1:1:1:1:1/64, 2001:db8:0:1:1:1:1:1/64",
        "::/0, ::/0",
        "::ffff:10.0.0.1/24, 10.0.0.1/24",
    })
    void formatsLikeGo(String input, String expected) {
        assertEquals(expected, IpNet.parse(input).toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"10.0.0.1", "10.0.0.256/24", "10.0.0.1/33", "01.0.0.1/8", "example.com/24", "fd00::/129", "[::1]/64"})
    void rejectsWhatIsNotACidr(String input) {
        assertThrows(IllegalArgumentException.class, () -> IpNet.parse(input));
    }

    @Test
    void networkBroadcastAndContainment() {
        var net = IpNet.parse("10.1.2.3/23");
        assertEquals("10.1.2.0/23", net.network().toString());
        assertEquals("10.1.3.255", IpNet.format(net.broadcast()));
        assertTrue(net.contains(IpNet.parseAddress("10.1.3.9")));
        assertFalse(net.contains(IpNet.parseAddress("10.1.4.1")));
        assertFalse(net.contains(IpNet.parseAddress("fd00::1")));
    }

    @Test
    void macAddressesAreLowerCaseAndSixBytes() {
        assertEquals("02:ab:00:00:00:01", MacAddress.parse("02:AB:00:00:00:01").toString());
        assertEquals(MacAddress.parse("02:ab:00:00:00:01"), MacAddress.of(MacAddress.parse("02:ab:00:00:00:01").bytes()));
        assertThrows(IllegalArgumentException.class, () -> MacAddress.parse("02:ab:00:00:00"));
    }

    @ParameterizedTest(name = "errno {0} is {1}")
    @CsvSource({"17, EEXIST", "19, ENODEV", "2, ENOENT", "101, ENETUNREACH", "4095, errno 4095"})
    void errnoNames(int errno, String name) {
        assertEquals(name, Errno.name(errno));
    }
}
