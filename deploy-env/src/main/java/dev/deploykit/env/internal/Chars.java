package dev.deploykit.env.internal;

/** Character tests and message-safe quoting, all plain loops over {@code char}s. */
final class Chars {
  /** How many characters of a non-sensitive value a message may quote. */
  static final int QUOTE_LIMIT = 60;

  private Chars() {}

  static boolean isBlank(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (!isSpace(s.charAt(i))) {
        return false;
      }
    }
    return true;
  }

  /** Whitespace of any kind, including no-break spaces. */
  static boolean isSpace(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || Character.isWhitespace(c)
        || Character.isSpaceChar(c);
  }

  /** Whitespace or a control character (C0, DEL, C1). */
  static boolean isSpaceOrControl(char c) {
    return c <= ' ' || (c >= 0x7f && c <= 0x9f) || isSpace(c);
  }

  static boolean containsSpaceOrControl(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (isSpaceOrControl(s.charAt(i))) {
        return true;
      }
    }
    return false;
  }

  static boolean hasSpaceAround(String s) {
    return !s.isEmpty() && (isSpaceOrControl(s.charAt(0)) || isSpaceOrControl(s.charAt(s.length() - 1)));
  }

  static boolean isAsciiLetter(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  }

  static boolean isAsciiDigit(char c) {
    return c >= '0' && c <= '9';
  }

  static boolean isAsciiAlnum(char c) {
    return isAsciiLetter(c) || isAsciiDigit(c);
  }

  static boolean isHex(char c) {
    return isAsciiDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
  }

  /** {@code [A-Za-z0-9_-]}, the base64url alphabet. */
  static boolean isBase64Url(char c) {
    return isAsciiAlnum(c) || c == '-' || c == '_';
  }

  /** Whether every character of {@code s[from, to)} is an ASCII digit; false when empty. */
  static boolean allDigits(String s, int from, int to) {
    if (from >= to) {
      return false;
    }
    for (int i = from; i < to; i++) {
      if (!isAsciiDigit(s.charAt(i))) {
        return false;
      }
    }
    return true;
  }

  static boolean allBase64Url(String s, int from) {
    for (int i = from; i < s.length(); i++) {
      if (!isBase64Url(s.charAt(i))) {
        return false;
      }
    }
    return true;
  }

  static boolean allAsciiAlnum(String s, int from) {
    for (int i = from; i < s.length(); i++) {
      if (!isAsciiAlnum(s.charAt(i))) {
        return false;
      }
    }
    return true;
  }

  /** Parses 1 to 5 ASCII digits as a port; returns -1 unless the result is 1..65535. */
  static int port(String s) {
    if (s.isEmpty() || s.length() > 5 || !allDigits(s, 0, s.length())) {
      return -1;
    }
    int p = Integer.parseInt(s);
    return p >= 1 && p <= 65535 ? p : -1;
  }

  /**
   * Returns {@code s} fit to quote in a message: at most {@link #QUOTE_LIMIT} characters (never
   * splitting a surrogate pair), control characters and lone surrogates shown as {@code ?}.
   */
  static String forMessage(String s) {
    int limit = Math.min(s.length(), QUOTE_LIMIT);
    if (limit < s.length() && Character.isHighSurrogate(s.charAt(limit - 1))) {
      limit--;
    }
    StringBuilder out = new StringBuilder(limit + 1);
    for (int i = 0; i < limit; i++) {
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c) && i + 1 < limit && Character.isLowSurrogate(s.charAt(i + 1))) {
        out.append(c).append(s.charAt(++i));
      } else if (Character.isSurrogate(c) || c < ' ' || (c >= 0x7f && c <= 0x9f)) {
        out.append('?');
      } else {
        out.append(c);
      }
    }
    if (limit < s.length()) {
      out.append('\u2026');
    }
    return out.toString();
  }
}
