package rpc.serviceconfig;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import rpc.api.Channel;

/** JSON text to the object model, strictness, and the channel taking what comes out. */
class ServiceConfigJsonTest {
  private static final String CONFIG = """
      {
        "loadBalancingConfig": [ { "round_robin": {} } ],
        "methodConfig": [ {
          "name": [ { "service": "helloworld.Greeter", "method": "SayHello" } ],
          "timeout": "2.5s",
          "waitForReady": true,
          "retryPolicy": {
            "maxAttempts": 4,
            "initialBackoff": "0.1s",
            "maxBackoff": "1s",
            "backoffMultiplier": 2,
            "retryableStatusCodes": [ "UNAVAILABLE" ]
          }
        } ],
        "retryThrottling": { "maxTokens": 10, "tokenRatio": 0.1 }
      }
      """;

  @Test
  void grpcsExampleConfigBecomesMapsListsAndDoubles() {
    Map<String, Object> m = ServiceConfigJson.parse(CONFIG);
    assertEquals(List.of(Map.of("round_robin", Map.of())), m.get("loadBalancingConfig"));
    @SuppressWarnings("unchecked")
    Map<String, Object> mc = (Map<String, Object>) ((List<?>) m.get("methodConfig")).get(0);
    assertEquals("2.5s", mc.get("timeout"));
    assertEquals(Boolean.TRUE, mc.get("waitForReady"));
    assertEquals(4.0, ((Map<?, ?>) mc.get("retryPolicy")).get("maxAttempts"));
    assertEquals(Map.of("maxTokens", 10.0, "tokenRatio", 0.1), m.get("retryThrottling"));
    // The channel accepts it (and would refuse a config that is not valid, naming the field).
    Channel.newBuilder("inprocess:nowhere").defaultServiceConfig(m).build().close();
  }

  @Test
  void textThatIsNotStrictJsonOrNotAnObjectIsRefusedWithWhere() {
    for (String bad : List.of("", "[]", "\"x\"", "{", "{\"a\": 1,}", "{a: 1}", "{\"a\": 1} trailing", "{'a': 1}",
        "{\"a\": NaN}")) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ServiceConfigJson.parse(bad), bad);
      assertTrue(e.getMessage().contains("JSON"), bad + ": " + e.getMessage());
      assertTrue(!e.getMessage().contains("setStrictness") && !e.getMessage().contains("http"),
          "no advice the caller cannot act on: " + e.getMessage());
    }
  }

  @Test
  void aFileThatIsNotUtf8IsNamed(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
    java.nio.file.Path file = dir.resolve("config.json");
    java.nio.file.Files.write(file, new byte[] {'{', (byte) 0xC3, (byte) 0x28, '}'});
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ServiceConfigJson.read(file));
    assertTrue(e.getMessage().startsWith(file.toString()) && e.getMessage().contains("UTF-8"), e.getMessage());
  }

  @Test
  void theChannelNamesTheFieldThatIsWrong() {
    Map<String, Object> m = ServiceConfigJson.parse("""
        {"methodConfig": [{"name": [{"service": "s"}], "timeout": "soon"}]}""");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Channel.newBuilder("inprocess:nowhere").defaultServiceConfig(m).build());
    assertEquals("service config: methodConfig[0].timeout must be a duration such as \"1.5s\": soon", e.getMessage());
  }
}
