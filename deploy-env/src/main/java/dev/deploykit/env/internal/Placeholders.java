package dev.deploykit.env.internal;

import java.util.Locale;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/** Recognises values copied from documentation instead of a real secret. */
final class Placeholders {
  private static final Set<String> EXACT = Set.of(
      "your-api-key", "your_api_key", "your-secret-here", "your_secret_here", "your-key",
      "your_key", "xxx", "changeme", "change-me", "change_me", "placeholder", "todo", "tbd",
      "fixme", "secret", "password", "passw0rd", "test", "testing", "dummy", "example", "sample",
      "replaceme", "replace-me", "replace_me", "...", "null", "undefined", "none", "n/a", "key",
      "api-key", "apikey", "token", "insert-key-here", "insert_key_here");

  private static final String[] SECRET_WORDS = {"key", "secret", "token", "password"};

  private Placeholders() {}

  /** Whether {@code value} (not blank) looks copied from an example rather than real. */
  static boolean looksLikePlaceholder(String value, @Nullable String example) {
    String v = value.strip();
    if (example != null && (value.equals(example) || v.equals(example.strip()))) {
      return true;
    }
    if (v.isEmpty()) {
      return false;
    }
    String lower = v.toLowerCase(Locale.ROOT);
    if (EXACT.contains(lower) || singleRepeatedCodePoint(v)) {
      return true;
    }
    if ((lower.startsWith("<") && lower.endsWith(">"))
        || (lower.startsWith("{{") && lower.endsWith("}}"))) {
      return true;
    }
    if (lower.endsWith("...") || lower.endsWith("\u2026")) {
      return true;
    }
    if (yourSomething(lower, "your-") || yourSomething(lower, "your_")) {
      return true;
    }
    return longRunOfX(v, 8) || v.contains("EXAMPLE");
  }

  private static boolean singleRepeatedCodePoint(String v) {
    int first = v.codePointAt(0);
    for (int i = Character.charCount(first); i < v.length(); ) {
      int cp = v.codePointAt(i);
      if (cp != first) {
        return false;
      }
      i += Character.charCount(cp);
    }
    return true;
  }

  private static boolean yourSomething(String lower, String marker) {
    int at = lower.indexOf(marker);
    if (at < 0) {
      return false;
    }
    for (String word : SECRET_WORDS) {
      if (lower.indexOf(word, at + marker.length()) >= 0) {
        return true;
      }
    }
    return false;
  }

  private static boolean longRunOfX(String v, int run) {
    int count = 0;
    for (int i = 0; i < v.length(); i++) {
      char c = v.charAt(i);
      count = c == 'x' || c == 'X' ? count + 1 : 0;
      if (count >= run) {
        return true;
      }
    }
    return false;
  }
}
