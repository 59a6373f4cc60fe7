package dev.deploykit.env;

import dev.deploykit.env.spi.FeatureRule;
import dev.deploykit.env.spi.VariableRuleProvider;
import java.util.List;

/** A rule provider found through ServiceLoader, as a vendor would publish one. */
public final class AcmeQueueRules implements VariableRuleProvider {

  @Override
  public List<FeatureRule> rules() {
    return List.of(
        new FeatureRule(
            FeatureCategory.SERVICE,
            "acme-queue",
            List.of(
                EnvironmentVariable.builder("ACME_QUEUE_URL")
                    .kind(VariableKind.URL)
                    .required(true)
                    .description("Queue endpoint from the Acme console.")
                    .example("https://queue.acme.example/v1")
                    .build())),
        // Adds a variable to an option the built-in catalogue already knows.
        new FeatureRule(
            FeatureCategory.SERVICE,
            "redis",
            List.of(
                EnvironmentVariable.builder("REDIS_URL").kind(VariableKind.TEXT).build(),
                EnvironmentVariable.builder("ACME_REDIS_NAMESPACE")
                    .description("Key prefix for this app.")
                    .example("my-app")
                    .build())));
  }
}
