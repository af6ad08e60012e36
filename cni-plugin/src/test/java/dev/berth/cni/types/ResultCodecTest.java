package dev.berth.cni.types;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.berth.linux.IpNet;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The result JSON of every CNI version and the conversions between them, as libcni's types do them. */
class ResultCodecTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private static JsonNode json(String text) {
        try {
            return MAPPER.readTree(text.replace('\'', '"'));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** A dual-stack bridge result with 1.1-only fields, DNS and a route of each family. */
    static final Result RICH = new Result(
            List.of(new Interface("cni0", "0a:58:0a:01:00:01", 1450, "", "", ""),
                    new Interface("eth0", "0a:58:0a:01:00:05", 0, "/var/run/netns/pod", "", "0000:00:1f.6")),
            List.of(new IpConfig(1, IpNet.parse("10.1.0.5/24"), IpNet.parseAddress("10.1.0.1")),
                    new IpConfig(1, IpNet.parse("fd00:0:0:0::5/64"), IpNet.parseAddress("fd00::1")),
                    new IpConfig(1, IpNet.parse("10.2.0.5/24"), null)),
            List.of(new CniRoute(IpNet.parse("0.0.0.0/0"), IpNet.parseAddress("10.1.0.1"), 1400, 0, 10, 100, null),
                    CniRoute.of(IpNet.parse("::/0"), null)),
            new Dns(List.of("10.96.0.10"), "cluster.local", List.of("svc.cluster.local"), List.of("ndots:5")));

    static final String DNS = "{'nameservers':['10.96.0.10'],'domain':'cluster.local','search':['svc.cluster.local'],'options':['ndots:5']}";

    static Stream<Arguments> richResultPerVersion() {
        var v100 = "{'cniVersion':'%s','interfaces':[{'name':'cni0','mac':'0a:58:0a:01:00:01','mtu':1450},"
                + "{'name':'eth0','mac':'0a:58:0a:01:00:05','sandbox':'/var/run/netns/pod','pciID':'0000:00:1f.6'}],"
                + "'ips':[{'interface':1,'address':'10.1.0.5/24','gateway':'10.1.0.1'},"
                + "{'interface':1,'address':'fd00::5/64','gateway':'fd00::1'},{'interface':1,'address':'10.2.0.5/24'}],"
                + "'routes':[{'dst':'0.0.0.0/0','gw':'10.1.0.1','mtu':1400,'priority':10,'table':100},{'dst':'::/0'}],"
                + "'dns':" + DNS + "}";
        var v040 = "{'cniVersion':'%s','interfaces':[{'name':'cni0','mac':'0a:58:0a:01:00:01'},"
                + "{'name':'eth0','mac':'0a:58:0a:01:00:05','sandbox':'/var/run/netns/pod'}],"
                + "'ips':[{'version':'4','interface':1,'address':'10.1.0.5/24','gateway':'10.1.0.1'},"
                + "{'version':'6','interface':1,'address':'fd00::5/64','gateway':'fd00::1'},"
                + "{'version':'4','interface':1,'address':'10.2.0.5/24'}],"
                + "'routes':[{'dst':'0.0.0.0/0','gw':'10.1.0.1','mtu':1400,'priority':10,'table':100},{'dst':'::/0'}],"
                + "'dns':" + DNS + "}";
        var v020 = "{'cniVersion':'%s','ip4':{'ip':'10.1.0.5/24','gateway':'10.1.0.1','routes':[{'dst':'0.0.0.0/0','gw':'10.1.0.1'}]},"
                + "'ip6':{'ip':'fd00::5/64','gateway':'fd00::1','routes':[{'dst':'::/0'}]},'dns':" + DNS + "}";
        return Stream.of(
                Arguments.of("1.1.0", v100), Arguments.of("1.0.0", v100),
                Arguments.of("0.4.0", v040), Arguments.of("0.3.1", v040), Arguments.of("0.3.0", v040),
                Arguments.of("0.2.0", v020), Arguments.of("0.1.0", v020));
    }

    @ParameterizedTest(name = "cniVersion {0}")
    @MethodSource("richResultPerVersion")
    void aRichResultPrintsInEachVersionsShape(String version, String expected) {
        assertEquals(json(expected.formatted(version)), ResultCodec.write(RICH, version));
    }

    static Stream<Arguments> emptyDnsPerVersion() {
        return Stream.of(
                Arguments.of("1.1.0", "{'cniVersion':'1.1.0','ips':[{'address':'10.1.0.5/24'}]}"),
                Arguments.of("1.0.0", "{'cniVersion':'1.0.0','ips':[{'address':'10.1.0.5/24'}]}"),
                Arguments.of("0.4.0", "{'cniVersion':'0.4.0','ips':[{'version':'4','address':'10.1.0.5/24'}],'dns':{}}"),
                Arguments.of("0.3.1", "{'cniVersion':'0.3.1','ips':[{'version':'4','address':'10.1.0.5/24'}],'dns':{}}"),
                Arguments.of("0.2.0", "{'cniVersion':'0.2.0','ip4':{'ip':'10.1.0.5/24'},'dns':{}}"));
    }

    @ParameterizedTest(name = "cniVersion {0}")
    @MethodSource("emptyDnsPerVersion")
    void anIpamResultWithoutDnsOrInterfaces(String version, String expected) {
        var result = new Result(List.of(), List.of(new IpConfig(null, IpNet.parse("10.1.0.5/24"), null)), List.of(), Dns.EMPTY);
        assertEquals(json(expected), ResultCodec.write(result, version));
    }

    @Test
    void aResultWithoutAddressesCannotBeWrittenAs020() {
        var result = new Result(List.of(Interface.of("eth0", "", "")), List.of(), List.of(), Dns.EMPTY);
        var error = assertThrows(CniException.class, () -> ResultCodec.write(result, "0.2.0"));
        assertEquals("cannot convert: no valid IP addresses", error.msg());
    }

    @Test
    void a020ResultUpConvertsWithRoutesOfBothFamilies() {
        var read = ResultCodec.read(json("{'cniVersion':'0.2.0','ip4':{'ip':'10.1.0.5/24','gateway':'10.1.0.1',"
                + "'routes':[{'dst':'0.0.0.0/0'}]},'ip6':{'ip':'fd00::5/64','routes':[{'dst':'::/0','gw':'fd00::1'}]},"
                + "'dns':{'nameservers':['1.1.1.1']}}"), "0.2.0");
        assertEquals(json("{'cniVersion':'1.0.0','ips':[{'address':'10.1.0.5/24','gateway':'10.1.0.1'},"
                + "{'address':'fd00::5/64'}],'routes':[{'dst':'0.0.0.0/0'},{'dst':'::/0','gw':'fd00::1'}],"
                + "'dns':{'nameservers':['1.1.1.1']}}"), ResultCodec.write(read, "1.0.0"));
    }

    @Test
    void a040ResultDropsTheVersionFieldIn1x() {
        var read = ResultCodec.read(json("{'cniVersion':'0.4.0','interfaces':[{'name':'eth0','sandbox':'/x'}],"
                + "'ips':[{'version':'4','interface':0,'address':'10.1.0.5/24'}],'dns':{}}"), "0.4.0");
        assertEquals(json("{'cniVersion':'1.1.0','interfaces':[{'name':'eth0','sandbox':'/x'}],"
                + "'ips':[{'interface':0,'address':'10.1.0.5/24'}]}"), ResultCodec.write(read, "1.1.0"));
    }

    @Test
    void everyVersionRoundTripsItsOwnOutput() {
        for (var version : CniVersions.ALL) {
            var written = ResultCodec.write(RICH, version);
            assertEquals(written, ResultCodec.write(ResultCodec.read(written, version), version), version);
        }
    }

    @Test
    void malformedAddressesAreDecodingErrorsNamingTheField() {
        var error = assertThrows(CniException.class, () -> ResultCodec.read(
                json("{'cniVersion':'1.0.0','ips':[{'address':'10.1.0.500/24'}]}"), "1.0.0"));
        assertEquals(CniException.DECODING_FAILURE, error.code());
        assertEquals("cannot decode ips[0].address: invalid IP address: 10.1.0.500", error.msg());
    }

    @Test
    void aResultFromAnotherVersionFamilyIsRejected() {
        var error = assertThrows(CniException.class, () -> ResultCodec.read(
                json("{'cniVersion':'0.4.0','ips':[]}"), "1.0.0"));
        assertEquals(CniException.DECODING_FAILURE, error.code());
    }

    @Test
    void versionComparisonIsNumericPerPart() {
        assertEquals(true, CniVersions.atLeast("1.1.0", "0.4.0"));
        assertEquals(true, CniVersions.atLeast("0.10.0", "0.4.0"));
        assertEquals(false, CniVersions.atLeast("0.3.1", "0.4.0"));
        assertEquals(true, CniVersions.atLeast("1", "1.0.0"));
        assertThrows(CniException.class, () -> CniVersions.atLeast("1.0.0.0", "1.0.0"));
        assertThrows(CniException.class, () -> CniVersions.atLeast("x.0.0", "1.0.0"));
    }
}
