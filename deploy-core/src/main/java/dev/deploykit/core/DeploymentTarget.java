package dev.deploykit.core;

/** Which environment of the platform a deployment goes to. */
public enum DeploymentTarget {
  /** The production environment, at the project's production URL. */
  PRODUCTION,
  /** A preview environment, at a URL of its own. */
  PREVIEW
}
