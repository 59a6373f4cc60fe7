package dev.deploykit.core.spi;

/**
 * Receives the lines of a build log as an adapter reads them. Called from one thread at a time, in
 * log order; must return quickly.
 */
public interface LogSink {

  /** Receives one line, without its line terminator. */
  void line(String line);

  /** Told that the log has ended (the deployment is terminal). Default: nothing. */
  default void completed() {}

  /**
   * Told that streaming failed and will not resume. Default: nothing. A failed log stream never
   * decides a deployment's outcome.
   */
  default void failed(Throwable cause) {}
}
