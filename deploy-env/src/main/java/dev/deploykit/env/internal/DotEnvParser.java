package dev.deploykit.env.internal;

import dev.deploykit.env.DotEnvParseException;
import dev.deploykit.env.EnvironmentVariable;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads {@code .env} text into entries that remember where each value sits, so the text can be
 * edited in place. Not API; see {@code dev.deploykit.env.DotEnv} for the accepted syntax.
 */
public final class DotEnvParser {
  private static final char BOM = '\uFEFF';

  /** How a value was written. */
  public enum Quote {
    NONE,
    SINGLE,
    DOUBLE,
    BACKTICK
  }

  /**
   * One {@code KEY=value} assignment.
   *
   * @param key the variable name
   * @param value the decoded value
   * @param lineNumber the 1-based line the assignment starts on
   * @param valueStart offset in the text where the written value starts (its opening quote, if any)
   * @param valueEnd offset just after the written value (after its closing quote, if any)
   * @param quote how the value was written
   */
  public record Entry(
      String key, String value, int lineNumber, int valueStart, int valueEnd, Quote quote) {

    @Override
    public String toString() {
      return "Entry[key=" + key + ", line=" + lineNumber + "]";
    }
  }

  private final String text;
  private final String sourceName;
  private int pos;
  private int line = 1;

  private DotEnvParser(String text, String sourceName) {
    this.text = text;
    this.sourceName = sourceName;
  }

  /**
   * Returns every assignment in {@code text}, in order, duplicates included.
   *
   * @throws DotEnvParseException if a line is malformed
   */
  public static List<Entry> parse(String text, String sourceName) {
    return new DotEnvParser(text, sourceName).run();
  }

  private List<Entry> run() {
    List<Entry> entries = new ArrayList<>();
    pos = !text.isEmpty() && text.charAt(0) == BOM ? 1 : 0;
    while (pos < text.length()) {
      int lineNumber = line;
      skipBlanks();
      if (atEol()) {
        consumeEol();
        continue;
      }
      if (text.charAt(pos) == '#') {
        skipToEol();
        consumeEol();
        continue;
      }
      entries.add(assignment(lineNumber));
    }
    return entries;
  }

  private Entry assignment(int lineNumber) {
    String key = keyToken();
    if (key.equals("export") && pos < text.length() && isBlank(text.charAt(pos))) {
      int afterExport = pos;
      skipBlanks();
      if (!atEol() && text.charAt(pos) != '=') {
        key = keyToken();
      } else {
        pos = afterExport; // "export = 1" assigns a variable called export
      }
    }
    skipBlanks();
    if (atEol() || text.charAt(pos) != '=') {
      throw error(lineNumber, restOfLineContains('=')
          ? "expected '=' right after the variable name"
          : "expected KEY=value but found no '='");
    }
    if (!EnvironmentVariable.isValidKey(key)) {
      throw error(lineNumber, "invalid variable name before '=': use letters, digits and '_',"
          + " not starting with a digit");
    }
    pos++; // '='
    int afterEquals = pos;
    skipBlanks();
    if (atEol()) {
      consumeEol();
      return new Entry(key, "", lineNumber, afterEquals, afterEquals, Quote.NONE);
    }
    char first = text.charAt(pos);
    if (first == '"' || first == '\'' || first == '`') {
      return quoted(key, lineNumber, first);
    }
    return unquoted(key, lineNumber, afterEquals);
  }

  private Entry unquoted(String key, int lineNumber, int afterEquals) {
    int start = pos;
    skipToEol();
    int end = pos;
    for (int i = start; i < pos; i++) {
      if (text.charAt(i) == '#' && isBlank(text.charAt(i - 1))) {
        end = i;
        break;
      }
    }
    while (end > start && isBlank(text.charAt(end - 1))) {
      end--;
    }
    consumeEol();
    if (end == start) {
      return new Entry(key, "", lineNumber, afterEquals, afterEquals, Quote.NONE);
    }
    return new Entry(key, text.substring(start, end), lineNumber, start, end, Quote.NONE);
  }

  private Entry quoted(String key, int lineNumber, char quote) {
    int start = pos;
    pos++;
    StringBuilder value = new StringBuilder();
    while (true) {
      if (pos >= text.length()) {
        throw error(lineNumber, "unterminated " + quoteName(quote) + " in the value of " + key);
      }
      char c = text.charAt(pos);
      if (c == quote) {
        pos++;
        break;
      }
      if (c == '\r' || c == '\n') {
        consumeEol();
        value.append('\n');
        continue;
      }
      if (c == '\\' && quote == '"' && pos + 1 < text.length()) {
        char escaped = escape(text.charAt(pos + 1));
        if (escaped != 0) {
          value.append(escaped);
          pos += 2;
          continue;
        }
      }
      value.append(c);
      pos++;
    }
    int end = pos;
    skipBlanks();
    if (!atEol() && text.charAt(pos) != '#') {
      throw error(line, "unexpected text after the closing quote of " + key
          + "'s value; put a comment after ' #' or quote the whole value");
    }
    skipToEol();
    consumeEol();
    Quote kind = quote == '"' ? Quote.DOUBLE : quote == '\'' ? Quote.SINGLE : Quote.BACKTICK;
    return new Entry(key, value.toString(), lineNumber, start, end, kind);
  }

  private static char escape(char c) {
    switch (c) {
      case 'n':
        return '\n';
      case 'r':
        return '\r';
      case 't':
        return '\t';
      case '"':
      case '\\':
      case '$':
        return c;
      default:
        return 0; // not an escape: the backslash is kept
    }
  }

  private static String quoteName(char quote) {
    return quote == '"' ? "double quote" : quote == '\'' ? "single quote" : "backtick";
  }

  private String keyToken() {
    int start = pos;
    while (pos < text.length()) {
      char c = text.charAt(pos);
      if (c == '=' || isBlank(c) || c == '\r' || c == '\n') {
        break;
      }
      pos++;
    }
    return text.substring(start, pos);
  }

  private boolean restOfLineContains(char wanted) {
    for (int i = pos; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '\r' || c == '\n') {
        return false;
      }
      if (c == wanted) {
        return true;
      }
    }
    return false;
  }

  private static boolean isBlank(char c) {
    return c == ' ' || c == '\t';
  }

  private boolean atEol() {
    return pos >= text.length() || text.charAt(pos) == '\r' || text.charAt(pos) == '\n';
  }

  private void skipBlanks() {
    while (pos < text.length() && isBlank(text.charAt(pos))) {
      pos++;
    }
  }

  private void skipToEol() {
    while (!atEol()) {
      pos++;
    }
  }

  /** Consumes one line terminator ({@code \r\n}, {@code \r} or {@code \n}) if there is one. */
  private void consumeEol() {
    if (pos >= text.length()) {
      return;
    }
    char c = text.charAt(pos);
    if (c == '\r') {
      pos++;
      if (pos < text.length() && text.charAt(pos) == '\n') {
        pos++;
      }
      line++;
    } else if (c == '\n') {
      pos++;
      line++;
    }
  }

  private DotEnvParseException error(int lineNumber, String reason) {
    return new DotEnvParseException(sourceName, lineNumber, reason);
  }
}
