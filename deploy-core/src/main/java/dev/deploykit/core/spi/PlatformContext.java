package dev.deploykit.core.spi;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Clock;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;

/**
 * What an adapter gets to work with. Adapters own no thread pools: they wait with {@link
 * #scheduler()} and run callbacks on {@link #executor()}.
 *
 * @param platform the platform id
 * @param credentials this user's credentials for the platform
 * @param httpClient the shared HTTP client
 * @param objectMapper the shared JSON mapper
 * @param scheduler for delays and polling; never block its threads
 * @param executor for short callbacks
 * @param clock the time source
 * @param settings the platform's settings, keys without the {@code <platform>.} prefix (e.g. {@code
 *     apiUrl}, {@code teamId})
 */
public record PlatformContext(
    String platform,
    Credentials credentials,
    HttpClient httpClient,
    ObjectMapper objectMapper,
    ScheduledExecutorService scheduler,
    Executor executor,
    Clock clock,
    Map<String, String> settings) {

  /** Checks the arguments and copies the settings. */
  public PlatformContext {
    Objects.requireNonNull(platform, "platform");
    Objects.requireNonNull(credentials, "credentials");
    Objects.requireNonNull(httpClient, "httpClient");
    Objects.requireNonNull(objectMapper, "objectMapper");
    Objects.requireNonNull(scheduler, "scheduler");
    Objects.requireNonNull(executor, "executor");
    Objects.requireNonNull(clock, "clock");
    settings = settings == null ? Map.of() : Map.copyOf(settings);
  }

  /** Returns a setting. */
  public Optional<String> setting(String key) {
    return Optional.ofNullable(settings.get(key));
  }

  /**
   * Returns the API base URL: the {@code apiUrl} setting ({@code <platform>.apiUrl} on the
   * builder), else {@code defaultUrl}. Without a trailing slash.
   */
  public URI apiUrl(String defaultUrl) {
    String url = settings.getOrDefault("apiUrl", defaultUrl);
    while (url.endsWith("/")) {
      url = url.substring(0, url.length() - 1);
    }
    return URI.create(url);
  }
}
