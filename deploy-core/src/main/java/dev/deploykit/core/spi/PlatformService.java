package dev.deploykit.core.spi;

import dev.deploykit.core.DeploymentTarget;
import dev.deploykit.core.GeneratedFile;
import dev.deploykit.env.EnvironmentVariable;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Speaks to one platform for one deployment: the seed's six operations plus cancel.
 *
 * <p>Every operation returns at once with a future; none blocks the calling thread or sleeps (wait
 * with the context's scheduler). Cancelling a returned future asks the adapter to stop the work
 * (abort the HTTP exchange); adapters complete futures exceptionally with a {@link
 * dev.deploykit.core.DeploymentException} whose {@link dev.deploykit.core.ErrorCode} says what
 * happened. The orchestrator calls the operations in this order: createProject,
 * setEnvironmentVariables, uploadFiles, triggerDeployment, then getDeploymentStatus and
 * streamBuildLogs until the deployment is terminal. Each operation must be safe to repeat after a
 * failure.
 *
 * <p>Error codes an adapter is expected to use: AUTH_FAILED (401), INSUFFICIENT_PERMISSIONS (403),
 * PROJECT_NAME_TAKEN (the name belongs to somebody else: never silently adopt it),
 * RATE_LIMIT_EXCEEDED (with retry-after), PLATFORM_UNAVAILABLE (5xx, connection failures, malformed
 * answers), UPLOAD_FAILED, BUILD_FAILED, INVALID_CONFIG (a request the platform refuses as wrong).
 */
public interface PlatformService {

  /** Creates the project, or returns ours if it exists and belongs to this account. */
  CompletableFuture<PlatformProject> createProject(CreateProjectRequest request);

  /**
   * Sets every variable on the project, replacing values already there, for the target's
   * environment.
   */
  CompletableFuture<Void> setEnvironmentVariables(
      PlatformProject project, List<EnvironmentVariable> variables, DeploymentTarget target);

  /**
   * Uploads the files. Temporary failures are retried by the orchestrator, so one call makes one
   * attempt at each file (an adapter may retry single requests of a multi-request upload itself).
   */
  CompletableFuture<UploadResult> uploadFiles(
      PlatformProject project, List<GeneratedFile> files, UploadListener listener);

  /**
   * Starts the build of what was uploaded, or returns the deployment the upload started ({@link
   * UploadResult#deploymentId()}).
   */
  CompletableFuture<PlatformDeployment> triggerDeployment(
      PlatformProject project, UploadResult upload, List<GeneratedFile> files, DeploymentTarget target);

  /** Returns the deployment's status now. */
  CompletableFuture<BuildStatus> getDeploymentStatus(PlatformProject project, String deploymentId);

  /**
   * Streams the build log to {@code sink} until the deployment is terminal or the stream is closed;
   * returns at once. Without build logs, return {@link LogStream#none()}.
   */
  LogStream streamBuildLogs(PlatformProject project, String deploymentId, LogSink sink);

  /**
   * Asks the platform to cancel the deployment. The default does nothing: the build, if any, goes
   * on on the platform.
   */
  default CompletableFuture<Void> cancelDeployment(PlatformProject project, String deploymentId) {
    return CompletableFuture.completedFuture(null);
  }
}
