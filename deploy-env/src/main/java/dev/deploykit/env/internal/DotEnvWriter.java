package dev.deploykit.env.internal;

import dev.deploykit.env.EnvironmentVariable;
import dev.deploykit.env.internal.DotEnvParser.Entry;
import dev.deploykit.env.internal.DotEnvParser.Quote;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/** Writes values in the {@code .env} syntax {@link DotEnvParser} reads. Not API. */
public final class DotEnvWriter {
  private DotEnvWriter() {}

  /** Returns {@code value} as written after {@code KEY=}: bare when that is safe, else double-quoted. */
  public static String encode(String value) {
    return isSafeUnquoted(value) ? value : doubleQuoted(value);
  }

  /** Returns {@code value} written in the same style as a value that was written {@code quote}. */
  public static String encodeLike(Quote quote, String value) {
    switch (quote) {
      case NONE:
        return encode(value);
      case SINGLE:
      case BACKTICK:
        char q = quote == Quote.SINGLE ? '\'' : '`';
        boolean literalOk = value.indexOf(q) < 0 && value.indexOf('\n') < 0
            && value.indexOf('\r') < 0;
        return literalOk ? q + value + q : doubleQuoted(value);
      default:
        return doubleQuoted(value);
    }
  }

  /** Returns whether {@code value} reads back unchanged when written without quotes. */
  static boolean isSafeUnquoted(String value) {
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      boolean ok = c > 0x20 && c < 0x7f
          ? "\"'`#\\$".indexOf(c) < 0
          : c >= 0x80 && Character.isLetterOrDigit(c);
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  /** Returns {@code value} in double quotes with every special character escaped. */
  public static String doubleQuoted(String value) {
    StringBuilder out = new StringBuilder(value.length() + 2).append('"');
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      switch (c) {
        case '\\':
          out.append("\\\\");
          break;
        case '"':
          out.append("\\\"");
          break;
        case '$':
          out.append("\\$");
          break;
        case '\n':
          out.append("\\n");
          break;
        case '\r':
          out.append("\\r");
          break;
        case '\t':
          out.append("\\t");
          break;
        default:
          out.append(c);
      }
    }
    return out.append('"').toString();
  }

  /**
   * Returns {@code original} with the values of the keys in {@code newValues} replaced where they
   * are written (every occurrence of a duplicated key), and keys not in it appended.
   */
  public static String update(String original, List<Entry> entries, Map<String, String> newValues) {
    StringBuilder out = new StringBuilder(original.length() + 64 * newValues.size());
    int copied = 0;
    Set<String> seen = new HashSet<>();
    for (Entry entry : entries) {
      String value = newValues.get(entry.key());
      if (value == null) {
        continue;
      }
      out.append(original, copied, entry.valueStart());
      out.append(encodeLike(entry.quote(), value));
      copied = entry.valueEnd();
      seen.add(entry.key());
    }
    out.append(original, copied, original.length());
    String newline = lineSeparatorOf(original);
    boolean needsBreak = !original.isEmpty() && !original.equals("\uFEFF")
        && !original.endsWith("\n") && !original.endsWith("\r");
    for (Map.Entry<String, String> e : newValues.entrySet()) {
      if (seen.contains(e.getKey())) {
        continue;
      }
      if (needsBreak) {
        out.append(newline);
        needsBreak = false;
      }
      out.append(e.getKey()).append('=').append(encode(e.getValue())).append(newline);
    }
    return out.toString();
  }

  /** Returns the first line terminator in {@code text}, or {@code \n} if it has none. */
  static String lineSeparatorOf(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '\n') {
        return "\n";
      }
      if (c == '\r') {
        return i + 1 < text.length() && text.charAt(i + 1) == '\n' ? "\r\n" : "\r";
      }
    }
    return "\n";
  }

  /**
   * Checks {@code values} can be written: every key valid and every value non-null. Messages name
   * the key, never a value.
   */
  public static void checkWritable(Map<String, String> values) {
    Objects.requireNonNull(values, "values");
    for (Map.Entry<String, String> e : values.entrySet()) {
      String key = Objects.requireNonNull(e.getKey(), "values contains a null key");
      if (!EnvironmentVariable.isValidKey(key)) {
        throw new IllegalArgumentException(
            "'" + key + "' is not a valid variable name: use letters, digits and '_', not"
                + " starting with a digit");
      }
      if (e.getValue() == null) {
        throw new NullPointerException("value of " + key + " is null");
      }
    }
  }

  /**
   * Returns {@code text} as {@code # } comment lines no longer than {@code width} characters where
   * words allow; line breaks in {@code text} start new lines.
   */
  public static List<String> commentLines(String text, int width) {
    List<String> lines = new ArrayList<>();
    int room = Math.max(10, width - 2);
    for (String paragraph : text.split("\r\n|\r|\n", -1)) {
      StringBuilder current = new StringBuilder();
      for (String word : paragraph.strip().split("\\s+")) {
        if (word.isEmpty()) {
          continue;
        }
        if (current.length() > 0 && current.length() + 1 + word.length() > room) {
          lines.add("# " + current);
          current.setLength(0);
        }
        if (current.length() > 0) {
          current.append(' ');
        }
        current.append(word);
      }
      lines.add(current.length() == 0 ? "#" : "# " + current);
    }
    return lines;
  }
}
