package dev.berth.cni.types;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.berth.linux.IpNet;
import dev.berth.linux.MacAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class NetConfTest {
    private static NetConf parse(String json) {
        return NetConf.parse(json.replace('\'', '"').getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void commonFieldsRuntimeConfigAndRawDocument() {
        var conf = parse("{'cniVersion':'1.1.0','name':'podnet','type':'berth-bridge','bridge':'cni0',"
                + "'ipam':{'type':'host-local','subnet':'10.1.0.0/24'},'dns':{'nameservers':['10.96.0.10']},"
                + "'runtimeConfig':{'ips':['10.1.0.7/24','fd00::7'],'mac':'0A:58:0A:01:00:07','portMappings':[]}}");
        assertEquals("1.1.0", conf.cniVersion());
        assertEquals("berth-bridge", conf.type());
        assertEquals("host-local", conf.ipam().get("type").asText());
        assertEquals(List.of("10.96.0.10"), conf.dns().nameservers());
        assertEquals(List.of(IpNet.parseAddress("10.1.0.7"), IpNet.parseAddress("fd00::7")), conf.runtimeConfig().ips());
        assertEquals(MacAddress.parse("0a:58:0a:01:00:07"), conf.runtimeConfig().mac());
        assertEquals("cni0", conf.raw().get("bridge").asText());
        assertNull(conf.prevResult());
    }

    @ParameterizedTest(name = "prevResult in config {0}")
    @CsvSource(delimiter = '|', value = {
        "1.0.0|{'cniVersion':'1.0.0','ips':[{'interface':0,'address':'10.1.0.5/24'}]}",
        "1.1.0|{'ips':[{'address':'10.1.0.5/24'}]}",
        "0.4.0|{'cniVersion':'0.3.1','ips':[{'version':'4','address':'10.1.0.5/24'}]}",
        "0.2.0|{'ip4':{'ip':'10.1.0.5/24'}}",
    })
    void prevResultIsReadInTheConfigsVersion(String version, String prev) {
        var conf = parse("{'cniVersion':'" + version + "','name':'n','prevResult':" + prev + "}");
        assertEquals(IpNet.parse("10.1.0.5/24"), conf.prevResult().ips().getFirst().address());
    }

    @Test
    void aPrevResultOfAnotherVersionFamilyIsAnError() {
        var error = assertThrows(CniException.class,
                () -> parse("{'cniVersion':'1.0.0','name':'n','prevResult':{'cniVersion':'0.2.0','ip4':{'ip':'10.1.0.5/24'}}}"));
        assertEquals(CniException.DECODING_FAILURE, error.code());
    }

    @Test
    void wrongJsonTypesAreDecodingErrorsWithThePath() {
        var error = assertThrows(CniException.class, () -> parse("{'name':'n','runtimeConfig':{'ips':'10.0.0.1'}}"));
        assertEquals("cannot decode runtimeConfig.ips: expected an array, got string", error.msg());
    }
}
