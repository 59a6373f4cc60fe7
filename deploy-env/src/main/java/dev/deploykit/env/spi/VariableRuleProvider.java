package dev.deploykit.env.spi;

import java.util.List;

/**
 * Contributes detection rules, found with {@link java.util.ServiceLoader}: list the implementing class
 * in {@code META-INF/services/dev.deploykit.env.spi.VariableRuleProvider}.
 *
 * <p>Rules add to the built-in catalogue: a new option becomes an accepted value of its {@link
 * dev.deploykit.env.ScaffoldConfig} field, and a rule for an existing option adds variables to it (a
 * variable whose key is already detected is not added twice; the first rule wins). Providers are
 * applied after the built-in catalogue, in the order of their class names, never in classpath order.
 *
 * <p>Implementations need a public no-argument constructor and must do no I/O in it. {@link #rules()}
 * is called once per class loader, lazily, and may read resources. A provider that fails is logged
 * and skipped.
 */
public interface VariableRuleProvider {

  /** Returns this provider's rules. */
  List<FeatureRule> rules();
}
