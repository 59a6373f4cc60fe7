package dev.deploykit.core.internal;

import dev.deploykit.core.DeploymentException;
import dev.deploykit.core.ErrorCode;
import dev.deploykit.core.spi.PlatformProvider;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * The platforms an orchestrator knows: those registered explicitly, then those found with {@link
 * ServiceLoader} (when discovery is on). Discovery runs once, lazily, on first use.
 */
public final class PlatformRegistry {
  private final List<PlatformProvider> explicit;
  private final boolean discover;
  private final @Nullable ClassLoader classLoader;
  private volatile @Nullable Map<String, PlatformProvider> byId;

  public PlatformRegistry(List<PlatformProvider> explicit, boolean discover, @Nullable ClassLoader loader) {
    this.explicit = List.copyOf(explicit);
    this.discover = discover;
    this.classLoader = loader;
    // Two explicit providers with one id are a mistake the caller can see at once.
    index(this.explicit, List.of());
  }

  /** Returns the ids of every known platform, sorted. */
  public List<String> ids() {
    return List.copyOf(providers().keySet());
  }

  /**
   * Returns the provider of {@code id}.
   *
   * @throws DeploymentException INVALID_CONFIG naming the ids found and the artifact to add
   */
  public PlatformProvider provider(String id) {
    PlatformProvider p = providers().get(id);
    if (p == null) {
      throw new DeploymentException(ErrorCode.INVALID_CONFIG,
          "Unknown platform '" + id + "'. Installed platforms: "
              + (providers().isEmpty() ? "none" : String.join(", ", providers().keySet()))
              + ". Add the artifact dev.deploykit:deploy-platform-" + id
              + " (or the vendor's adapter) to the classpath, or register its PlatformProvider on"
              + " the builder.");
    }
    return p;
  }

  /**
   * Closes every provider this registry holds (explicit, and discovered if discovery ran); a
   * provider that throws is logged and the others are still closed.
   */
  public void closeAll() {
    java.util.Set<PlatformProvider> all = java.util.Collections.newSetFromMap(
        new java.util.IdentityHashMap<>());
    all.addAll(explicit);
    Map<String, PlatformProvider> m = byId;
    if (m != null) {
      all.addAll(m.values());
    }
    for (PlatformProvider p : all) {
      try {
        p.close();
      } catch (RuntimeException e) {
        org.slf4j.LoggerFactory.getLogger(PlatformRegistry.class)
            .warn("Closing the {} platform provider failed", p.id(), e);
      }
    }
  }

  private Map<String, PlatformProvider> providers() {
    Map<String, PlatformProvider> m = byId;
    if (m == null) {
      synchronized (this) {
        m = byId;
        if (m == null) {
          m = index(explicit, discover ? Services.load(PlatformProvider.class, classLoader) : List.of());
          byId = m;
        }
      }
    }
    return m;
  }

  private static Map<String, PlatformProvider> index(
      List<PlatformProvider> explicit, List<PlatformProvider> discovered) {
    Map<String, PlatformProvider> m = new TreeMap<>();
    for (PlatformProvider p : explicit) {
      PlatformProvider before = m.putIfAbsent(p.id(), p);
      if (before != null) {
        throw duplicate(p.id(), before, p);
      }
    }
    for (PlatformProvider p : discovered) {
      PlatformProvider before = m.get(p.id());
      if (before == null) {
        m.put(p.id(), p);
      } else if (explicit.contains(before)) {
        // An explicit registration overrides discovery of the same id.
        continue;
      } else if (before.getClass() != p.getClass()) {
        throw duplicate(p.id(), before, p);
      }
    }
    return Map.copyOf(m);
  }

  private static DeploymentException duplicate(String id, PlatformProvider a, PlatformProvider b) {
    return new DeploymentException(ErrorCode.INVALID_CONFIG,
        "Two platform providers have the id '" + id + "': " + a.getClass().getName() + " and "
            + b.getClass().getName() + ". Remove one from the classpath or register the one you"
            + " want explicitly on the builder.");
  }
}
