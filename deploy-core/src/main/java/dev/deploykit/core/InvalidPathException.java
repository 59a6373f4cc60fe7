package dev.deploykit.core;

/**
 * Thrown when a file's path would leave its project: absolute, a drive path, {@code ..}, a
 * backslash, a NUL or an empty segment. The code is {@link ErrorCode#INVALID_CONFIG}.
 */
public final class InvalidPathException extends DeploymentException {
  private static final long serialVersionUID = 1L;

  private final String path;

  /** Creates the exception for {@code path}, saying why it was refused. */
  public InvalidPathException(String path, String reason) {
    super(ErrorCode.INVALID_CONFIG, "File path '" + printable(path) + "' is not allowed: " + reason
        + ". Paths are relative to the project, use '/' and stay inside it.");
    this.path = path;
  }

  /** Returns the refused path. */
  public String path() {
    return path;
  }

  private static String printable(String path) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < path.length() && sb.length() < 200; i++) {
      char c = path.charAt(i);
      if (c < 0x20 || c == 0x7f) {
        sb.append(String.format("\\u%04x", (int) c));
      } else {
        sb.append(c);
      }
    }
    if (sb.length() >= 200) {
      sb.append("...");
    }
    return sb.toString();
  }
}
