package dev.deploykit.env.internal;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.deploykit.env.FeatureCategory;
import dev.deploykit.env.spi.FeatureRule;
import dev.deploykit.env.spi.VariableRuleProvider;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The detection rules in force: the built-in catalogue resource, then every {@link
 * VariableRuleProvider} found with {@link ServiceLoader}, ordered by class name.
 */
public final class RuleCatalogue {
  private static final Logger LOG = LoggerFactory.getLogger(RuleCatalogue.class);
  private static final String RESOURCE = "/dev/deploykit/env/catalogue.json";

  private static volatile @Nullable RuleCatalogue installed;

  private final Map<FeatureCategory, Map<String, List<FeatureRule>>> rules;

  RuleCatalogue(List<FeatureRule> all) {
    Map<FeatureCategory, Map<String, List<FeatureRule>>> byCategory =
        new EnumMap<>(FeatureCategory.class);
    for (FeatureCategory c : FeatureCategory.values()) {
      byCategory.put(c, new LinkedHashMap<>());
    }
    for (FeatureRule rule : all) {
      byCategory.get(rule.category()).computeIfAbsent(rule.option(), o -> new ArrayList<>()).add(rule);
    }
    byCategory.replaceAll((c, m) -> {
      m.replaceAll((o, l) -> List.copyOf(l));
      return Collections.unmodifiableMap(m);
    });
    this.rules = Collections.unmodifiableMap(byCategory);
  }

  /** Returns the rules of this class loader's installation, loading them on first use. */
  public static RuleCatalogue installed() {
    RuleCatalogue c = installed;
    if (c == null) {
      synchronized (RuleCatalogue.class) {
        c = installed;
        if (c == null) {
          c = load();
          installed = c;
        }
      }
    }
    return c;
  }

  private static RuleCatalogue load() {
    List<FeatureRule> all = new ArrayList<>(builtIn());
    ClassLoader loader = Thread.currentThread().getContextClassLoader();
    if (loader == null) {
      loader = RuleCatalogue.class.getClassLoader();
    }
    List<VariableRuleProvider> providers = new ArrayList<>();
    Iterator<VariableRuleProvider> it = ServiceLoader.load(VariableRuleProvider.class, loader).iterator();
    while (true) {
      try {
        if (!it.hasNext()) {
          break;
        }
        providers.add(it.next());
      } catch (ServiceConfigurationError e) {
        LOG.warn("Skipping a VariableRuleProvider that failed to load: {}. Check the class named in"
            + " META-INF/services/{} has a public no-argument constructor.",
            e.getMessage(), VariableRuleProvider.class.getName());
      }
    }
    providers.sort(Comparator.comparing(p -> p.getClass().getName()));
    for (VariableRuleProvider provider : providers) {
      try {
        all.addAll(List.copyOf(provider.rules()));
      } catch (RuntimeException e) {
        LOG.warn("Skipping the rules of {}: {}", provider.getClass().getName(), e.toString());
      }
    }
    return new RuleCatalogue(all);
  }

  /** Returns the rules of the built-in catalogue resource. */
  public static List<FeatureRule> builtIn() {
    ObjectMapper mapper = JsonMapper.builder()
        .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
        .build();
    try (InputStream in = RuleCatalogue.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("deploy-env is damaged: " + RESOURCE + " is missing");
      }
      JsonNode root = mapper.readTree(in);
      List<FeatureRule> out = new ArrayList<>();
      for (JsonNode rule : root.path("rules")) {
        out.add(mapper.treeToValue(rule, FeatureRule.class));
      }
      return List.copyOf(out);
    } catch (IOException e) {
      throw new UncheckedIOException("deploy-env could not read " + RESOURCE, e);
    }
  }

  /** Returns the accepted options of a category, in catalogue order. */
  public List<String> options(FeatureCategory category) {
    return List.copyOf(rules.get(category).keySet());
  }

  /** Returns whether {@code option} is accepted in {@code category}. */
  public boolean accepts(FeatureCategory category, String option) {
    return rules.get(category).containsKey(option);
  }

  /** Returns the rules for an option, empty if unknown. */
  public List<FeatureRule> rules(FeatureCategory category, String option) {
    return rules.get(category).getOrDefault(option, List.of());
  }
}
