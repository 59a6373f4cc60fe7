package dev.deploykit.core.spi;

import java.util.Optional;

/**
 * Finds a user's token for a platform. The default looks at the per-user tokens given to the
 * orchestrator's builder, then the environment variables {@code VERCEL_TOKEN}, {@code RAILWAY_TOKEN},
 * {@code RENDER_API_KEY} and {@code GITHUB_TOKEN}. Must be thread-safe and must not block for long.
 */
@FunctionalInterface
public interface CredentialsProvider {

  /** Returns the credentials of {@code userId} for {@code platform}, if there are any. */
  Optional<Credentials> credentials(String userId, String platform);
}
