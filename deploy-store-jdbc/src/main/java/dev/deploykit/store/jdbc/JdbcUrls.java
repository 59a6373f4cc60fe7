package dev.deploykit.store.jdbc;

import java.util.regex.Pattern;

/** JDBC URL text safe for messages and logs. */
final class JdbcUrls {
  private static final Pattern SECRET_PARAM =
      Pattern.compile("(?i)(password|passwd|pwd|sslpassword|secret|token)=[^;&]*");
  private static final Pattern USER_INFO = Pattern.compile("//[^/@]*@");

  private JdbcUrls() {}

  /** The URL with password-like parameters and {@code user:password@} masked. */
  static String withoutSecrets(String url) {
    String s = SECRET_PARAM.matcher(url).replaceAll("$1=****");
    return USER_INFO.matcher(s).replaceAll("//****@");
  }
}
