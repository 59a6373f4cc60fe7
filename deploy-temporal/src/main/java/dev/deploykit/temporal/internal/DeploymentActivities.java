package dev.deploykit.temporal.internal;

import dev.deploykit.core.UrlCheck;
import dev.deploykit.core.spi.BuildStatus;
import dev.deploykit.core.spi.DeploymentCheckpoint;
import dev.deploykit.core.spi.UploadResult;
import io.temporal.activity.ActivityInterface;

/**
 * Not API: the platform calls of a deployment, one activity each, each running the shared {@code
 * DeploymentSteps}. A failure is an {@code ApplicationFailure} whose type is the {@code ErrorCode}
 * name and whose details hold the {@code DeploymentError}.
 */
@ActivityInterface(namePrefix = "Deploykit")
public interface DeploymentActivities {
  /** Creates the project (or keeps the checkpoint's); returns the checkpoint with it. */
  DeploymentCheckpoint createProject(DeploymentRequest request, DeploymentCheckpoint checkpoint);

  /** Sets the environment variables that have values. */
  void configure(DeploymentRequest request, DeploymentCheckpoint checkpoint);

  /** Uploads the files, once per attempt. */
  UploadResult upload(DeploymentRequest request, DeploymentCheckpoint checkpoint);

  /** Starts the build (or keeps the checkpoint's); returns the checkpoint with it. */
  DeploymentCheckpoint trigger(DeploymentRequest request, DeploymentCheckpoint checkpoint,
      UploadResult upload);

  /**
   * Reads the build's status once: BUILDING, SUCCESS with its URL, or FAILED with the error that
   * ends the deployment (a build cancelled on the platform included).
   */
  BuildStatus poll(DeploymentRequest request, DeploymentCheckpoint checkpoint);

  /**
   * GETs {@code target} (the successful deployment's URL with its health path) once, as the
   * in-process engine does; never fails for the URL's sake: the check records the answer or why
   * there was none.
   */
  UrlCheck verifyUrl(DeploymentRequest request, String target);

  /** Asks the platform to cancel the build. */
  void cancelBuild(DeploymentRequest request, DeploymentCheckpoint checkpoint);
}
