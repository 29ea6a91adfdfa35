package rpc.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Runs every example as its command line does, over each transport, and checks what it prints. */
@Timeout(60)
class ExamplesTest {

  private record Run(int status, String out, String err) {}

  private static Run run(String... args) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status = Examples.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  private static void assertContains(String text, String expected) {
    assertTrue(text.contains(expected), () -> "expected \"" + expected + "\" in:\n" + text);
  }

  @ParameterizedTest
  @ValueSource(strings = {"inprocess", "jetty"})
  void helloworldSharesOneChannelAmongThreads(String transport) throws Exception {
    Run r = run("helloworld", "--transport", transport, "--threads", "16", "--calls", "20");
    assertEquals(0, r.status(), r.out() + r.err());
    assertContains(r.out(), "Hello, world!");
    Matcher m = Pattern.compile("(\\d+) of (\\d+) calls completed \\(16 threads x 20 calls, one channel, one client\\)"
        + " in \\d+ ms over (\\d+) connections?").matcher(r.out());
    assertTrue(m.find(), r.out());
    assertEquals("320", m.group(1));
    assertEquals("320", m.group(2));
    assertEquals("1", m.group(3), "all calls over one connection");
  }

  @ParameterizedTest
  @ValueSource(strings = {"inprocess", "jetty"})
  void routeguideMakesAllFourKindsOfCall(String transport) throws Exception {
    Run r = run("routeguide", "--transport", transport);
    assertEquals(0, r.status(), r.out() + r.err());
    assertContains(r.out(), "GetFeature: \"Old stone bridge\" at 40.7838351, -74.6143763");
    assertContains(r.out(), "GetFeature: no feature at 0.0000000, 0.0000000");
    assertContains(r.out(), "ListFeatures: 7 features in the rectangle");
    assertContains(r.out(), "RecordRoute: 10 points, 10 features, ");
    assertTrue(Pattern.compile("RouteChat: got \"first message \\w+\" at 0.0000000, 0.0000001").matcher(r.out()).find(), r.out());
    assertContains(r.out(), "RouteChat: 4 notes sent, 2 received");
  }

  @ParameterizedTest
  @ValueSource(strings = {"inprocess", "jetty"})
  void multiplexUsesTwoServicesOnOneChannel(String transport) throws Exception {
    Run r = run("multiplex", "--transport", transport, "--threads", "4", "--calls", "10");
    assertEquals(0, r.status(), r.out() + r.err());
    assertContains(r.out(), "Greeter: Hello, multiplex!");
    assertContains(r.out(), "Echo: one channel, two services");
    assertContains(r.out(), "Echo stream: stream message 3 | Greeter meanwhile: Hello, caller 3!");
    assertContains(r.out(), "interleaved from 4 threads: 40 Greeter and 40 Echo calls on one channel over 1 connection");
  }

  @org.junit.jupiter.api.Test
  void loadbalanceSpreadsCallsOverThreeServersAndLosesNoneWhenOneShutsDown() throws Exception {
    Run r = run("loadbalance", "--threads", "4", "--calls", "150");
    assertEquals(0, r.status(), r.out() + r.err());
    assertContains(r.out(), "shut down the server on 127.0.0.1:");
    assertContains(r.out(), "600 of 600 calls succeeded, 0 failed");
    java.util.regex.Matcher m = Pattern.compile("answered (\\d+) calls").matcher(r.out());
    int servers = 0;
    while (m.find()) {
      assertTrue(Integer.parseInt(m.group(1)) > 0, "every server answered calls: " + r.out());
      servers++;
    }
    assertEquals(3, servers, r.out());
    Run misuse = run("loadbalance", "--transport", "inprocess");
    assertEquals(2, misuse.status());
    assertContains(misuse.err(), "loadbalance starts its own three servers");
  }

  @org.junit.jupiter.api.Test
  void unknownExampleOrOptionIsAUsageError() throws Exception {
    Run unknown = run("nosuchexample");
    assertEquals(2, unknown.status());
    assertContains(unknown.err(), "usage: java -jar rpc-examples.jar");
    Run badOption = run("helloworld", "--transport", "pigeon");
    assertEquals(2, badOption.status());
    assertContains(badOption.err(), "--transport must be jetty or inprocess");
  }
}
