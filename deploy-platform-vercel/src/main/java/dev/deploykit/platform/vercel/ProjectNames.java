package dev.deploykit.platform.vercel;

import dev.deploykit.core.DeploymentError;
import dev.deploykit.core.DeploymentException;
import dev.deploykit.core.ErrorCode;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * Vercel's project-name rules: lower case, at most 100 characters, letters, digits, {@code .},
 * {@code _} and {@code -}, and no {@code ---}.
 */
final class ProjectNames {
  static final int MAX_LENGTH = 100;

  private ProjectNames() {}

  /** Returns what is wrong with {@code name}, or {@code null} if Vercel accepts it. */
  static @Nullable String problem(String name) {
    if (name.isEmpty()) {
      return "it is empty";
    }
    if (name.length() > MAX_LENGTH) {
      return "it is " + name.length() + " characters long (at most " + MAX_LENGTH + ")";
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c >= 'A' && c <= 'Z') {
        return "it contains upper-case letters";
      }
      if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_'
          || c == '-')) {
        return "it contains '" + printable(c) + "' (only a-z, 0-9, '.', '_' and '-' are allowed)";
      }
    }
    if (name.contains("---")) {
      return "it contains '---'";
    }
    return null;
  }

  /** Returns a name Vercel accepts that is close to {@code name}. */
  static String suggest(String name) {
    String s = name.toLowerCase(Locale.ROOT);
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      boolean ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_'
          || c == '-';
      sb.append(ok ? c : '-');
    }
    String out = sb.toString().replaceAll("-{3,}", "-").replaceAll("^[-._]+|[-._]+$", "");
    if (out.length() > MAX_LENGTH) {
      out = out.substring(0, MAX_LENGTH).replaceAll("[-._]+$", "");
    }
    return out.isEmpty() ? "my-app" : out;
  }

  /** Checks {@code name}; throws INVALID_CONFIG with a valid suggestion. */
  static void check(String name) {
    String problem = problem(name);
    if (problem != null) {
      String shown = name.length() > 120 ? name.substring(0, 120) + "..." : name;
      throw new DeploymentException(DeploymentError.of(ErrorCode.INVALID_CONFIG,
              "The project name '" + shown.replaceAll("\\p{Cntrl}", "?")
                  + "' is not a valid Vercel project name: " + problem
                  + ". Vercel names are lower case, at most 100 characters of a-z, 0-9, '.', '_'"
                  + " and '-', without '---'. Use, for example, '" + suggest(name) + "'.")
          .withPlatform(VercelPlatform.ID)
          .withDetails(java.util.List.of("projectName: " + problem)));
    }
  }

  private static String printable(char c) {
    return Character.isISOControl(c) ? String.format("\\u%04x", (int) c) : String.valueOf(c);
  }
}
