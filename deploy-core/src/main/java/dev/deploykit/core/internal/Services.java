package dev.deploykit.core.internal;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** ServiceLoader discovery and per-platform settings, shared by the orchestrator's lookups. */
public final class Services {
  private static final Logger LOG = LoggerFactory.getLogger(Services.class);

  private Services() {}

  /**
   * Returns every implementation of {@code type} the class loader finds (the given one, else the
   * thread's context loader, else core's). One that fails to load is logged and skipped.
   */
  public static <T> List<T> load(Class<T> type, @Nullable ClassLoader classLoader) {
    ClassLoader loader = classLoader != null ? classLoader
        : Thread.currentThread().getContextClassLoader() != null
            ? Thread.currentThread().getContextClassLoader()
            : Services.class.getClassLoader();
    List<T> found = new ArrayList<>();
    Iterator<T> it = ServiceLoader.load(type, loader).iterator();
    while (true) {
      try {
        if (!it.hasNext()) {
          break;
        }
        found.add(it.next());
      } catch (ServiceConfigurationError e) {
        LOG.warn("Skipping a {} that failed to load: {}. Check the class named in"
            + " META-INF/services/{} is public with a public no-argument constructor.",
            type.getSimpleName(), e.getMessage(), type.getName());
      }
    }
    return found;
  }

  /**
   * Returns the settings of one platform: the keys of {@code sources} that start with {@code
   * <platform>.}, without that prefix; later sources win.
   */
  @SafeVarargs
  public static Map<String, String> settingsOf(String platform, Map<String, String>... sources) {
    Map<String, String> out = new TreeMap<>();
    String prefix = platform + ".";
    for (Map<String, String> source : sources) {
      source.forEach((k, v) -> {
        if (k.startsWith(prefix)) {
          out.put(k.substring(prefix.length()), v);
        }
      });
    }
    return out;
  }
}
