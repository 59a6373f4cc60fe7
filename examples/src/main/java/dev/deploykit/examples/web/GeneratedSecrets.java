package dev.deploykit.examples.web;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Secrets generated on the server, kept here and handed to the browser only as an opaque handle:
 * a generated value never travels back to the page. A handle names one variable, expires after
 * {@link #ttl}, and the oldest are evicted beyond {@link #capacity}. Thread-safe.
 */
final class GeneratedSecrets {
  private final int capacity;
  private final Duration ttl;
  private final Clock clock;
  private final SecureRandom random = new SecureRandom();
  private final Map<String, Entry> byHandle = new LinkedHashMap<>();

  GeneratedSecrets(int capacity, Duration ttl, Clock clock) {
    this.capacity = capacity;
    this.ttl = ttl;
    this.clock = clock;
  }

  /** Keeps {@code value} for variable {@code key} and returns its new handle. */
  synchronized String put(String key, String value) {
    Instant now = clock.instant();
    evict(now);
    while (byHandle.size() >= capacity) {
      Iterator<String> oldest = byHandle.keySet().iterator();
      oldest.next();
      oldest.remove();
    }
    byte[] bytes = new byte[16];
    random.nextBytes(bytes);
    String handle = "gen_" + HexFormat.of().formatHex(bytes);
    byHandle.put(handle, new Entry(key, value, now.plus(ttl)));
    return handle;
  }

  /** Returns the value behind {@code handle} if it was made for {@code key} and has not expired. */
  synchronized Optional<String> value(String handle, String key) {
    evict(clock.instant());
    Entry entry = byHandle.get(handle);
    return entry != null && entry.key().equals(key) ? Optional.of(entry.value()) : Optional.empty();
  }

  synchronized int size() {
    return byHandle.size();
  }

  private void evict(Instant now) {
    byHandle.values().removeIf(e -> !e.expires().isAfter(now));
  }

  @Override
  public synchronized String toString() {
    return "GeneratedSecrets[" + byHandle.size() + " kept]";
  }

  private record Entry(String key, String value, Instant expires) {
    @Override
    public String toString() {
      return "Entry[key=" + key + ", value=****]";
    }
  }
}
