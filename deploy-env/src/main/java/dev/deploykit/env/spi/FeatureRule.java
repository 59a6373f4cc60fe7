package dev.deploykit.env.spi;

import dev.deploykit.env.EnvironmentVariable;
import dev.deploykit.env.FeatureCategory;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * A detection rule: when a {@link dev.deploykit.env.ScaffoldConfig} chooses {@code option} in {@code
 * category}, the app needs {@code variables}.
 *
 * <p>A rule with no variables still declares {@code option} an accepted value (a framework or an AI
 * template that needs nothing of its own, say).
 *
 * @param category the config field the rule answers to
 * @param option the option's value, lower case, e.g. {@code prisma-postgres}
 * @param variables the variables the option needs, in the order they are shown
 */
public record FeatureRule(FeatureCategory category, String option, List<EnvironmentVariable> variables) {

  /** Checks the arguments and copies the list; the option is stored in lower case. */
  public FeatureRule {
    Objects.requireNonNull(category, "category");
    Objects.requireNonNull(option, "option");
    option = option.trim().toLowerCase(Locale.ROOT);
    if (option.isEmpty() || option.equals("none")) {
      throw new IllegalArgumentException("A rule's option must be a real value, was '" + option + "'");
    }
    variables = List.copyOf(variables);
  }
}
