package dev.deploykit.core;

import java.io.IOException;

/**
 * Where {@link ServerSentEvents#stream} writes {@code text/event-stream} frames: typically an HTTP
 * response body kept open (a servlet's async output, a reactive server's sink).
 *
 * <p>Called from one tracker thread at a time, in frame order. An implementation should flush
 * each frame and return quickly.
 */
public interface SseSink {

  /**
   * Writes one complete frame and flushes it.
   *
   * @throws IOException if the client has gone away; the stream then ends quietly
   */
  void send(String frame) throws IOException;

  /**
   * Told that the stream has ended: after the terminal frame, or when the client went away.
   * Default: nothing.
   */
  default void close() {}
}
