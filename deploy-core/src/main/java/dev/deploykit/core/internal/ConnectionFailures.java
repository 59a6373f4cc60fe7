package dev.deploykit.core.internal;

import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import javax.net.ssl.SSLException;
import org.jspecify.annotations.Nullable;

/** Says in a few words why an HTTP exchange failed before an answer came. */
public final class ConnectionFailures {
  private static final int MAX_REASON = 160;

  private ConnectionFailures() {}

  /** Returns {@code t} without {@link CompletionException}/{@link ExecutionException} wrappers. */
  public static Throwable unwrap(Throwable t) {
    Throwable c = t;
    while ((c instanceof CompletionException || c instanceof ExecutionException)
        && c.getCause() != null) {
      c = c.getCause();
    }
    return c;
  }

  /** Returns whether {@code t} is a transport failure (no HTTP answer). */
  public static boolean isTransportFailure(Throwable t) {
    return t instanceof IOException || t instanceof UnresolvedAddressException;
  }

  /**
   * Returns a short reason, lower case, for a transport failure; {@code timeout} is the request
   * timeout, or {@code null} when unknown.
   */
  public static String reason(Throwable t, @Nullable Duration timeout) {
    if (t instanceof HttpConnectTimeoutException) {
      return "the connection timed out";
    }
    if (t instanceof HttpTimeoutException) {
      return timeout == null ? "no answer in time"
          : "no answer within " + timeout.toMillis() + " ms";
    }
    if (t instanceof ConnectException) {
      return "the connection was refused";
    }
    if (t instanceof UnknownHostException || t instanceof UnresolvedAddressException) {
      return "the host name could not be resolved";
    }
    if (t instanceof NoRouteToHostException) {
      return "no route to the host";
    }
    if (t instanceof SSLException) {
      return "the TLS handshake failed";
    }
    String message = t.getMessage();
    if (message != null) {
      String lower = message.toLowerCase(Locale.ROOT);
      if (lower.contains("connection reset")) {
        return "the connection was reset";
      }
      if (lower.contains("closed") || lower.contains("received no bytes")
          || lower.contains("eof")) {
        return "the connection was closed before an answer came";
      }
    }
    Throwable cause = t.getCause();
    if (cause != null && cause != t && isTransportFailure(cause)) {
      return reason(cause, timeout);
    }
    if (message == null || message.isBlank()) {
      return t.getClass().getSimpleName();
    }
    String m = message.strip().replaceAll("\\s+", " ");
    return m.length() > MAX_REASON ? m.substring(0, MAX_REASON) + "..." : m;
  }
}
