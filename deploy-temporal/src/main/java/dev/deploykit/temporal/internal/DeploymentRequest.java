package dev.deploykit.temporal.internal;

import dev.deploykit.core.Deployment;
import dev.deploykit.core.DeploymentStatus;
import dev.deploykit.core.spi.DeploymentCheckpoint;
import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Not API: the input of one deployment workflow, as it is kept in the workflow's history. It holds
 * no file and no secret: the checkpoint has the variables' names and the files' manifest hash;
 * activities get the files and values from the worker's config source and the token from its
 * credentials provider.
 *
 * @param deploymentId deploykit's id, also the workflow id
 * @param userId whose credentials the activities use
 * @param projectName the project's name
 * @param platform the platform id
 * @param idempotencyKey the config's key, or null
 * @param checkpoint the first checkpoint (target, settings, variable names, manifest hash, and
 *     whether and where the URL is checked after success: {@code verifyUrl}, {@code healthPath})
 * @param createdAt when the deployment was started
 * @param timeoutMillis the deployment's timeout
 * @param pollInitialMillis the first status-poll interval
 * @param pollMaxMillis the longest status-poll interval
 * @param uploadAttempts how many times an upload is tried
 * @param uploadInitialMillis the first wait between upload attempts
 * @param uploadMaxMillis the longest wait between upload attempts
 * @param pollAttempts how many failed polls in a row end the deployment
 * @param verifyTimeoutMillis the timeout of the GET of the URL after success; 0 (a request from
 *     before the URL was checked) means the worker's own
 */
public record DeploymentRequest(
    String deploymentId,
    String userId,
    String projectName,
    String platform,
    @Nullable String idempotencyKey,
    DeploymentCheckpoint checkpoint,
    Instant createdAt,
    long timeoutMillis,
    long pollInitialMillis,
    long pollMaxMillis,
    int uploadAttempts,
    long uploadInitialMillis,
    long uploadMaxMillis,
    int pollAttempts,
    long verifyTimeoutMillis) {

  /** Returns the deployment as it was when started (PENDING). */
  public Deployment initial(Instant now) {
    return new Deployment(deploymentId, userId, projectName, platform, DeploymentStatus.PENDING,
        null, null, null, null, idempotencyKey, createdAt, now, List.of(), null);
  }
}
