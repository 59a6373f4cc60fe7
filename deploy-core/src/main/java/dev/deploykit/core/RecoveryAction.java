package dev.deploykit.core;

/** What a {@link RecoveryPlan} asks the user (or the calling code) to do after a failure. */
public enum RecoveryAction {
  /** Reconnect the platform account or supply a new token with the right scope. */
  RECONNECT,
  /** Try the same deployment again, after {@link RecoveryPlan#retryAfter()} when set. */
  RETRY,
  /** Change something by hand (the project name, a setting) and deploy again. */
  MANUAL,
  /** Deploy to another platform, one of {@link RecoveryPlan#alternativePlatforms()}. */
  ALTERNATIVE,
  /** Look at something first (the build log, the platform dashboard) before deploying again. */
  CHECK,
  /** Take the code out another way: one of {@link RecoveryPlan#fallbackOptions()}. */
  FALLBACK
}
