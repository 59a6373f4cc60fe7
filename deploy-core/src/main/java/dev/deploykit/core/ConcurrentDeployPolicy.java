package dev.deploykit.core;

/** What a {@code deploy} does while another deployment of the same project and platform runs. */
public enum ConcurrentDeployPolicy {
  /** Wait for the running one to end (bounded by the orchestrator's wait limit), then start. */
  WAIT,
  /** Fail at once with {@link ErrorCode#INVALID_CONFIG}, naming the running deployment. */
  FAIL_FAST
}
