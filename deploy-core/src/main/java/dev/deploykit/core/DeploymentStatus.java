package dev.deploykit.core;

/** Where a deployment is. The last four are terminal: nothing changes a deployment after them. */
public enum DeploymentStatus {
  /** Recorded, not started. */
  PENDING,
  /** Generating the project's files, or reading them from a folder. */
  GENERATING,
  /** Creating the project on the platform. */
  CREATING_PROJECT,
  /** Setting the environment variables. */
  CONFIGURING,
  /** Uploading the files. */
  UPLOADING,
  /** The platform is building; status is polled and build logs stream. */
  BUILDING,
  /** Live at its URL. */
  SUCCESS,
  /** Ended with a {@link DeploymentError}. */
  FAILED,
  /** Did not finish within the deployment timeout; the build may still finish on the platform. */
  TIMED_OUT,
  /** Cancelled by a caller. */
  CANCELLED;

  /** Returns whether the deployment has ended. */
  public boolean isTerminal() {
    return this == SUCCESS || this == FAILED || this == TIMED_OUT || this == CANCELLED;
  }
}
