package dev.deploykit.core.internal;

import dev.deploykit.core.spi.Credentials;
import dev.deploykit.core.spi.CredentialsProvider;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * Per-user tokens given to the builder first, then the platform's environment variable
 * ({@code VERCEL_TOKEN}, {@code RAILWAY_TOKEN}, {@code RENDER_API_KEY}, {@code GITHUB_TOKEN}, or
 * {@code <ID>_TOKEN} for a vendor's platform). The in-memory platform needs no token and gets a
 * fixed one.
 */
public final class DefaultCredentialsProvider implements CredentialsProvider {
  private static final Map<String, String> ENV_NAMES = Map.of(
      "vercel", "VERCEL_TOKEN",
      "railway", "RAILWAY_TOKEN",
      "render", "RENDER_API_KEY",
      "github", "GITHUB_TOKEN");

  private final Map<String, Credentials> perUser;
  private final Function<String, String> environment;

  /**
   * Creates the provider.
   *
   * @param perUser credentials keyed by {@code userId + "/" + platform}
   * @param environment reads an environment variable (null when unset)
   */
  public DefaultCredentialsProvider(Map<String, Credentials> perUser, Function<String, String> environment) {
    this.perUser = Map.copyOf(perUser);
    this.environment = Objects.requireNonNull(environment, "environment");
  }

  /** Returns the key of a user's credentials in the per-user map. */
  public static String key(String userId, String platform) {
    return userId + "/" + platform;
  }

  /** Returns the environment variable that holds a platform's token. */
  public static String environmentVariable(String platform) {
    return ENV_NAMES.getOrDefault(platform,
        platform.toUpperCase(java.util.Locale.ROOT).replaceAll("[^A-Z0-9]", "_") + "_TOKEN");
  }

  @Override
  public Optional<Credentials> credentials(String userId, String platform) {
    Credentials given = perUser.get(key(userId, platform));
    if (given != null) {
      return Optional.of(given);
    }
    String fromEnv = environment.apply(environmentVariable(platform));
    if (fromEnv != null && !fromEnv.isBlank()) {
      return Optional.of(Credentials.of(platform, fromEnv.trim()));
    }
    if (platform.equals("memory")) {
      return Optional.of(Credentials.of("memory", "memory-user-" + userId));
    }
    return Optional.empty();
  }
}
