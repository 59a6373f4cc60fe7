package dev.deploykit.core;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One step of a deployment's progress, as its subscribers see it.
 *
 * <p>Sequence numbers start at 1 for each deployment and grow by one per update; subscribers
 * receive updates in sequence order. An update never holds a sensitive value.
 *
 * @param deploymentId the deployment
 * @param sequence the update's number within its deployment
 * @param status the deployment's status after this update
 * @param message what is happening, for a person
 * @param logLines build-log lines new since the previous update
 * @param deploymentUrl the URL, once known
 * @param error the failure, for a failed update
 * @param upload upload progress, while uploading
 * @param timestamp when the update was made
 */
public record ProgressUpdate(
    String deploymentId,
    long sequence,
    DeploymentStatus status,
    String message,
    List<String> logLines,
    @Nullable String deploymentUrl,
    @Nullable DeploymentError error,
    @Nullable UploadProgress upload,
    Instant timestamp) {

  /** Checks the arguments and copies the log lines. */
  public ProgressUpdate {
    Objects.requireNonNull(deploymentId, "deploymentId");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(message, "message");
    Objects.requireNonNull(timestamp, "timestamp");
    logLines = logLines == null ? List.of() : List.copyOf(logLines);
  }

  /** Returns whether this update ends the deployment. */
  public boolean isTerminal() {
    return status.isTerminal();
  }
}
