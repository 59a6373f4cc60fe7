package dev.deploykit.examples.web;

import dev.deploykit.env.FeatureCategory;
import dev.deploykit.env.InvalidScaffoldConfigException;
import dev.deploykit.env.ScaffoldConfig;
import java.util.List;
import java.util.Map;

/**
 * The accepted values of each scaffold field, for the console's choosers.
 *
 * <p>deploy-env has no public listing of its catalogue, but the {@link
 * InvalidScaffoldConfigException} for an unknown option names every accepted value (the built-in
 * catalogue's and those of installed rule providers), so one probe per field reads them through
 * the public API.
 */
final class ScaffoldOptions {
  private static final String PROBE = "deploykit-web-probe-not-an-option";

  private ScaffoldOptions() {}

  /** Returns the accepted values by JSON field name, in catalogue order. */
  static Map<String, List<String>> read() {
    return Map.of(
        "database", accepted(FeatureCategory.DATABASE),
        "auth", accepted(FeatureCategory.AUTH),
        "oauthProviders", accepted(FeatureCategory.OAUTH_PROVIDER),
        "aiTemplate", accepted(FeatureCategory.AI_TEMPLATE),
        "aiProvider", accepted(FeatureCategory.AI_PROVIDER),
        "services", accepted(FeatureCategory.SERVICE));
  }

  static List<String> accepted(FeatureCategory category) {
    ScaffoldConfig.Builder b = ScaffoldConfig.builder();
    switch (category) {
      case FRAMEWORK -> b.framework(PROBE);
      case DATABASE -> b.database(PROBE);
      case AUTH -> b.auth(PROBE);
      case OAUTH_PROVIDER -> b.auth("nextauth").oauthProvider(PROBE);
      case AI_TEMPLATE -> b.aiTemplate(PROBE);
      case AI_PROVIDER -> b.aiProvider(PROBE);
      case SERVICE -> b.service(PROBE);
      case ALWAYS -> {
        return List.of();
      }
    }
    try {
      b.build();
    } catch (InvalidScaffoldConfigException e) {
      return List.copyOf(e.acceptedValues());
    }
    return List.of();
  }
}
