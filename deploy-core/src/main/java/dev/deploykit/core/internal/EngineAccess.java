package dev.deploykit.core.internal;

import dev.deploykit.core.DeploymentOrchestrator;
import java.util.Objects;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Not API: the door another deploykit engine (deploy-temporal) uses to run the shared {@link
 * DeploymentSteps} with the platforms, credentials, HTTP client and threads of a configured {@link
 * DeploymentOrchestrator}, so the step logic is written once. It may change or go away in any
 * release; applications must not call it. Thread-safe.
 */
public final class EngineAccess {
  private static volatile @Nullable Function<DeploymentOrchestrator, RunSettings> accessor;

  private EngineAccess() {}

  /** Called once by {@link DeploymentOrchestrator}'s class initialiser; later calls are ignored. */
  public static synchronized void register(Function<DeploymentOrchestrator, RunSettings> a) {
    if (accessor == null) {
      accessor = Objects.requireNonNull(a, "accessor");
    }
  }

  /** Returns the settings every run of {@code orchestrator} shares. */
  public static RunSettings settings(DeploymentOrchestrator orchestrator) {
    Objects.requireNonNull(orchestrator, "orchestrator");
    Function<DeploymentOrchestrator, RunSettings> a = accessor;
    if (a == null) {
      throw new AssertionError("DeploymentOrchestrator registers its accessor when it is loaded");
    }
    return a.apply(orchestrator);
  }

  /** Returns the deployment steps over {@code orchestrator}'s settings. */
  public static DeploymentSteps steps(DeploymentOrchestrator orchestrator) {
    return new DeploymentSteps(settings(orchestrator));
  }
}
