package dev.deploykit.platform.railway;

import dev.deploykit.core.DeploymentError;
import dev.deploykit.core.DeploymentException;
import dev.deploykit.core.ErrorCode;
import dev.deploykit.core.spi.Credentials;
import dev.deploykit.core.spi.PlatformContext;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The adapter's settings, read and checked once from a {@link PlatformContext}.
 *
 * @param origin scheme, host and port of the API; the only place the token goes
 * @param graphQlPath the GraphQL endpoint's path, e.g. {@code /graphql/v2}
 * @param authHeaders the header carrying the token, chosen by the credential type
 * @param tokenKind what kind of token, for the flow and for messages
 * @param workspaceId the workspace to look projects up in, or {@code null}
 * @param environment the environment's name, or {@code null} for the default
 * @param logPollInterval how often build logs are polled
 * @param uploadTimeout how long an upload may take
 */
record RailwaySettings(
    URI origin,
    String graphQlPath,
    Map<String, String> authHeaders,
    TokenKind tokenKind,
    @Nullable String workspaceId,
    @Nullable String environment,
    Duration logPollInterval,
    Duration uploadTimeout) {

  static final String DEFAULT_ENVIRONMENT = "production";
  static final Duration DEFAULT_LOG_POLL_INTERVAL = Duration.ofSeconds(1);
  static final Duration DEFAULT_UPLOAD_TIMEOUT = Duration.ofMinutes(5);

  /** How a token is sent. */
  enum TokenKind {
    ACCOUNT("Authorization"),
    PROJECT("Project-Access-Token"),
    WORKSPACE("Team-Access-Token");

    final String header;

    TokenKind(String header) {
      this.header = header;
    }
  }

  private static final Set<String> BEARER_TYPES =
      Set.of(Credentials.DEFAULT_TYPE, "account", "personal", "oauth", "bearer", "user");
  private static final Set<String> PROJECT_TYPES = Set.of("project");
  private static final Set<String> WORKSPACE_TYPES = Set.of("workspace", "team");

  @Override
  public String toString() {
    // authHeaders holds the token: never print it.
    return "RailwaySettings[origin=" + origin + ", graphQlPath=" + graphQlPath + ", tokenKind="
        + tokenKind + ", workspaceId=" + workspaceId + ", environment=" + environment
        + ", logPollInterval=" + logPollInterval + ", uploadTimeout=" + uploadTimeout + "]";
  }

  static RailwaySettings from(PlatformContext context) {
    URI api = context.apiUrl(RailwayPlatform.DEFAULT_API_URL);
    String scheme = api.getScheme() == null ? "" : api.getScheme().toLowerCase(Locale.ROOT);
    if (!(scheme.equals("http") || scheme.equals("https")) || api.getHost() == null) {
      throw invalid("The railway.apiUrl setting must be an absolute http(s) URL such as "
          + RailwayPlatform.DEFAULT_API_URL + ", was '" + safeUrl(api) + "'");
    }
    if (api.getRawQuery() != null || api.getRawFragment() != null) {
      throw invalid("The railway.apiUrl setting must not have a query or fragment; give the GraphQL"
          + " endpoint, e.g. " + RailwayPlatform.DEFAULT_API_URL);
    }
    URI origin;
    try {
      origin = new URI(scheme, null, api.getHost(), api.getPort(), null, null, null);
    } catch (URISyntaxException e) {
      throw invalid("The railway.apiUrl setting is not a valid URL: " + e.getReason());
    }
    String path = api.getRawPath() == null || api.getRawPath().isEmpty()
        || api.getRawPath().equals("/") ? "/graphql/v2" : api.getRawPath();

    Credentials credentials = context.credentials();
    String type = credentials.type().strip().toLowerCase(Locale.ROOT);
    TokenKind kind;
    if (BEARER_TYPES.contains(type)) {
      kind = TokenKind.ACCOUNT;
    } else if (PROJECT_TYPES.contains(type)) {
      kind = TokenKind.PROJECT;
    } else if (WORKSPACE_TYPES.contains(type)) {
      kind = TokenKind.WORKSPACE;
    } else {
      throw invalid("The Railway credential type '" + printable(credentials.type())
          + "' is not known: use 'account' (or 'default') for an account or OAuth token, 'project'"
          + " for a project token, or 'workspace' (or 'team') for a workspace token");
    }
    String value = kind == TokenKind.ACCOUNT ? "Bearer " + credentials.token() : credentials.token();
    Map<String, String> auth = Map.of(kind.header, value);

    String workspace = context.setting("workspaceId").or(() -> context.setting("teamId"))
        .map(String::strip).filter(s -> !s.isEmpty()).orElse(null);
    String environment = context.setting("environment").map(String::strip)
        .filter(s -> !s.isEmpty()).orElse(null);
    Duration poll = duration(context, "logPollInterval", DEFAULT_LOG_POLL_INTERVAL);
    Duration upload = duration(context, "uploadTimeout", DEFAULT_UPLOAD_TIMEOUT);
    return new RailwaySettings(origin, path, auth, kind, workspace, environment, poll, upload);
  }

  static Duration duration(PlatformContext context, String key, Duration defaultValue) {
    Optional<String> raw = context.setting(key).map(String::strip);
    if (raw.isEmpty() || raw.get().isEmpty()) {
      return defaultValue;
    }
    String v = raw.get();
    Duration d;
    try {
      d = v.chars().allMatch(Character::isDigit) ? Duration.ofMillis(Long.parseLong(v))
          : Duration.parse(v);
    } catch (DateTimeParseException | NumberFormatException e) {
      throw invalid("The railway." + key + " setting must be an ISO-8601 duration such as PT1S or"
          + " a number of milliseconds, was '" + printable(v) + "'");
    }
    if (d.isZero() || d.isNegative()) {
      throw invalid("The railway." + key + " setting must be positive, was '" + printable(v) + "'");
    }
    return d;
  }

  private static DeploymentException invalid(String message) {
    return new DeploymentException(
        DeploymentError.of(ErrorCode.INVALID_CONFIG, message).withPlatform(RailwayPlatform.ID));
  }

  /** The URL without user info, query or fragment: they may hold secrets. */
  private static String safeUrl(URI uri) {
    return (uri.getScheme() == null ? "" : uri.getScheme() + "://")
        + (uri.getHost() == null ? "" : uri.getHost())
        + (uri.getPort() == -1 ? "" : ":" + uri.getPort())
        + (uri.getRawPath() == null ? "" : uri.getRawPath());
  }

  private static String printable(String s) {
    String t = s.replaceAll("\\p{Cntrl}", "?");
    return t.length() > 40 ? t.substring(0, 40) + "..." : t;
  }
}
