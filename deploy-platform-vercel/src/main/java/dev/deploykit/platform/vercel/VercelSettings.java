package dev.deploykit.platform.vercel;

import dev.deploykit.core.DeploymentError;
import dev.deploykit.core.DeploymentException;
import dev.deploykit.core.ErrorCode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The adapter's settings, read once from the context's settings map (keys without the {@code
 * vercel.} prefix). Every bad value is an {@code INVALID_CONFIG} error naming the key.
 */
record VercelSettings(
    @Nullable String teamId,
    @Nullable String teamSlug,
    int uploadConcurrency,
    int uploadRetries,
    Duration uploadRetryDelay,
    Duration uploadRetryMaxDelay,
    Duration maxRetryAfter,
    List<String> envTargets,
    Optional<String> framework,
    Duration logStatusInterval,
    Duration logReconnectDelay,
    int logMaxReconnects,
    Duration aliasWait,
    boolean http1Uploads) {

  static final int DEFAULT_UPLOAD_CONCURRENCY = 8;
  static final int MAX_UPLOAD_CONCURRENCY = 64;
  static final int DEFAULT_UPLOAD_RETRIES = 3;
  static final List<String> DEFAULT_ENV_TARGETS = List.of("production", "preview");
  private static final Set<String> ENV_TARGETS = Set.of("production", "preview", "development");

  static VercelSettings from(Map<String, String> s) {
    String teamId = blankToNull(s.get("teamId"));
    String slug = blankToNull(s.getOrDefault("slug", s.get("teamSlug")));
    return new VercelSettings(
        teamId,
        teamId == null ? slug : null,
        intSetting(s, "uploadConcurrency", DEFAULT_UPLOAD_CONCURRENCY, 1, MAX_UPLOAD_CONCURRENCY),
        intSetting(s, "uploadRetries", DEFAULT_UPLOAD_RETRIES, 0, 10),
        millis(s, "uploadRetryDelayMillis", 500),
        millis(s, "uploadRetryMaxDelayMillis", 10_000),
        millis(s, "maxRetryAfterMillis", 60_000),
        envTargets(s.get("envTargets")),
        framework(s.get("framework")),
        millis(s, "logStatusIntervalMillis", 5_000),
        millis(s, "logReconnectDelayMillis", 1_000),
        intSetting(s, "logMaxReconnects", 10, 0, 1_000),
        millis(s, "aliasWaitMillis", 60_000),
        uploadTransport(s.get("uploadTransport")));
  }

  /** The query parameter that scopes a request to the team, e.g. {@code teamId=team_1}, or "". */
  String teamQuery() {
    if (teamId != null) {
      return "teamId=" + VercelApi.encode(teamId);
    }
    if (teamSlug != null) {
      return "slug=" + VercelApi.encode(teamSlug);
    }
    return "";
  }

  private static @Nullable String blankToNull(@Nullable String s) {
    return s == null || s.isBlank() ? null : s.strip();
  }

  private static int intSetting(Map<String, String> s, String key, int def, int min, int max) {
    String v = blankToNull(s.get(key));
    if (v == null) {
      return def;
    }
    try {
      int n = Integer.parseInt(v);
      if (n >= min && n <= max) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw invalid("vercel." + key + " must be a whole number between " + min + " and " + max
        + " (default " + def + ")");
  }

  private static Duration millis(Map<String, String> s, String key, long def) {
    String v = blankToNull(s.get(key));
    if (v == null) {
      return Duration.ofMillis(def);
    }
    try {
      long n = Long.parseLong(v);
      if (n > 0) {
        return Duration.ofMillis(n);
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw invalid("vercel." + key + " must be a positive number of milliseconds (default " + def
        + ")");
  }

  private static List<String> envTargets(@Nullable String v) {
    if (v == null || v.isBlank()) {
      return DEFAULT_ENV_TARGETS;
    }
    Set<String> out = new LinkedHashSet<>();
    for (String part : v.split(",")) {
      String t = part.strip().toLowerCase(Locale.ROOT);
      if (t.isEmpty()) {
        continue;
      }
      if (!ENV_TARGETS.contains(t)) {
        throw invalid("vercel.envTargets lists '" + t + "'; use a comma-separated list of"
            + " production, preview and development (default production,preview)");
      }
      out.add(t);
    }
    if (out.isEmpty()) {
      throw invalid("vercel.envTargets is empty; use e.g. production,preview");
    }
    return List.copyOf(new ArrayList<>(out));
  }

  /** True for {@code http1} (the default), false for {@code jdk}. */
  private static boolean uploadTransport(@Nullable String v) {
    if (v == null || v.isBlank()) {
      return true;
    }
    String t = v.strip().toLowerCase(Locale.ROOT);
    if (t.equals("http1")) {
      return true;
    }
    if (t.equals("jdk")) {
      return false;
    }
    throw invalid("vercel.uploadTransport '" + t + "' is not one of http1 (the default: keep-alive"
        + " HTTP/1.1 connections of the adapter's own) or jdk (the orchestrator's HttpClient)");
  }

  /** Empty: detect; a value: force it; {@code none}: no framework (a static site). */
  private static Optional<String> framework(@Nullable String v) {
    if (v == null || v.isBlank()) {
      return Optional.empty();
    }
    String f = v.strip().toLowerCase(Locale.ROOT);
    if (f.equals("none") || f.equals("null") || f.equals("static")) {
      return Optional.of(NO_FRAMEWORK);
    }
    if (!f.matches("[a-z0-9][a-z0-9-]{0,63}")) {
      throw invalid("vercel.framework '" + f + "' is not a Vercel framework slug (e.g. nextjs,"
          + " vite, astro) or 'none'");
    }
    return Optional.of(f);
  }

  /** Stands for "no framework" inside the Optional (which cannot hold null). */
  static final String NO_FRAMEWORK = "";

  private static DeploymentException invalid(String message) {
    return new DeploymentException(
        DeploymentError.of(ErrorCode.INVALID_CONFIG, message).withPlatform(VercelPlatform.ID));
  }
}
