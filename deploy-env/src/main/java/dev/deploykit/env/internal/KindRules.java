package dev.deploykit.env.internal;

import dev.deploykit.env.VariableKind;
import org.jspecify.annotations.Nullable;

/**
 * The built-in rules of each {@link VariableKind}, as hand-written loops. Each check returns what is
 * wrong as a phrase to follow the variable's key ("must start with ..."), or {@code null}. No phrase
 * ever contains the value.
 */
final class KindRules {
  static final String URL_SHAPE = "https://my-app.example.com";
  static final String POSTGRES_SHAPE = "postgresql://user:password@host:5432/database";
  static final String MONGODB_SHAPE =
      "mongodb+srv://user:password@cluster0.abcde.mongodb.net/database"
          + " or mongodb://user:password@host1:27017,host2:27017/database";
  static final String REDIS_SHAPE = "rediss://default:password@host:6379";
  static final String API_KEY_SHAPE = "a1b2c3d4e5f6g7h8i9j0 (one word of at least 16 characters)";
  static final String ANTHROPIC_SHAPE =
      "sk-ant-api03-AbC...xyz (sk-ant- then letters, digits, '-' and '_'; at least 40 characters)";
  static final String OPENAI_SHAPE =
      "sk-proj-AbC...xyz (sk- then letters, digits, '-' and '_'; at least 40 characters)";
  static final String GOOGLE_SHAPE =
      "AIzaSyA1b2C3d4E5f6G7h8I9j0KlMnOpQrStUvW (AIza then 35 letters, digits, '-' or '_')";
  static final String CLERK_PUBLISHABLE_SHAPE =
      "pk_test_Y2xlcmsuZXhhbXBsZS5hY2NvdW50cy5kZXYk (pk_test_ or pk_live_ then at least 10"
          + " characters)";
  static final String CLERK_SECRET_SHAPE =
      "sk_test_AbC...xyz (sk_test_ or sk_live_ then at least 20 letters and digits)";
  static final String AWS_ACCESS_KEY_ID_SHAPE =
      "AKIAIOSFODNN7EXAMPLE (AKIA, or ASIA for temporary credentials, then 16 capital letters and"
          + " digits)";
  static final String AWS_SECRET_SHAPE =
      "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY (40 letters, digits, '/' and '+')";
  static final String AWS_REGION_SHAPE = "us-east-1, eu-central-1 or ap-southeast-2";
  static final String JWT_SHAPE =
      "eyJhbGciOiJIUzI1NiJ9.eyJyb2xlIjoiYW5vbiJ9.c2lnbmF0dXJl (header.payload.signature in"
          + " base64url)";
  static final String SUPABASE_SHAPE =
      "sb_publishable_AbC...xyz, or a JWT such as " + JWT_SHAPE;
  static final String SECRET_SHAPE = "the output of: openssl rand -base64 32";

  private static final String ENCODE_HINT =
      " (percent-encode special characters in the password: @ as %40, : as %3A, / as %2F,"
          + " ? as %3F, # as %23, % as %25)";

  private KindRules() {}

  /** What is wrong and what a right value looks like. */
  record Problem(String phrase, String shape) {}

  /** Returns the shape of a right value of {@code kind}, or null for free text. */
  static @Nullable String shape(VariableKind kind) {
    return switch (kind) {
      case URL -> URL_SHAPE;
      case POSTGRES_URL -> POSTGRES_SHAPE;
      case MONGODB_URL -> MONGODB_SHAPE;
      case REDIS_URL -> REDIS_SHAPE;
      case API_KEY -> API_KEY_SHAPE;
      case ANTHROPIC_API_KEY -> ANTHROPIC_SHAPE;
      case OPENAI_API_KEY -> OPENAI_SHAPE;
      case GOOGLE_AI_API_KEY -> GOOGLE_SHAPE;
      case CLERK_PUBLISHABLE_KEY -> CLERK_PUBLISHABLE_SHAPE;
      case CLERK_SECRET_KEY -> CLERK_SECRET_SHAPE;
      case AWS_ACCESS_KEY_ID -> AWS_ACCESS_KEY_ID_SHAPE;
      case AWS_SECRET_ACCESS_KEY -> AWS_SECRET_SHAPE;
      case AWS_REGION -> AWS_REGION_SHAPE;
      case SUPABASE_ANON_KEY -> SUPABASE_SHAPE;
      case JWT -> JWT_SHAPE;
      case SECRET -> SECRET_SHAPE;
      case TEXT -> null;
    };
  }

  /** The least length the kind's own rule demands (so a smaller declared minimum adds nothing). */
  static int inherentMinLength(VariableKind kind) {
    return switch (kind) {
      case API_KEY -> 16;
      case ANTHROPIC_API_KEY, OPENAI_API_KEY -> 40;
      case GOOGLE_AI_API_KEY -> 39;
      case AWS_ACCESS_KEY_ID -> 20;
      case AWS_SECRET_ACCESS_KEY -> 40;
      case SECRET -> 32;
      default -> 0;
    };
  }

  /** Returns the problem of a non-blank {@code value} under {@code kind}'s rules, or null. */
  static @Nullable Problem check(VariableKind kind, String value) {
    String shape = shape(kind);
    if (shape == null) {
      return null;
    }
    if (value.length() >= 2 && (value.charAt(0) == '"' || value.charAt(0) == '\'')
        && value.charAt(value.length() - 1) == value.charAt(0)) {
      return new Problem("must not be wrapped in quotes: remove the quote marks", shape);
    }
    String phrase = switch (kind) {
      case URL -> url(value);
      case POSTGRES_URL -> postgres(value);
      case MONGODB_URL -> mongodb(value);
      case REDIS_URL -> redis(value);
      case API_KEY -> apiKey(value);
      case ANTHROPIC_API_KEY -> anthropic(value);
      case OPENAI_API_KEY -> openai(value);
      case GOOGLE_AI_API_KEY -> google(value);
      case CLERK_PUBLISHABLE_KEY -> clerkPublishable(value);
      case CLERK_SECRET_KEY -> clerkSecret(value);
      case AWS_ACCESS_KEY_ID -> awsAccessKeyId(value);
      case AWS_SECRET_ACCESS_KEY -> awsSecret(value);
      case AWS_REGION -> awsRegion(value);
      case SUPABASE_ANON_KEY -> supabaseAnon(value);
      case JWT -> Jwts.problem(value);
      case SECRET -> secret(value);
      case TEXT -> null;
    };
    return phrase == null ? null : new Problem(phrase, shape);
  }

  /**
   * Returns the PgBouncer problem of a valid Postgres URL, or null: Prisma needs {@code
   * pgbouncer=true} behind a transaction pooler (port 6543 on Supabase), Drizzle does not use it.
   */
  static @Nullable String pgbouncer(String value, @Nullable String feature) {
    if (feature != null && !feature.equals("prisma-postgres")) {
      return null;
    }
    int start = value.startsWith("postgresql://") ? 13 : value.startsWith("postgres://") ? 11 : -1;
    if (start < 0) {
      return null;
    }
    Urls.Parts parts = Urls.split(value, start);
    Urls.HostPort hp = Urls.hostPort(parts.hosts(), false, true);
    if (hp.port() != 6543 || Urls.hasParameter(parts.query(), "pgbouncer", "true")) {
      return null;
    }
    return "uses port 6543, a transaction pooler (Supabase, PgBouncer), so Prisma needs pgbouncer=true:"
        + " append " + (parts.query() == null ? "?pgbouncer=true" : "&pgbouncer=true")
        + ", like postgresql://user:password@host:6543/postgres?pgbouncer=true";
  }

  private static @Nullable String noSpaces(String value) {
    return Chars.containsSpaceOrControl(value)
        ? "must not contain spaces, line breaks or control characters"
        : null;
  }

  private static @Nullable String url(String value) {
    String spaces = noSpaces(value);
    if (spaces != null) {
      return spaces;
    }
    int start = value.regionMatches(true, 0, "https://", 0, 8) ? 8
        : value.regionMatches(true, 0, "http://", 0, 7) ? 7 : -1;
    if (start < 0) {
      return "must start with https:// or http://";
    }
    Urls.Parts parts = Urls.split(value, start);
    return Urls.hostPort(parts.hosts(), true, false).problem();
  }

  /** The user info, host and port checks the database URLs share. */
  private static @Nullable String credentialsAndHost(String value, Urls.Parts parts, String hostPort) {
    String problem = null;
    if (parts.userInfo() != null && !Urls.percentEncodingOk(parts.userInfo())) {
      problem = "must percent-encode the user name and password ('%' must start an escape like %25)";
    } else {
      problem = Urls.hostPort(hostPort, false, true).problem();
    }
    if (problem != null && value.indexOf('@', parts.afterAuthority()) >= 0) {
      problem += ENCODE_HINT;
    }
    return problem;
  }

  private static @Nullable String postgres(String value) {
    String spaces = noSpaces(value);
    if (spaces != null) {
      return spaces;
    }
    int start = value.startsWith("postgresql://") ? 13 : value.startsWith("postgres://") ? 11 : -1;
    if (start < 0) {
      return "must start with postgres:// or postgresql://";
    }
    Urls.Parts parts = Urls.split(value, start);
    String problem = credentialsAndHost(value, parts, parts.hosts());
    if (problem != null) {
      return problem;
    }
    if (parts.path().length() <= 1) {
      return "must name a database after the host (/database)";
    }
    return null;
  }

  private static @Nullable String mongodb(String value) {
    String spaces = noSpaces(value);
    if (spaces != null) {
      return spaces;
    }
    boolean srv = value.startsWith("mongodb+srv://");
    int start = srv ? 14 : value.startsWith("mongodb://") ? 10 : -1;
    if (start < 0) {
      return "must start with mongodb:// or mongodb+srv://";
    }
    Urls.Parts parts = Urls.split(value, start);
    String hosts = parts.hosts();
    if (srv) {
      if (hosts.indexOf(',') >= 0) {
        return "uses mongodb+srv://, which takes exactly one host name (the driver finds the"
            + " servers in DNS); list several hosts only with mongodb://";
      }
      String problem = credentialsAndHost(value, parts, hosts);
      if (problem != null) {
        return problem;
      }
      if (Urls.hostPort(hosts, false, true).port() >= 0) {
        return "uses mongodb+srv://, which takes no port: remove the ':port' (or use mongodb://"
            + " with host:port)";
      }
      return null;
    }
    int from = 0;
    while (true) {
      int comma = hosts.indexOf(',', from);
      String one = hosts.substring(from, comma < 0 ? hosts.length() : comma);
      if (one.isEmpty() && (comma >= 0 || from > 0)) {
        return "must list hosts separated by single commas, with no empty entry";
      }
      String problem = credentialsAndHost(value, parts, one);
      if (problem != null) {
        return problem;
      }
      if (comma < 0) {
        return null;
      }
      from = comma + 1;
    }
  }

  private static @Nullable String redis(String value) {
    String spaces = noSpaces(value);
    if (spaces != null) {
      return spaces;
    }
    int start = value.startsWith("rediss://") ? 9 : value.startsWith("redis://") ? 8 : -1;
    if (start < 0) {
      return "must start with redis:// or rediss:// (with TLS)";
    }
    Urls.Parts parts = Urls.split(value, start);
    String problem = credentialsAndHost(value, parts, parts.hosts());
    if (problem != null) {
      return problem;
    }
    String path = parts.path();
    if (path.length() > 1 && (path.length() > 10 || !Chars.allDigits(path, 1, path.length()))) {
      return "may end only with a database number after the host, like /0";
    }
    return null;
  }

  private static @Nullable String apiKey(String value) {
    String spaces = noSpaces(value);
    if (spaces != null) {
      return spaces;
    }
    return value.length() < 16 ? "must be at least 16 characters long" : null;
  }

  private static @Nullable String anthropic(String value) {
    String spaces = noSpaces(value);
    if (spaces != null) {
      return spaces;
    }
    if (!value.startsWith("sk-ant-")) {
      return value.startsWith("sk-")
          ? "must be an Anthropic key starting with sk-ant- (this looks like an OpenAI key)"
          : "must start with sk-ant-";
    }
    if (!Chars.allBase64Url(value, 0)) {
      return "must contain only letters, digits, '-' and '_'";
    }
    return value.length() < 40 ? "must be at least 40 characters long (it looks cut off)" : null;
  }

  private static @Nullable String openai(String value) {
    String spaces = noSpaces(value);
    if (spaces != null) {
      return spaces;
    }
    if (value.startsWith("sk-ant-")) {
      return "looks like an Anthropic key (sk-ant-); it needs an OpenAI key starting with sk-";
    }
    if (!value.startsWith("sk-")) {
      return value.startsWith("sk_")
          ? "must start with sk- (a key starting with sk_ belongs to another service)"
          : "must start with sk- (project keys start with sk-proj-)";
    }
    if (!Chars.allBase64Url(value, 0)) {
      return "must contain only letters, digits, '-' and '_'";
    }
    return value.length() < 40 ? "must be at least 40 characters long (it looks cut off)" : null;
  }

  private static @Nullable String google(String value) {
    String spaces = noSpaces(value);
    if (spaces != null) {
      return spaces;
    }
    if (!value.startsWith("AIza")) {
      return "must start with AIza";
    }
    if (value.length() != 39) {
      return "must be exactly 39 characters long";
    }
    return Chars.allBase64Url(value, 4) ? null : "must contain only letters, digits, '-' and '_'";
  }

  private static @Nullable String clerkPublishable(String value) {
    if (value.startsWith("sk_test_") || value.startsWith("sk_live_")) {
      return "holds a Clerk secret key (sk_); it needs the publishable key (pk_test_ or pk_live_),"
          + " and a secret key must never reach browsers";
    }
    String spaces = noSpaces(value);
    if (spaces != null) {
      return spaces;
    }
    if (!value.startsWith("pk_test_") && !value.startsWith("pk_live_")) {
      return "must start with pk_test_ or pk_live_";
    }
    if (value.length() < 18) {
      return "must have at least 10 characters after pk_test_ or pk_live_";
    }
    for (int i = 8; i < value.length(); i++) {
      char c = value.charAt(i);
      if (!Chars.isAsciiAlnum(c) && c != '+' && c != '/' && c != '=' && c != '_' && c != '$'
          && c != '-') {
        return "must contain only letters, digits and + / = _ $ - after its prefix";
      }
    }
    return null;
  }

  private static @Nullable String clerkSecret(String value) {
    String spaces = noSpaces(value);
    if (spaces != null) {
      return spaces;
    }
    if (value.startsWith("pk_test_") || value.startsWith("pk_live_")) {
      return "holds a Clerk publishable key (pk_); it needs the secret key (sk_test_ or sk_live_)";
    }
    if (!value.startsWith("sk_test_") && !value.startsWith("sk_live_")) {
      return "must start with sk_test_ or sk_live_";
    }
    if (!Chars.allAsciiAlnum(value, 8)) {
      return "must contain only letters and digits after sk_test_ or sk_live_";
    }
    return value.length() < 28 ? "must have at least 20 characters after sk_test_ or sk_live_" : null;
  }

  private static boolean awsSecretChars(String value) {
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (!Chars.isAsciiAlnum(c) && c != '/' && c != '+') {
        return false;
      }
    }
    return true;
  }

  private static @Nullable String awsAccessKeyId(String value) {
    String spaces = noSpaces(value);
    if (spaces != null) {
      return spaces;
    }
    if (value.length() == 40 && awsSecretChars(value)) {
      return "looks like a secret access key; it needs the access key id";
    }
    if (!value.startsWith("AKIA") && !value.startsWith("ASIA")) {
      return "must start with AKIA (or ASIA for temporary credentials)";
    }
    if (value.length() != 20) {
      return "must be exactly 20 characters long";
    }
    for (int i = 4; i < 20; i++) {
      char c = value.charAt(i);
      if (!(c >= 'A' && c <= 'Z') && !Chars.isAsciiDigit(c)) {
        return "must contain only capital letters and digits";
      }
    }
    return null;
  }

  private static @Nullable String awsSecret(String value) {
    String spaces = noSpaces(value);
    if (spaces != null) {
      return spaces;
    }
    if (value.length() == 20 && (value.startsWith("AKIA") || value.startsWith("ASIA"))) {
      return "looks like an access key id; it needs the secret access key";
    }
    if (value.length() != 40) {
      return "must be exactly 40 characters long";
    }
    return awsSecretChars(value) ? null : "must contain only letters, digits, '/' and '+'";
  }

  private static @Nullable String awsRegion(String value) {
    int n = value.length();
    if (n > 64) {
      return "must be a region code: lower-case words separated by '-', ending in a number";
    }
    for (int i = 0; i < n; i++) {
      char c = value.charAt(i);
      if (c >= 'A' && c <= 'Z') {
        return "must be lower case";
      }
    }
    int lastDash = value.lastIndexOf('-');
    String last = lastDash < 0 ? "" : value.substring(lastDash + 1);
    if (last.length() >= 2 && Chars.allDigits(last, 0, last.length() - 1)
        && last.charAt(last.length() - 1) >= 'a' && last.charAt(last.length() - 1) <= 'z'
        && wordsOk(value, lastDash)) {
      return "is an availability zone, not a region: drop the final letter";
    }
    if (lastDash < 0 || last.isEmpty() || last.length() > 2 || !Chars.allDigits(last, 0, last.length())
        || !wordsOk(value, lastDash)) {
      return "must be a region code: lower-case words separated by '-', ending in a number";
    }
    return null;
  }

  /** Whether {@code value[0, end)} is at least two lower-case words joined by single dashes. */
  private static boolean wordsOk(String value, int end) {
    int words = 0;
    int wordLength = 0;
    for (int i = 0; i <= end; i++) {
      if (i == end || value.charAt(i) == '-') {
        if (wordLength == 0) {
          return false;
        }
        words++;
        wordLength = 0;
      } else {
        char c = value.charAt(i);
        if (c < 'a' || c > 'z') {
          return false;
        }
        wordLength++;
      }
    }
    return words >= 2;
  }

  private static @Nullable String supabaseAnon(String value) {
    if (value.startsWith("sb_secret_")) {
      return "holds a Supabase secret key (sb_secret_); it needs the publishable key"
          + " (sb_publishable_), and a secret key must never reach browsers";
    }
    String spaces = noSpaces(value);
    if (spaces != null) {
      return spaces;
    }
    if (value.startsWith("sb_publishable_")) {
      if (value.length() < 25) {
        return "must have at least 10 characters after sb_publishable_";
      }
      return Chars.allBase64Url(value, 15)
          ? null
          : "must contain only letters, digits, '-' and '_' after sb_publishable_";
    }
    if (Jwts.problem(value) != null) {
      return "must be the project's anon key (a JWT starting with eyJ) or its publishable key"
          + " (sb_publishable_)";
    }
    if ("service_role".equals(Jwts.role(value))) {
      return "holds the service_role key, which bypasses row-level security and must never reach"
          + " browsers; use the anon key";
    }
    return null;
  }

  private static @Nullable String secret(String value) {
    if (Chars.hasSpaceAround(value)) {
      return "must not start or end with spaces or line breaks";
    }
    return value.length() < 32 ? "must be at least 32 characters long" : null;
  }
}
