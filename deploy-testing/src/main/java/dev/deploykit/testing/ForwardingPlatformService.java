package dev.deploykit.testing;

import dev.deploykit.core.DeploymentTarget;
import dev.deploykit.core.GeneratedFile;
import dev.deploykit.core.spi.BuildStatus;
import dev.deploykit.core.spi.CreateProjectRequest;
import dev.deploykit.core.spi.LogSink;
import dev.deploykit.core.spi.LogStream;
import dev.deploykit.core.spi.PlatformDeployment;
import dev.deploykit.core.spi.PlatformProject;
import dev.deploykit.core.spi.PlatformService;
import dev.deploykit.core.spi.UploadListener;
import dev.deploykit.core.spi.UploadResult;
import dev.deploykit.env.EnvironmentVariable;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * A {@link PlatformService} that passes every call to another one: extend it and override the
 * calls a test wants to count, hold, fail or change, e.g. an {@link InMemoryPlatform} service whose
 * trigger waits for the test:
 *
 * <pre>{@code
 * PlatformService held = new ForwardingPlatformService(memory.create(context)) {
 *   @Override
 *   public CompletableFuture<PlatformDeployment> triggerDeployment(PlatformProject p,
 *       UploadResult u, List<GeneratedFile> f, DeploymentTarget t) {
 *     return gate.thenCompose(v -> super.triggerDeployment(p, u, f, t));
 *   }
 * };
 * }</pre>
 *
 * <p>Thread-safe if the delegate is and the overrides are.
 */
public class ForwardingPlatformService implements PlatformService {
  private final PlatformService delegate;

  /**
   * Forwards to {@code delegate}.
   *
   * @throws NullPointerException if {@code delegate} is null
   */
  public ForwardingPlatformService(PlatformService delegate) {
    this.delegate = Objects.requireNonNull(delegate, "delegate");
  }

  /** Returns the service calls are passed to. */
  protected final PlatformService delegate() {
    return delegate;
  }

  @Override
  public CompletableFuture<PlatformProject> createProject(CreateProjectRequest request) {
    return delegate.createProject(request);
  }

  @Override
  public CompletableFuture<Void> setEnvironmentVariables(PlatformProject project,
      List<EnvironmentVariable> variables, DeploymentTarget target) {
    return delegate.setEnvironmentVariables(project, variables, target);
  }

  @Override
  public CompletableFuture<UploadResult> uploadFiles(PlatformProject project,
      List<GeneratedFile> files, UploadListener listener) {
    return delegate.uploadFiles(project, files, listener);
  }

  @Override
  public CompletableFuture<PlatformDeployment> triggerDeployment(PlatformProject project,
      UploadResult upload, List<GeneratedFile> files, DeploymentTarget target) {
    return delegate.triggerDeployment(project, upload, files, target);
  }

  @Override
  public CompletableFuture<BuildStatus> getDeploymentStatus(PlatformProject project,
      String deploymentId) {
    return delegate.getDeploymentStatus(project, deploymentId);
  }

  @Override
  public LogStream streamBuildLogs(PlatformProject project, String deploymentId, LogSink sink) {
    return delegate.streamBuildLogs(project, deploymentId, sink);
  }

  @Override
  public CompletableFuture<Void> cancelDeployment(PlatformProject project, String deploymentId) {
    return delegate.cancelDeployment(project, deploymentId);
  }
}
