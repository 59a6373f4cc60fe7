package dev.deploykit.platform.railway;

import dev.deploykit.core.ErrorCode;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * Classifies a Railway GraphQL error by its message (the CLI matches substrings too) and, where
 * present, its {@code extensions.code} (Railway's codes are unconfirmed; the common Apollo ones are
 * understood).
 */
final class GraphQlErrors {

  /** What a GraphQL error means and what the user should do about it. */
  record Kind(ErrorCode code, String advice) {}

  static final Kind AUTH = new Kind(ErrorCode.AUTH_FAILED,
      "Check that the Railway token is valid, has not been revoked, and that its type (account,"
          + " workspace or project) is declared correctly.");
  static final Kind TWO_FACTOR = new Kind(ErrorCode.INSUFFICIENT_PERMISSIONS,
      "The workspace requires two-factor authentication: enable it on the Railway account, or use"
          + " a workspace token.");
  static final Kind PERMISSION = new Kind(ErrorCode.INSUFFICIENT_PERMISSIONS,
      "The token works but may not do this: use an account or workspace token with access to the"
          + " project.");
  static final Kind TAKEN = new Kind(ErrorCode.PROJECT_NAME_TAKEN,
      "The name is already in use on Railway; choose another project name.");
  static final Kind NOT_FOUND = new Kind(ErrorCode.INVALID_CONFIG,
      "Check that the project, environment and service still exist and that the token can see"
          + " them.");
  static final Kind RATE_LIMIT = new Kind(ErrorCode.RATE_LIMIT_EXCEEDED,
      "Wait a while before trying again.");
  static final Kind UNAVAILABLE = new Kind(ErrorCode.PLATFORM_UNAVAILABLE,
      "This is usually temporary; try again later.");
  static final Kind REFUSED = new Kind(ErrorCode.INVALID_CONFIG,
      "Check the project name, settings and environment variables sent.");

  private static final List<String> AUTH_WORDS = List.of("not authorized", "unauthorized",
      "unauthenticated", "invalid token", "token not found", "token is invalid", "token expired",
      "authentication required", "not logged in");
  private static final List<String> PERMISSION_WORDS = List.of("forbidden", "permission",
      "not allowed", "access denied", "insufficient");
  private static final List<String> TAKEN_WORDS = List.of("already exists", "already taken",
      "already in use", "name is taken", "is already used");
  private static final List<String> RATE_WORDS = List.of("rate limit", "ratelimit",
      "too many requests");
  private static final List<String> UNAVAILABLE_WORDS = List.of("internal server error",
      "service unavailable", "temporarily unavailable", "timed out", "request timeout");

  private GraphQlErrors() {}

  /**
   * Classifies one error by its extension code, then its message; {@code null} when neither says
   * anything known (the caller decides: {@link #REFUSED} in an HTTP 200, the status otherwise).
   */
  static @Nullable Kind classify(@Nullable String message, @Nullable String extensionCode) {
    Kind byCode = byExtensionCode(extensionCode);
    return byCode != null ? byCode : byMessage(message);
  }

  /** Classifies by message alone, or {@code null} when the message says nothing known. */
  static @Nullable Kind byMessage(@Nullable String message) {
    if (message == null) {
      return null;
    }
    String m = message.toLowerCase(Locale.ROOT);
    if (m.contains("two factor") || m.contains("two-factor")) {
      return TWO_FACTOR;
    }
    if (containsAny(m, AUTH_WORDS)) {
      return AUTH;
    }
    if (containsAny(m, PERMISSION_WORDS)) {
      return PERMISSION;
    }
    if (containsAny(m, TAKEN_WORDS)) {
      return TAKEN;
    }
    if (containsAny(m, RATE_WORDS)) {
      return RATE_LIMIT;
    }
    if (containsAny(m, UNAVAILABLE_WORDS)) {
      return UNAVAILABLE;
    }
    if (m.contains("not found") || m.contains("does not exist")) {
      return NOT_FOUND;
    }
    return null;
  }

  private static @Nullable Kind byExtensionCode(@Nullable String code) {
    if (code == null) {
      return null;
    }
    return switch (code.strip().toUpperCase(Locale.ROOT)) {
      case "UNAUTHENTICATED", "UNAUTHORIZED", "NOT_AUTHORIZED" -> AUTH;
      case "FORBIDDEN" -> PERMISSION;
      case "RATE_LIMITED", "TOO_MANY_REQUESTS" -> RATE_LIMIT;
      case "INTERNAL_SERVER_ERROR", "SERVICE_UNAVAILABLE" -> UNAVAILABLE;
      case "NOT_FOUND" -> NOT_FOUND;
      default -> null;
    };
  }

  private static boolean containsAny(String haystack, List<String> needles) {
    for (String n : needles) {
      if (haystack.contains(n)) {
        return true;
      }
    }
    return false;
  }
}
