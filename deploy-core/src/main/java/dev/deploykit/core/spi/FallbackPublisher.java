package dev.deploykit.core.spi;

import dev.deploykit.core.FallbackOption;
import dev.deploykit.core.FallbackResult;
import dev.deploykit.core.GeneratedFile;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Publishes a deployment's files somewhere other than a hosting platform, for {@link
 * dev.deploykit.core.DeploymentOrchestrator#fallback}. Found with {@link java.util.ServiceLoader}
 * ({@code META-INF/services/dev.deploykit.core.spi.FallbackPublisher}) or registered on the builder;
 * deploy-github provides the {@link FallbackOption#GITHUB_REPO} one. ZIP is built in.
 *
 * <p>Like a {@link PlatformProvider}: a public no-argument constructor, no I/O until called.
 */
public interface FallbackPublisher {

  /** Returns the fallback this publisher performs. */
  FallbackOption option();

  /**
   * Returns the id of the platform whose credentials and settings the publisher needs (e.g. {@code
   * github}): the orchestrator builds {@code context} for it.
   */
  String platform();

  /**
   * Publishes {@code files} as project {@code projectName}; returns at once.
   *
   * @param context credentials, HTTP client and settings for {@link #platform()}
   */
  CompletableFuture<FallbackResult> publish(
      String projectName, List<GeneratedFile> files, PlatformContext context);
}
