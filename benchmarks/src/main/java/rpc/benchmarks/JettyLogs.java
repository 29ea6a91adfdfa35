package rpc.benchmarks;

import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The default level of Jetty's logs in the benchmarks' JVMs, as in the examples and interop jars.
 * Jetty logs through SLF4J, bound here to {@code java.util.logging} ({@code slf4j-jdk14}), whose
 * console prints INFO and above; Jetty logs every server start and stop at INFO, which would land
 * among JMH's output at each trial. Unless {@code java.util.logging} is configured (a
 * {@code java.util.logging.config.file} or {@code .config.class} system property, passed to the
 * forks with {@code -jvmArgsAppend}), {@code org.eclipse.jetty} is set to WARNING.
 *
 * <p>Thread-safe: {@code java.util.logging} loggers are.
 */
final class JettyLogs {
  // A strong reference: java.util.logging holds loggers weakly, so a level set on one that nothing
  // references would be lost if it were collected before Jetty creates its child loggers.
  private static final Logger JETTY = Logger.getLogger("org.eclipse.jetty");

  private JettyLogs() {}

  /** Sets {@code org.eclipse.jetty} to WARNING, unless java.util.logging is configured. */
  static void warningsOnlyUnlessConfigured() {
    if (System.getProperty("java.util.logging.config.file") == null
        && System.getProperty("java.util.logging.config.class") == null) {
      JETTY.setLevel(Level.WARNING);
    }
  }
}
