package com.example.greeter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * Runs {@link Main} as the command line does. Surefire runs this test on the module path (the
 * project has a module-info.java), where printing a message needs its package open to protobuf.
 */
class MainTest {
  @Test
  void callsTheServerAndPrintsTheReplies() throws Exception {
    assertTrue(Main.class.getModule().isNamed(), "runs on the module path");
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    Main.run(new PrintStream(bytes, true, StandardCharsets.UTF_8));

    assertEquals("""
        Hello, world!
        1: Hello again, stream!
        2: Hello again, stream!
        1: Hello again, again!
        last reply: message: "Hello, world!"
        number: 1
        """, bytes.toString(StandardCharsets.UTF_8));
  }
}
