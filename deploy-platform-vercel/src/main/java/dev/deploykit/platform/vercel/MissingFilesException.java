package dev.deploykit.platform.vercel;

import dev.deploykit.core.DeploymentError;
import dev.deploykit.core.DeploymentException;
import java.util.List;

/** Vercel's {@code missing_files} answer to create-deployment: the SHA-1s it lacks. */
final class MissingFilesException extends DeploymentException {
  private static final long serialVersionUID = 1L;

  private final transient List<String> missing;

  MissingFilesException(DeploymentError error, List<String> missing) {
    super(error);
    this.missing = List.copyOf(missing);
  }

  List<String> missing() {
    return missing;
  }
}
