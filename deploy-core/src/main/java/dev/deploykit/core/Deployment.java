package dev.deploykit.core;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A deployment at one moment: a snapshot. Each change makes a new one; the orchestrator's {@link
 * DeploymentOrchestrator#find(String)} returns the latest.
 *
 * @param id deploykit's id for the deployment
 * @param userId the user it was made for
 * @param projectName the project's name
 * @param platform the platform id
 * @param status where it is
 * @param deploymentUrl the live URL, once known
 * @param platformProjectId the platform's id for the project, once created
 * @param platformDeploymentId the platform's id for the deployment, once started
 * @param error why it failed, for {@code FAILED} and {@code TIMED_OUT}
 * @param idempotencyKey the config's idempotency key, if any
 * @param createdAt when it was recorded
 * @param updatedAt when this snapshot was made
 * @param logTail the last lines of the build log (bounded)
 * @param urlCheck the result of the GET of the URL after success, if one was made
 */
public record Deployment(
    String id,
    String userId,
    String projectName,
    String platform,
    DeploymentStatus status,
    @Nullable String deploymentUrl,
    @Nullable String platformProjectId,
    @Nullable String platformDeploymentId,
    @Nullable DeploymentError error,
    @Nullable String idempotencyKey,
    Instant createdAt,
    Instant updatedAt,
    List<String> logTail,
    @Nullable UrlCheck urlCheck) {

  /** Checks the arguments and copies the log tail. */
  public Deployment {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(userId, "userId");
    Objects.requireNonNull(projectName, "projectName");
    Objects.requireNonNull(platform, "platform");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(createdAt, "createdAt");
    Objects.requireNonNull(updatedAt, "updatedAt");
    logTail = logTail == null ? List.of() : List.copyOf(logTail);
  }

  /** Returns whether the deployment has ended. */
  public boolean isTerminal() {
    return status.isTerminal();
  }

  /** Returns a copy in {@code newStatus} at {@code now}. */
  public Deployment withStatus(DeploymentStatus newStatus, Instant now) {
    return new Deployment(id, userId, projectName, platform, newStatus, deploymentUrl,
        platformProjectId, platformDeploymentId, error, idempotencyKey, createdAt, now, logTail,
        urlCheck);
  }

  /** Returns a copy with the platform's project id. */
  public Deployment withPlatformProjectId(@Nullable String projectId) {
    return new Deployment(id, userId, projectName, platform, status, deploymentUrl, projectId,
        platformDeploymentId, error, idempotencyKey, createdAt, updatedAt, logTail, urlCheck);
  }

  /** Returns a copy with the platform's deployment id. */
  public Deployment withPlatformDeploymentId(@Nullable String deploymentId) {
    return new Deployment(id, userId, projectName, platform, status, deploymentUrl,
        platformProjectId, deploymentId, error, idempotencyKey, createdAt, updatedAt, logTail,
        urlCheck);
  }

  /** Returns a copy with the URL. */
  public Deployment withDeploymentUrl(@Nullable String url) {
    return new Deployment(id, userId, projectName, platform, status, url, platformProjectId,
        platformDeploymentId, error, idempotencyKey, createdAt, updatedAt, logTail, urlCheck);
  }

  /** Returns a copy with the error. */
  public Deployment withError(@Nullable DeploymentError newError) {
    return new Deployment(id, userId, projectName, platform, status, deploymentUrl,
        platformProjectId, platformDeploymentId, newError, idempotencyKey, createdAt, updatedAt,
        logTail, urlCheck);
  }

  /** Returns a copy with the log tail. */
  public Deployment withLogTail(List<String> tail) {
    return new Deployment(id, userId, projectName, platform, status, deploymentUrl,
        platformProjectId, platformDeploymentId, error, idempotencyKey, createdAt, updatedAt, tail,
        urlCheck);
  }

  /** Returns a copy with the URL check. */
  public Deployment withUrlCheck(@Nullable UrlCheck check) {
    return new Deployment(id, userId, projectName, platform, status, deploymentUrl,
        platformProjectId, platformDeploymentId, error, idempotencyKey, createdAt, updatedAt,
        logTail, check);
  }
}
