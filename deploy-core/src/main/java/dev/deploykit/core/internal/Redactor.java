package dev.deploykit.core.internal;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** Replaces secrets in text with {@code ****}. Immutable and thread-safe. */
public final class Redactor {
  /** What a secret is replaced with. */
  public static final String MASK = "****";
  /** Shorter values are not redacted: they would mangle ordinary text. */
  private static final int MIN_SECRET_LENGTH = 4;

  private final List<String> secrets;

  /** Creates a redactor for {@code secrets}; blank and very short values are ignored. */
  public Redactor(Collection<String> secrets) {
    List<String> list = new ArrayList<>();
    for (String s : secrets) {
      if (s != null && s.strip().length() >= MIN_SECRET_LENGTH && !list.contains(s)) {
        list.add(s);
      }
    }
    // Longest first, so "Bearer <token>" is replaced whole before "<token>".
    list.sort(Comparator.comparingInt(String::length).reversed());
    this.secrets = List.copyOf(list);
  }

  /** Returns {@code text} with every secret replaced by {@link #MASK}. */
  public String redact(String text) {
    String out = text;
    for (String s : secrets) {
      if (out.contains(s)) {
        out = out.replace(s, MASK);
      }
    }
    return out;
  }

  /** Like {@link #redact(String)}, passing {@code null} through. */
  public @Nullable String redactNullable(@Nullable String text) {
    return text == null ? null : redact(text);
  }
}
