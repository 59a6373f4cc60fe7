package dev.deploykit.core;

/** A way to get the generated code out when the platform cannot take it. */
public enum FallbackOption {
  /** Publish the files to a GitHub repository as one commit (deploy-github). */
  GITHUB_REPO,
  /** Download the files as a ZIP archive ({@link ZipExport}). */
  ZIP
}
