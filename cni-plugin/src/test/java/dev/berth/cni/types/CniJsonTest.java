package dev.berth.cni.types;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** CniJson reads and writes exactly what a default ObjectMapper does, on the documents a plugin sees. */
class CniJsonTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    static Stream<Arguments> documents() {
        return Stream.of(
                Arguments.of("bridge config", """
                        {"cniVersion":"1.0.0","name":"net","type":"berth-bridge","bridge":"cni0","isGateway":true,"mtu":1400,
                         "ipam":{"type":"host-local","ranges":[[{"subnet":"10.1.0.0/16","gateway":"10.1.0.1"}]],"routes":[{"dst":"0.0.0.0/0"}]},
                         "dns":{"nameservers":["10.96.0.10"],"search":[]},"runtimeConfig":{"ips":["10.1.0.5/16"],"mac":null}}"""),
                Arguments.of("numbers", """
                        {"int":7,"negative":-3,"long":4294967296,"big":123456789012345678901234567890,"double":1.5,"exp":1e3,"zero":0.0}"""),
                Arguments.of("repeated key keeps the last value in the first place", "{\"a\":1,\"b\":2,\"a\":3}"),
                Arguments.of("escapes and unicode", "{\"s\":\"quote \\\" backslash \\\\ tab \\t é \\u00e9 \\u2028 /\"}"),
                Arguments.of("empty containers", "{\"o\":{},\"a\":[],\"n\":null,\"t\":true,\"f\":false}"),
                Arguments.of("content after the first value is ignored", "{\"a\":1} {\"b\":2}"),
                Arguments.of("top-level array", "[1,\"two\",[3],{\"four\":4}]"),
                Arguments.of("top-level null", "null"),
                Arguments.of("prevResult with interfaces", """
                        {"cniVersion":"1.1.0","name":"n","prevResult":{"cniVersion":"1.1.0","interfaces":[{"name":"eth0","mac":"aa:bb:cc:dd:ee:ff",
                         "sandbox":"/var/run/netns/x"}],"ips":[{"interface":0,"address":"10.1.0.5/16","gateway":"10.1.0.1"}]}}"""));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("documents")
    void readsAndPrintsAsObjectMapper(String name, String document) throws Exception {
        var bytes = document.getBytes(StandardCharsets.UTF_8);
        var expected = MAPPER.readTree(bytes);
        var actual = CniJson.read(bytes);
        assertEquals(expected, actual);
        assertEquals(MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(expected), CniJson.pretty(actual));
    }

    @ParameterizedTest(name = "empty input: {0}")
    @MethodSource("blank")
    void emptyInputIsAMissingNode(String name, String document) throws Exception {
        var bytes = document.getBytes(StandardCharsets.UTF_8);
        assertEquals(MAPPER.readTree(bytes), CniJson.read(bytes));
    }

    static Stream<Arguments> blank() {
        return Stream.of(Arguments.of("nothing", ""), Arguments.of("whitespace", "  \n"));
    }

    @ParameterizedTest(name = "malformed: {0}")
    @MethodSource("malformed")
    void malformedInputFailsWithTheParsersMessage(String name, String document) {
        var bytes = document.getBytes(StandardCharsets.UTF_8);
        var expected = assertThrows(JsonProcessingException.class, () -> MAPPER.readTree(bytes));
        var actual = assertThrows(JsonProcessingException.class, () -> CniJson.read(bytes));
        assertEquals(expected.getOriginalMessage(), actual.getOriginalMessage());
    }

    static Stream<Arguments> malformed() {
        return Stream.of(Arguments.of("not json", "not json at all"), Arguments.of("unclosed object", "{\"a\":1"),
                Arguments.of("trailing comma", "{\"a\":1,}"), Arguments.of("single quotes", "{'a':1}"),
                Arguments.of("bare word value", "{\"a\":yes}"));
    }
}
