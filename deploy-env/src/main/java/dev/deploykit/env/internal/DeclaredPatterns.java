package dev.deploykit.env.internal;

import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Matches values against declared patterns with a bounded amount of work: values longer than
 * {@link #MAX_INPUT} are not matched at all (deep regex recursion over long input is slow even
 * within the read budget, and can overflow the stack), and a match is abandoned once it has read
 * its budget of characters. Compiled patterns are cached by their text (at most {@link
 * #MAX_CACHED}; the cache is emptied when full). Thread-safe.
 */
final class DeclaredPatterns {
  static final int MAX_CACHED = 256;
  /** The longest value matched against a declared pattern. */
  static final int MAX_INPUT = 4096;
  /**
   * How many character reads a match may make before it is abandoned: a base plus a few reads per
   * character, so a linear pattern always finishes on the longest value accepted, while
   * backtracking blows up within a few milliseconds.
   */
  static final int BASE_READS = 100_000;

  static final int READS_PER_CHAR = 4;

  enum Outcome { MATCH, NO_MATCH, TOO_LONG, TOO_SLOW, FAILED }

  private final ConcurrentHashMap<String, Pattern> cache = new ConcurrentHashMap<>();

  Outcome match(String regex, String value) {
    if (value.length() > MAX_INPUT) {
      return Outcome.TOO_LONG;
    }
    Pattern pattern;
    try {
      pattern = compiled(regex);
    } catch (RuntimeException | StackOverflowError e) {
      return Outcome.FAILED;
    }
    try {
      return pattern.matcher(new Budgeted(value, 0, value.length(), new int[] {budget(value)})).matches()
          ? Outcome.MATCH
          : Outcome.NO_MATCH;
    } catch (OutOfBudget e) {
      return Outcome.TOO_SLOW;
    } catch (RuntimeException | StackOverflowError e) {
      return Outcome.FAILED;
    }
  }

  static int budget(String value) {
    return BASE_READS + READS_PER_CHAR * Math.min(value.length(), MAX_INPUT);
  }

  int cachedCount() {
    return cache.size();
  }

  private Pattern compiled(String regex) {
    Pattern p = cache.get(regex);
    if (p == null) {
      p = Pattern.compile(regex);
      if (cache.size() >= MAX_CACHED) {
        cache.clear();
      }
      cache.putIfAbsent(regex, p);
    }
    return p;
  }

  /** Thrown when a match has read its budget of characters. */
  private static final class OutOfBudget extends RuntimeException {
    private static final long serialVersionUID = 1L;

    OutOfBudget() {
      super(null, null, false, false);
    }
  }

  /** A view of a string that counts reads against a shared budget. */
  private static final class Budgeted implements CharSequence {
    private final String text;
    private final int start;
    private final int end;
    private final int[] left;

    Budgeted(String text, int start, int end, int[] left) {
      this.text = text;
      this.start = start;
      this.end = end;
      this.left = left;
    }

    @Override
    public int length() {
      return end - start;
    }

    @Override
    public char charAt(int index) {
      if (--left[0] < 0) {
        throw new OutOfBudget();
      }
      if (index < 0 || index >= end - start) {
        throw new IndexOutOfBoundsException(index);
      }
      return text.charAt(start + index);
    }

    @Override
    public CharSequence subSequence(int from, int to) {
      if (from < 0 || to > end - start || from > to) {
        throw new IndexOutOfBoundsException();
      }
      return new Budgeted(text, start + from, start + to, left);
    }

    @Override
    public String toString() {
      return text.substring(start, end);
    }
  }
}
