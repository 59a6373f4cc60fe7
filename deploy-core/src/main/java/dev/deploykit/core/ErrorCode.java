package dev.deploykit.core;

/** What kind of failure a {@link DeploymentError} is. */
public enum ErrorCode {
  /** The platform refused the credentials (missing, expired or revoked token). */
  AUTH_FAILED,
  /** A project of that name exists and is not ours to use. */
  PROJECT_NAME_TAKEN,
  /** The platform's build of the app failed. */
  BUILD_FAILED,
  /** The platform answered with a server error, or could not be reached. */
  PLATFORM_UNAVAILABLE,
  /** A step, or the whole deployment, took longer than allowed. */
  TIMEOUT,
  /** The files could not be uploaded. */
  UPLOAD_FAILED,
  /** The platform's rate limit was hit; {@link DeploymentError#retryAfter()} says when to retry. */
  RATE_LIMIT_EXCEEDED,
  /** The deployment's configuration is wrong: invalid variables, an unknown platform, a bad name. */
  INVALID_CONFIG,
  /** The credentials work but lack a permission the step needs. */
  INSUFFICIENT_PERMISSIONS,
  /** Anything else; the cause is kept. */
  UNKNOWN
}
