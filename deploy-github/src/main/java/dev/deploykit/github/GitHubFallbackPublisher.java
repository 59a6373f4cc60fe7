package dev.deploykit.github;

import dev.deploykit.core.DeploymentException;
import dev.deploykit.core.FallbackOption;
import dev.deploykit.core.FallbackResult;
import dev.deploykit.core.GeneratedFile;
import dev.deploykit.core.spi.FallbackPublisher;
import dev.deploykit.core.spi.PlatformContext;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * The {@link FallbackOption#GITHUB_REPO} fallback: publishes a deployment's files to a GitHub
 * repository named after the project, as one commit, with {@link GitHubPublisher}. Found by the
 * orchestrator with {@link java.util.ServiceLoader}; {@code orchestrator.fallback(deployment,
 * FallbackOption.GITHUB_REPO)} runs it with the user's GitHub credentials and the {@code github.*}
 * settings (e.g. {@code github.apiUrl}, {@code github.org}, {@code github.private}).
 *
 * <p>The result's location is the repository's page; its details hold {@code commitSha}, {@code
 * branch}, {@code repository} ({@code owner/name}), {@code created} and {@code changed}. The future
 * fails with a {@link DeploymentException} as {@link GitHubPublisher} describes. Stateless and
 * thread-safe; the no-argument constructor does nothing.
 */
public final class GitHubFallbackPublisher implements FallbackPublisher {

  /** Creates the publisher; no I/O. */
  public GitHubFallbackPublisher() {}

  @Override
  public FallbackOption option() {
    return FallbackOption.GITHUB_REPO;
  }

  @Override
  public String platform() {
    return "github";
  }

  @Override
  public CompletableFuture<FallbackResult> publish(
      String projectName, List<GeneratedFile> files, PlatformContext context) {
    Objects.requireNonNull(projectName, "projectName");
    Objects.requireNonNull(files, "files");
    Objects.requireNonNull(context, "context");
    GitHubPublisher publisher;
    try {
      publisher = GitHubPublisher.create(context);
    } catch (DeploymentException e) {
      return CompletableFuture.failedFuture(e);
    }
    return publisher.publish(projectName, files).thenApply(r -> new FallbackResult(
        FallbackOption.GITHUB_REPO, r.repository().htmlUrl(), Map.of(
            "commitSha", r.commitSha(),
            "branch", r.branch(),
            "repository", r.repository().fullName(),
            "created", String.valueOf(r.repository().created()),
            "changed", String.valueOf(r.changed()))));
  }

  @Override
  public String toString() {
    return "GitHubFallbackPublisher";
  }
}
