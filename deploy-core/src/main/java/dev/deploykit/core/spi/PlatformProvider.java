package dev.deploykit.core.spi;

/**
 * Makes a {@link PlatformService} for one platform. Found with {@link java.util.ServiceLoader}
 * (list the class in {@code META-INF/services/dev.deploykit.core.spi.PlatformProvider}) or registered
 * explicitly on the orchestrator's builder.
 *
 * <p>A provider is a small stateless factory: a public no-argument constructor, no I/O, no threads.
 * The working object is made later by {@link #create(PlatformContext)}.
 */
public interface PlatformProvider {

  /** Returns the platform's id, lower case, e.g. {@code vercel}: what a config names. */
  String id();

  /** Returns the platform's name for people, e.g. {@code Vercel}. */
  String displayName();

  /**
   * Returns a service that speaks to the platform with the context's credentials, HTTP client and
   * settings. Called once per deployment; must not block.
   */
  PlatformService create(PlatformContext context);
}
