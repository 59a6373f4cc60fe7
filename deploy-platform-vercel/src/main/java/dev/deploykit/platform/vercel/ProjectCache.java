package dev.deploykit.platform.vercel;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * The projects this provider created or found, so that a re-deploy of the same project does not
 * ask Vercel again ({@code POST /v11/projects} answering 409, then {@code GET /v10/projects}).
 * Keyed by API URL, team, a one-way fingerprint of the token (never the token) and the name; an
 * entry lives {@link #TTL}, and is dropped when Vercel answers 404 or 403 for the project. Bounded:
 * when full it starts again empty. Thread-safe.
 */
final class ProjectCache {
  static final Duration TTL = Duration.ofMinutes(10);
  static final int MAX_ENTRIES = 10_000;

  /** A project's id and name as Vercel returned them, and when. */
  record Entry(String id, String name, Instant cachedAt) {}

  private final Map<String, Entry> entries = new ConcurrentHashMap<>();

  @Nullable Entry get(String key, Instant now) {
    Entry e = entries.get(key);
    if (e == null) {
      return null;
    }
    if (Duration.between(e.cachedAt(), now).compareTo(TTL) >= 0 || now.isBefore(e.cachedAt())) {
      entries.remove(key, e);
      return null;
    }
    return e;
  }

  void put(String key, Entry entry) {
    if (entries.size() >= MAX_ENTRIES) {
      entries.clear();
    }
    entries.put(key, entry);
  }

  void remove(String key) {
    entries.remove(key);
  }

  int size() {
    return entries.size();
  }

  /** The key of {@code name} for this API, team and token. */
  static String key(String apiUrl, String teamQuery, String token, String name) {
    return apiUrl + '\n' + teamQuery + '\n' + fingerprint(token) + '\n' + name;
  }

  private static String fingerprint(String token) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      return HexFormat.of().formatHex(sha.digest(token.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}
