package rpc.examples.internal;

import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The default level of Jetty's logs in this runnable jar. Jetty logs through SLF4J, which the jar
 * binds to {@code java.util.logging} ({@code slf4j-jdk14}), where rpc's own {@code System.Logger}
 * records go too; its console handler prints INFO and above, and Jetty logs every server start and
 * stop at INFO ({@code jetty-12.x; built: ...}, {@code Started oejs.Server@...}).
 *
 * <p>{@link #warningsOnlyUnlessConfigured} keeps those lines off the console, unless the user
 * configures {@code java.util.logging} (a {@code java.util.logging.config.file} or
 * {@code java.util.logging.config.class} system property): then their configuration alone decides,
 * and {@code org.eclipse.jetty.level = INFO} (or {@code FINE}) shows Jetty's records.
 *
 * <p>Thread-safe: {@code java.util.logging} loggers are.
 */
public final class JettyLogs {
  /** The parent logger of all of Jetty's loggers. */
  public static final String LOGGER_NAME = "org.eclipse.jetty";

  // A strong reference: java.util.logging holds loggers weakly, so a level set on one that nothing
  // references would be lost if it were collected before Jetty creates its child loggers.
  private static final Logger JETTY = Logger.getLogger(LOGGER_NAME);

  private JettyLogs() {}

  /**
   * Sets {@value #LOGGER_NAME} to WARNING, unless {@code java.util.logging} is configured by a
   * system property. A main calls it first.
   */
  public static void warningsOnlyUnlessConfigured() {
    if (System.getProperty("java.util.logging.config.file") == null
        && System.getProperty("java.util.logging.config.class") == null) {
      JETTY.setLevel(Level.WARNING);
    }
  }
}
