package dev.deploykit.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.deploykit.core.spi.Credentials;
import dev.deploykit.core.spi.PlatformContext;
import java.net.http.HttpClient;
import java.time.Clock;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ScheduledExecutorService;

/**
 * Makes {@link PlatformContext}s for tests of a {@link dev.deploykit.core.spi.PlatformService}.
 *
 * <p>The contexts share one lazily created {@link HttpClient}, use a new {@link ObjectMapper}, the
 * given scheduler as both scheduler and callback executor, and the system UTC clock. Thread-safe.
 */
public final class TestPlatformContexts {

  private TestPlatformContexts() {}

  /**
   * Returns a context for {@code platform} with the token {@code token} and no settings.
   *
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if {@code token} is blank
   */
  public static PlatformContext create(
      String platform, String token, ScheduledExecutorService scheduler) {
    return create(platform, token, scheduler, Map.of());
  }

  /**
   * Returns a context for {@code platform} with the token {@code token} and the given settings (keys
   * without the {@code <platform>.} prefix, e.g. {@code apiUrl} pointing at a WireMock server).
   *
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if {@code token} is blank
   */
  public static PlatformContext create(String platform, String token,
      ScheduledExecutorService scheduler, Map<String, String> settings) {
    Objects.requireNonNull(platform, "platform");
    Objects.requireNonNull(token, "token");
    Objects.requireNonNull(scheduler, "scheduler");
    Objects.requireNonNull(settings, "settings");
    return new PlatformContext(platform, Credentials.of(platform, token), SharedHttpClient.INSTANCE,
        new ObjectMapper(), scheduler, scheduler, Clock.systemUTC(), settings);
  }

  /** Holds the shared client; created on first use, not when the outer class loads. */
  private static final class SharedHttpClient {
    static final HttpClient INSTANCE = HttpClient.newHttpClient();
  }
}
