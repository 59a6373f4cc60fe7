package dev.deploykit.core.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A gitignore-like subset: blank lines and {@code #} comments skipped, trailing spaces trimmed,
 * {@code !} re-includes (last matching line wins), {@code dir/} matches only directories, {@code *},
 * {@code ?} and {@code **}, a leading {@code /} (or any {@code /} but a trailing one) anchors to the
 * root, other patterns match a name in any folder, {@code \} escapes the next character. Character
 * classes ({@code [abc]}) are not supported: {@code [} is literal. Callers test folders before their
 * contents and skip an ignored folder's subtree, as git does. Immutable, thread-safe.
 */
public final class IgnoreRules {
  /** Rules that ignore nothing. */
  public static final IgnoreRules NONE = new IgnoreRules(List.of());

  private record Rule(Pattern pattern, boolean negated, boolean directoryOnly, boolean anchored) {}

  private final List<Rule> rules;

  private IgnoreRules(List<Rule> rules) {
    this.rules = rules;
  }

  /** Parses the text of an ignore file. */
  public static IgnoreRules parse(String text) {
    List<Rule> rules = new ArrayList<>();
    for (String raw : text.split("\r?\n|\r")) {
      String line = stripTrailingSpaces(raw);
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      boolean negated = false;
      if (line.startsWith("!")) {
        negated = true;
        line = line.substring(1);
      } else if (line.startsWith("\\!") || line.startsWith("\\#")) {
        line = line.substring(1);
      }
      boolean directoryOnly = false;
      while (line.endsWith("/")) {
        directoryOnly = true;
        line = line.substring(0, line.length() - 1);
      }
      boolean anchored = line.contains("/");
      while (line.startsWith("/")) {
        line = line.substring(1);
      }
      if (line.isEmpty()) {
        continue;
      }
      rules.add(new Rule(Pattern.compile(toRegex(line)), negated, directoryOnly, anchored));
    }
    return new IgnoreRules(List.copyOf(rules));
  }

  /** Returns whether {@code relativePath} ({@code /}-separated) is ignored. */
  public boolean ignored(String relativePath, boolean directory) {
    String name = relativePath.substring(relativePath.lastIndexOf('/') + 1);
    boolean ignored = false;
    for (Rule rule : rules) {
      if (rule.directoryOnly() && !directory) {
        continue;
      }
      String subject = rule.anchored() ? relativePath : name;
      if (rule.pattern().matcher(subject).matches()) {
        ignored = !rule.negated();
      }
    }
    return ignored;
  }

  private static String stripTrailingSpaces(String line) {
    int end = line.length();
    while (end > 0 && line.charAt(end - 1) == ' ' && !(end > 1 && line.charAt(end - 2) == '\\')) {
      end--;
    }
    return line.substring(0, end);
  }

  private static String toRegex(String glob) {
    StringBuilder re = new StringBuilder();
    int i = 0;
    int n = glob.length();
    while (i < n) {
      char c = glob.charAt(i);
      if (c == '*' && i + 1 < n && glob.charAt(i + 1) == '*') {
        boolean atStart = i == 0 || glob.charAt(i - 1) == '/';
        boolean slashAfter = i + 2 < n && glob.charAt(i + 2) == '/';
        boolean atEnd = i + 2 == n;
        if (atStart && slashAfter) {
          re.append("(?:.*/)?");
          i += 3;
          continue;
        }
        if (atStart && atEnd) {
          re.append(".*");
          i += 2;
          continue;
        }
        re.append("[^/]*");
        i += 2;
        continue;
      }
      if (c == '*') {
        re.append("[^/]*");
      } else if (c == '?') {
        re.append("[^/]");
      } else if (c == '\\' && i + 1 < n) {
        i++;
        re.append(Pattern.quote(String.valueOf(glob.charAt(i))));
      } else {
        re.append(Pattern.quote(String.valueOf(c)));
      }
      i++;
    }
    return re.toString();
  }
}
