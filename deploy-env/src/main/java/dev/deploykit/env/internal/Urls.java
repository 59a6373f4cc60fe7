package dev.deploykit.env.internal;

import org.jspecify.annotations.Nullable;

/**
 * Hand-written parsing of {@code scheme://[userinfo@]authority[/path][?query][#fragment]}: no regular
 * expressions, linear in the input.
 */
final class Urls {
  private Urls() {}

  /**
   * The pieces of a URL whose scheme ended at {@code start}.
   *
   * @param userInfo the text before the last {@code @} of the authority, or {@code null}
   * @param hosts the authority without the user info
   * @param path the path, starting with {@code /}, or empty
   * @param query the text after {@code ?}, or {@code null}
   * @param afterAuthority index where the authority ends
   */
  record Parts(
      @Nullable String userInfo, String hosts, String path, @Nullable String query, int afterAuthority) {}

  /** The host and port of one authority; {@code problem} says what is wrong, or is null. */
  record HostPort(String host, int port, @Nullable String problem) {
    static HostPort bad(String problem) {
      return new HostPort("", -1, problem);
    }
  }

  static Parts split(String value, int start) {
    int end = value.length();
    int authEnd = end;
    for (int i = start; i < end; i++) {
      char c = value.charAt(i);
      if (c == '/' || c == '?' || c == '#') {
        authEnd = i;
        break;
      }
    }
    String authority = value.substring(start, authEnd);
    int at = authority.lastIndexOf('@');
    String userInfo = at < 0 ? null : authority.substring(0, at);
    String hosts = authority.substring(at + 1);
    int hash = value.indexOf('#', authEnd);
    int stop = hash < 0 ? end : hash;
    int q = value.indexOf('?', authEnd);
    if (q >= stop) {
      q = -1;
    }
    String path = value.substring(authEnd, q < 0 ? stop : q);
    String query = q < 0 ? null : value.substring(q + 1, stop);
    return new Parts(userInfo, hosts, path, query, authEnd);
  }

  /** Whether every {@code %} of {@code s} starts a {@code %XX} escape. */
  static boolean percentEncodingOk(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) == '%') {
        if (i + 2 >= s.length() || !Chars.isHex(s.charAt(i + 1)) || !Chars.isHex(s.charAt(i + 2))) {
          return false;
        }
        i += 2;
      }
    }
    return true;
  }

  /** Whether a query string holds the parameter {@code name=value} (exact, case-sensitive). */
  static boolean hasParameter(@Nullable String query, String name, String value) {
    if (query == null) {
      return false;
    }
    String wanted = name + "=" + value;
    int from = 0;
    while (from <= query.length()) {
      int amp = query.indexOf('&', from);
      int to = amp < 0 ? query.length() : amp;
      if (query.regionMatches(from, wanted, 0, wanted.length()) && to - from == wanted.length()) {
        return true;
      }
      if (amp < 0) {
        return false;
      }
      from = amp + 1;
    }
    return false;
  }

  /**
   * Parses {@code host[:port]} or {@code [ipv6][:port]}.
   *
   * @param requireDot whether a host name needs a dot (unless it is {@code localhost} or an IP)
   * @param allowUnderscore whether host names may hold {@code _} (container service names do)
   */
  static HostPort hostPort(String s, boolean requireDot, boolean allowUnderscore) {
    if (s.isEmpty()) {
      return HostPort.bad("must have a host name");
    }
    String host;
    String portText;
    if (s.charAt(0) == '[') {
      int close = s.indexOf(']');
      if (close < 0) {
        return HostPort.bad("must close its IPv6 address with ']'");
      }
      host = s.substring(0, close + 1);
      if (!ipv6Ok(s.substring(1, close))) {
        return HostPort.bad("must have a valid IPv6 address between '[' and ']'");
      }
      String rest = s.substring(close + 1);
      if (rest.isEmpty()) {
        return new HostPort(host, -1, null);
      }
      if (rest.charAt(0) != ':') {
        return HostPort.bad("must have only ':' and a port after the IPv6 address");
      }
      portText = rest.substring(1);
    } else {
      int colon = s.indexOf(':');
      host = colon < 0 ? s : s.substring(0, colon);
      portText = colon < 0 ? null : s.substring(colon + 1);
      if (portText != null && portText.indexOf(':') >= 0) {
        return HostPort.bad("must have a single ':' between host and port (write an IPv6 address"
            + " in brackets, and percent-encode ':' in a password)");
      }
      String problem = hostNameProblem(host, requireDot, allowUnderscore);
      if (problem != null) {
        return HostPort.bad(problem);
      }
      if (portText == null) {
        return new HostPort(host, -1, null);
      }
    }
    int port = Chars.port(portText);
    if (port < 0) {
      return HostPort.bad("must have a port that is a number from 1 to 65535 after ':'");
    }
    return new HostPort(host, port, null);
  }

  private static boolean ipv6Ok(String s) {
    if (s.length() < 2 || s.length() > 45) {
      return false;
    }
    int colons = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == ':') {
        colons++;
      } else if (!Chars.isHex(c) && c != '.') {
        return false;
      }
    }
    return colons >= 2;
  }

  /** Returns what is wrong with a host name or IPv4 address, or {@code null}. */
  static @Nullable String hostNameProblem(String host, boolean requireDot, boolean allowUnderscore) {
    if (host.isEmpty()) {
      return "must have a host name";
    }
    String h = host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
    if (h.isEmpty() || h.length() > 253) {
      return "must have a valid host name";
    }
    boolean allNumeric = true;
    int labels = 0;
    int labelStart = 0;
    for (int i = 0; i <= h.length(); i++) {
      if (i == h.length() || h.charAt(i) == '.') {
        int len = i - labelStart;
        if (len == 0) {
          return "must have a host name without empty parts ('..' or a leading '.')";
        }
        if (len > 63) {
          return "must have a host name whose parts are at most 63 characters";
        }
        if (h.charAt(labelStart) == '-' || h.charAt(i - 1) == '-') {
          return "must have a host name whose parts do not start or end with '-'";
        }
        if (!Chars.allDigits(h, labelStart, i)) {
          allNumeric = false;
        }
        labels++;
        labelStart = i + 1;
        continue;
      }
      char c = h.charAt(i);
      boolean ok;
      if (Chars.isAsciiAlnum(c) || c == '-' || (allowUnderscore && c == '_')) {
        ok = true;
      } else if (c < 0x80) {
        ok = false;
      } else {
        int cp = h.codePointAt(i);
        ok = !(cp < Character.MIN_SUPPLEMENTARY_CODE_POINT && Character.isSurrogate(c))
            && Character.isLetterOrDigit(cp);
        if (ok && cp >= Character.MIN_SUPPLEMENTARY_CODE_POINT) {
          i++;
        }
      }
      if (!ok) {
        return "must have a host name of letters, digits, '-' and '.' only";
      }
    }
    int lastStart = h.lastIndexOf('.') + 1;
    if (allNumeric) {
      return labels == 4 && ipv4Ok(h) ? null : "must have a valid IPv4 address (four numbers 0-255)";
    }
    if (labels > 1 && Chars.allDigits(h, lastStart, h.length())) {
      return "must have a host name whose last part is not a number";
    }
    if (requireDot && labels < 2 && !h.equalsIgnoreCase("localhost")) {
      return "must have a full host name with a domain (or localhost)";
    }
    return null;
  }

  private static boolean ipv4Ok(String h) {
    int start = 0;
    for (int i = 0; i <= h.length(); i++) {
      if (i == h.length() || h.charAt(i) == '.') {
        if (i - start > 3 || Integer.parseInt(h.substring(start, i)) > 255) {
          return false;
        }
        start = i + 1;
      }
    }
    return true;
  }
}
