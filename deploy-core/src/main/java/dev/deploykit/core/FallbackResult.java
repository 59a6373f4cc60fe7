package dev.deploykit.core;

import java.net.URI;
import java.util.Map;
import java.util.Objects;

/**
 * Where a fallback put a deployment's files.
 *
 * @param option the fallback that ran
 * @param location the repository URL (GitHub) or the archive's file URI (ZIP)
 * @param details further facts, e.g. {@code commitSha}, {@code branch}, {@code bytes}
 */
public record FallbackResult(FallbackOption option, URI location, Map<String, String> details) {

  /** Checks the arguments and copies the details. */
  public FallbackResult {
    Objects.requireNonNull(option, "option");
    Objects.requireNonNull(location, "location");
    details = details == null ? Map.of() : Map.copyOf(details);
  }
}
