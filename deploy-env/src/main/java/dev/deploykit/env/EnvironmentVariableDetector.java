package dev.deploykit.env;

import dev.deploykit.env.internal.RuleCatalogue;
import dev.deploykit.env.spi.FeatureRule;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Works out the environment variables an app needs from its {@link ScaffoldConfig}.
 *
 * <p>The rules come from the built-in catalogue (a resource of this module) and from installed {@link
 * dev.deploykit.env.spi.VariableRuleProvider}s. Thread-safe.
 */
public final class EnvironmentVariableDetector {
  private final RuleCatalogue catalogue;

  private EnvironmentVariableDetector(RuleCatalogue catalogue) {
    this.catalogue = catalogue;
  }

  /** Returns a detector over the built-in catalogue and every installed rule provider. */
  public static EnvironmentVariableDetector create() {
    return new EnvironmentVariableDetector(RuleCatalogue.installed());
  }

  /**
   * Returns every variable {@code config} needs, once each, without values.
   *
   * <p>The order is stable: by {@link FeatureCategory} (database, auth, OAuth providers in the
   * config's order, AI template, AI provider, services, then the variables every app gets), and
   * within a category in catalogue order. A key two features share (Supabase database and Supabase
   * auth) appears once, as the first feature declared it.
   */
  public List<EnvironmentVariable> detect(ScaffoldConfig config) {
    Objects.requireNonNull(config, "config");
    Map<String, EnvironmentVariable> byKey = new LinkedHashMap<>();
    add(byKey, FeatureCategory.FRAMEWORK, config.framework());
    add(byKey, FeatureCategory.DATABASE, config.database());
    add(byKey, FeatureCategory.AUTH, config.auth());
    config.oauthProviders().forEach(p -> add(byKey, FeatureCategory.OAUTH_PROVIDER, p));
    add(byKey, FeatureCategory.AI_TEMPLATE, config.aiTemplate());
    add(byKey, FeatureCategory.AI_PROVIDER, config.aiProvider());
    config.services().forEach(s -> add(byKey, FeatureCategory.SERVICE, s));
    for (String option : catalogue.options(FeatureCategory.ALWAYS)) {
      add(byKey, FeatureCategory.ALWAYS, option);
    }
    return List.copyOf(new ArrayList<>(byKey.values()));
  }

  private void add(Map<String, EnvironmentVariable> byKey, FeatureCategory category, String option) {
    if (option == null) {
      return;
    }
    for (FeatureRule rule : catalogue.rules(category, option)) {
      for (EnvironmentVariable variable : rule.variables()) {
        EnvironmentVariable tagged = variable.feature() == null
            ? variable.toBuilder().feature(option).build()
            : variable;
        byKey.putIfAbsent(tagged.key(), tagged);
      }
    }
  }
}
