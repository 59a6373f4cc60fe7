package dev.deploykit.core;

/** How bad a {@link DeploymentError} is, as {@link DeploymentErrorHandler#classifyError} sees it. */
public enum ErrorSeverity {
  /** Nothing works until a person acts: credentials, permissions, or an unexpected failure. */
  CRITICAL,
  /** The deployment can succeed once something is changed: a name, a setting, the code. */
  RECOVERABLE,
  /** The same request is likely to succeed later: the platform is busy, limited or slow. */
  TEMPORARY
}
