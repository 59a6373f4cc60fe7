package dev.deploykit.env.internal;

import dev.deploykit.env.EnvironmentVariable;
import dev.deploykit.env.VariableKind;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Rules between variables: Clerk keys from one instance, and {@code NEXTAUTH_URL} equal to {@code
 * NEXT_PUBLIC_APP_URL}. Each problem is reported under the variable to fix.
 */
public final class CrossVariableRules {
  static final String NEXTAUTH_URL = "NEXTAUTH_URL";
  static final String APP_URL = "NEXT_PUBLIC_APP_URL";

  private CrossVariableRules() {}

  /** Returns the problems found, by the key of the variable to fix, in discovery order. */
  public static Map<String, List<String>> problems(List<EnvironmentVariable> vars) {
    Map<String, List<String>> out = new LinkedHashMap<>();
    clerk(vars, out);
    nextAuthUrl(vars, out);
    return out;
  }

  private static void clerk(List<EnvironmentVariable> vars, Map<String, List<String>> out) {
    List<EnvironmentVariable> publishable = new ArrayList<>();
    for (EnvironmentVariable v : vars) {
      if (v.kind() == VariableKind.CLERK_PUBLISHABLE_KEY && mode(v.value(), "pk_") != null) {
        publishable.add(v);
      }
    }
    if (publishable.isEmpty()) {
      return;
    }
    for (EnvironmentVariable secret : vars) {
      String secretMode = secret.kind() == VariableKind.CLERK_SECRET_KEY
          ? mode(secret.value(), "sk_")
          : null;
      if (secretMode == null) {
        continue;
      }
      boolean matched = false;
      for (EnvironmentVariable p : publishable) {
        matched |= secretMode.equals(mode(p.value(), "pk_"));
      }
      if (!matched) {
        EnvironmentVariable p = publishable.get(0);
        add(out, secret.key(), secret.key() + " is a " + secretMode + " key but " + p.key() + " is a "
            + mode(p.value(), "pk_") + " key: use both keys from the same Clerk instance, like"
            + " pk_test_... with sk_test_... (or pk_live_... with sk_live_...)");
      }
    }
  }

  private static @Nullable String mode(@Nullable String value, String prefix) {
    if (value == null || !value.startsWith(prefix)) {
      return null;
    }
    if (value.startsWith("test_", prefix.length())) {
      return "test";
    }
    return value.startsWith("live_", prefix.length()) ? "live" : null;
  }

  private static void nextAuthUrl(List<EnvironmentVariable> vars, Map<String, List<String>> out) {
    EnvironmentVariable auth = null;
    EnvironmentVariable app = null;
    for (EnvironmentVariable v : vars) {
      if (auth == null && v.key().equals(NEXTAUTH_URL) && isSet(v.value())) {
        auth = v;
      } else if (app == null && v.key().equals(APP_URL) && isSet(v.value())) {
        app = v;
      }
    }
    if (auth == null || app == null) {
      return;
    }
    String authValue = auth.value();
    String appValue = app.value();
    if (authValue == null || appValue == null || normalise(authValue).equals(normalise(appValue))) {
      return;
    }
    String got = "";
    if (!auth.sensitive() && !app.sensitive() && authValue.indexOf('@') < 0
        && appValue.indexOf('@') < 0) {
      got = " (got \"" + Chars.forMessage(authValue) + "\" and \"" + Chars.forMessage(appValue) + "\")";
    }
    add(out, NEXTAUTH_URL, NEXTAUTH_URL + " must equal " + APP_URL + " when both are set (NextAuth"
        + " builds OAuth callback URLs from it), like " + KindRules.URL_SHAPE + " for both" + got);
  }

  private static boolean isSet(@Nullable String value) {
    return value != null && !Chars.isBlank(value) && value.length() <= ValueRules.MAX_LENGTH;
  }

  /** Lower-cases scheme and host, drops a default port and one trailing '/'. */
  static String normalise(String url) {
    String s = url.strip();
    int sep = s.indexOf("://");
    if (sep >= 0) {
      String scheme = s.substring(0, sep).toLowerCase(Locale.ROOT);
      int start = sep + 3;
      int end = s.length();
      for (int i = start; i < s.length(); i++) {
        char c = s.charAt(i);
        if (c == '/' || c == '?' || c == '#') {
          end = i;
          break;
        }
      }
      String authority = s.substring(start, end).toLowerCase(Locale.ROOT);
      if ((scheme.equals("https") && authority.endsWith(":443"))
          || (scheme.equals("http") && authority.endsWith(":80"))) {
        authority = authority.substring(0, authority.lastIndexOf(':'));
      }
      s = scheme + "://" + authority + s.substring(end);
    }
    return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
  }

  private static void add(Map<String, List<String>> out, String key, String message) {
    out.computeIfAbsent(key, k -> new ArrayList<>()).add(message);
  }
}
