package dev.deploykit.core.spi;

/**
 * Makes a {@link PlatformService} for one platform. Found with {@link java.util.ServiceLoader}
 * (list the class in {@code META-INF/services/dev.deploykit.core.spi.PlatformProvider}) or registered
 * explicitly on the orchestrator's builder.
 *
 * <p>A provider is a small factory: a public no-argument constructor, no I/O and no threads when it
 * is made. The working object is made later by {@link #create(PlatformContext)}. A provider may keep
 * what its services share across deployments (a cache, kept-alive connections and the threads that
 * use them, created on first use); it releases them in {@link #close()}.
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

  /**
   * Releases what the provider keeps across deployments (threads, connections). The orchestrator
   * calls it from its own {@code close()} for every provider it holds. A provider must stay usable
   * afterwards (it may be registered with another orchestrator): what it needs again, it creates
   * again. Must not throw. The default does nothing.
   */
  default void close() {}
}
