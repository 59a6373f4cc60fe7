package dev.deploykit.core;

import dev.failsafe.BulkheadFullException;
import dev.failsafe.CircuitBreakerOpenException;
import dev.failsafe.FailsafeException;
import dev.failsafe.RateLimitExceededException;
import dev.failsafe.TimeoutExceededException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.TreeSet;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a failed deployment into something a person can act on: a severity, a message and a {@link
 * RecoveryPlan}.
 *
 * <p>The plan for each {@link ErrorCode}:
 *
 * <table>
 *   <caption>Recovery per error code</caption>
 *   <tr><th>code</th><th>severity</th><th>action</th><th>alternatives</th><th>fallbacks</th></tr>
 *   <tr><td>AUTH_FAILED</td><td>CRITICAL</td><td>RECONNECT</td><td>yes</td><td>ZIP</td></tr>
 *   <tr><td>INSUFFICIENT_PERMISSIONS</td><td>CRITICAL</td><td>RECONNECT</td><td>yes</td>
 *       <td>ZIP</td></tr>
 *   <tr><td>PLATFORM_UNAVAILABLE</td><td>TEMPORARY</td><td>RETRY</td><td>yes</td>
 *       <td>GITHUB_REPO, ZIP</td></tr>
 *   <tr><td>RATE_LIMIT_EXCEEDED</td><td>TEMPORARY</td><td>RETRY</td><td>yes</td><td>ZIP</td></tr>
 *   <tr><td>TIMEOUT</td><td>TEMPORARY</td><td>RETRY</td><td>yes</td><td>GITHUB_REPO, ZIP</td></tr>
 *   <tr><td>UPLOAD_FAILED</td><td>RECOVERABLE</td><td>RETRY if {@link #isRetryable retryable},
 *       else FALLBACK</td><td>yes</td><td>GITHUB_REPO, ZIP</td></tr>
 *   <tr><td>PROJECT_NAME_TAKEN</td><td>RECOVERABLE</td><td>MANUAL</td><td>yes</td><td>none</td></tr>
 *   <tr><td>INVALID_CONFIG</td><td>RECOVERABLE</td><td>MANUAL</td><td>no</td><td>none</td></tr>
 *   <tr><td>BUILD_FAILED</td><td>RECOVERABLE</td><td>CHECK</td><td>no</td>
 *       <td>GITHUB_REPO, ZIP</td></tr>
 *   <tr><td>UNKNOWN</td><td>CRITICAL</td><td>FALLBACK</td><td>yes</td><td>GITHUB_REPO, ZIP</td></tr>
 * </table>
 *
 * <p>ZIP is offered for credential and rate-limit failures because the code can still be taken to
 * the platform by hand; a wrong name or configuration is fixed, not worked around. Alternative
 * platforms are the installed ones minus the failing one, sorted; {@code memory}, the in-memory test
 * platform, is never offered in place of a real platform. A build failure or an invalid
 * configuration would fail elsewhere too, so no alternative is offered for them. {@link
 * RecoveryPlan#retryAfter()} carries the error's retry-after when the action is RETRY.
 *
 * <p>Messages and plans are built only from the error, the deployment and fixed text: they never
 * hold a token, and a request id is quoted so a person can give it to the platform's support.
 *
 * <p>Thread-safe: the installed-platforms supplier is called on each {@link #handleError} and must
 * be thread-safe itself; if it throws, no alternative is offered.
 */
public final class DeploymentErrorHandler {
  private static final Logger LOG = LoggerFactory.getLogger(DeploymentErrorHandler.class);
  private static final String MEMORY = "memory";
  private static final int MAX_EXCEPTION_MESSAGE = 200;
  private static final int LOG_LINES_SHOWN = 10;
  private static final int MAX_UNWRAP_DEPTH = 32;

  private final Supplier<? extends Collection<String>> installedPlatforms;

  private DeploymentErrorHandler(Supplier<? extends Collection<String>> installedPlatforms) {
    this.installedPlatforms = installedPlatforms;
  }

  /**
   * Returns a handler that offers the ids {@code installedPlatforms} returns (e.g. {@code vercel},
   * {@code railway}, {@code render}) as alternatives.
   */
  public static DeploymentErrorHandler create(
      Supplier<? extends Collection<String>> installedPlatforms) {
    return new DeploymentErrorHandler(
        Objects.requireNonNull(installedPlatforms, "installedPlatforms"));
  }

  /**
   * Returns what to do about {@code error}, which ended {@code deployment}. See the class
   * documentation for the table of actions.
   */
  public RecoveryPlan handleError(DeploymentError error, Deployment deployment) {
    Objects.requireNonNull(error, "error");
    Objects.requireNonNull(deployment, "deployment");
    String platform = platformOf(error, deployment);
    String name = displayName(platform);
    List<String> suggestions = new ArrayList<>();
    RecoveryAction action;
    List<FallbackOption> fallbacks;
    boolean alternatives = true;
    switch (error.code()) {
      case AUTH_FAILED -> {
        action = RecoveryAction.RECONNECT;
        suggestions.add("Reconnect your " + name + " account in deploykit.");
        suggestions.add(tokenHint(platform, name));
        suggestions.add("Check that the token has not expired or been revoked.");
        fallbacks = List.of(FallbackOption.ZIP);
      }
      case INSUFFICIENT_PERMISSIONS -> {
        action = RecoveryAction.RECONNECT;
        suggestions.add("Check the token's scope: it must be allowed to create projects and"
            + " deployments on " + name + ".");
        suggestions.add("If the project belongs to a team, make sure the token has access to that"
            + " team, or deploy to your personal account.");
        suggestions.add(tokenHint(platform, name));
        fallbacks = List.of(FallbackOption.ZIP);
      }
      case PLATFORM_UNAVAILABLE -> {
        action = RecoveryAction.RETRY;
        suggestions.add(waitHint(error.retryAfter(), "a few minutes"));
        suggestions.add(statusHint(platform, name));
        fallbacks = List.of(FallbackOption.GITHUB_REPO, FallbackOption.ZIP);
      }
      case RATE_LIMIT_EXCEEDED -> {
        action = RecoveryAction.RETRY;
        suggestions.add(waitHint(error.retryAfter(), "a minute"));
        suggestions.add("Avoid starting many deployments at once with the same account.");
        fallbacks = List.of(FallbackOption.ZIP);
      }
      case TIMEOUT -> {
        action = RecoveryAction.RETRY;
        suggestions.add("The build may still finish on " + name + ": check the project in the "
            + name + " dashboard before deploying again.");
        suggestions.add(waitHint(error.retryAfter(), "a moment"));
        suggestions.add("If builds are regularly slow, raise the deployment timeout.");
        fallbacks = List.of(FallbackOption.GITHUB_REPO, FallbackOption.ZIP);
      }
      case UPLOAD_FAILED -> {
        action = isRetryable(error) ? RecoveryAction.RETRY : RecoveryAction.FALLBACK;
        if (action == RecoveryAction.RETRY) {
          suggestions.add(waitHint(error.retryAfter(), "a moment"));
        }
        suggestions.add("Check your network connection.");
        suggestions.add("Publish the code to a GitHub repository or download it as a ZIP file and"
            + " deploy it from there.");
        fallbacks = List.of(FallbackOption.GITHUB_REPO, FallbackOption.ZIP);
      }
      case PROJECT_NAME_TAKEN -> {
        action = RecoveryAction.MANUAL;
        String project = deployment.projectName();
        suggestions.add("Choose a different project name, for example " + renamed(project, "2")
            + " or " + renamed(project, shortSuffix(deployment.id())) + ".");
        suggestions.add("If the project is yours, connect the " + name
            + " account or team that owns it.");
        fallbacks = List.of();
      }
      case INVALID_CONFIG -> {
        action = RecoveryAction.MANUAL;
        alternatives = false;
        suggestions.addAll(error.details());
        suggestions.add("Correct the configuration and deploy again.");
        fallbacks = List.of();
      }
      case BUILD_FAILED -> {
        action = RecoveryAction.CHECK;
        alternatives = false;
        List<String> tail = deployment.logTail();
        if (tail.isEmpty()) {
          suggestions.add("Read the build log in the " + name + " dashboard.");
        } else {
          List<String> shown = tail.subList(Math.max(0, tail.size() - LOG_LINES_SHOWN), tail.size());
          suggestions.add("Read the end of the build log:\n" + String.join("\n", shown));
        }
        suggestions.add("Run `npm install && npm run build` locally to reproduce the error.");
        suggestions.add("Check that every required environment variable is set.");
        fallbacks = List.of(FallbackOption.GITHUB_REPO, FallbackOption.ZIP);
      }
      default -> {
        action = RecoveryAction.FALLBACK;
        suggestions.add("Try again; if it fails again, publish the code to GitHub or download it"
            + " as a ZIP file and deploy it by hand.");
        suggestions.add("Report the problem with deployment id " + deployment.id() + ".");
        fallbacks = List.of(FallbackOption.GITHUB_REPO, FallbackOption.ZIP);
      }
    }
    Duration retryAfter = action == RecoveryAction.RETRY ? error.retryAfter() : null;
    return new RecoveryPlan(action, generateUserMessage(error, deployment), suggestions,
        alternatives ? alternatives(deployment.platform()) : List.of(), fallbacks, retryAfter);
  }

  /**
   * Returns how bad {@code error} is: {@link ErrorSeverity#TEMPORARY} for PLATFORM_UNAVAILABLE,
   * RATE_LIMIT_EXCEEDED and TIMEOUT; {@link ErrorSeverity#RECOVERABLE} for UPLOAD_FAILED,
   * BUILD_FAILED, PROJECT_NAME_TAKEN and INVALID_CONFIG; {@link ErrorSeverity#CRITICAL} for
   * AUTH_FAILED, INSUFFICIENT_PERMISSIONS and UNKNOWN.
   */
  public ErrorSeverity classifyError(DeploymentError error) {
    return switch (Objects.requireNonNull(error, "error").code()) {
      case PLATFORM_UNAVAILABLE, RATE_LIMIT_EXCEEDED, TIMEOUT -> ErrorSeverity.TEMPORARY;
      case UPLOAD_FAILED, BUILD_FAILED, PROJECT_NAME_TAKEN, INVALID_CONFIG ->
          ErrorSeverity.RECOVERABLE;
      case AUTH_FAILED, INSUFFICIENT_PERMISSIONS, UNKNOWN -> ErrorSeverity.CRITICAL;
    };
  }

  /**
   * Returns whether repeating the same request may succeed: every {@link ErrorSeverity#TEMPORARY}
   * error, and an UPLOAD_FAILED without an HTTP status or with 408, 429, a 5xx, or a 2xx (a
   * success status on an error means the answer was malformed or cut short).
   */
  public boolean isRetryable(DeploymentError error) {
    if (classifyError(error) == ErrorSeverity.TEMPORARY) {
      return true;
    }
    if (error.code() != ErrorCode.UPLOAD_FAILED) {
      return false;
    }
    Integer status = error.httpStatus();
    return status == null || status == 408 || status == 429 || (status >= 500 && status <= 599)
        || (status >= 200 && status <= 299);
  }

  /**
   * Returns a message a person can act on: what happened on which platform, why (the error's own
   * message), what to do, and the platform's request id to quote to its support, if there is one.
   */
  public String generateUserMessage(DeploymentError error, Deployment deployment) {
    Objects.requireNonNull(error, "error");
    Objects.requireNonNull(deployment, "deployment");
    String platform = platformOf(error, deployment);
    String name = displayName(platform);
    String project = deployment.projectName();
    String what = switch (error.code()) {
      case AUTH_FAILED -> name + " did not accept the credentials used to deploy " + project + ".";
      case INSUFFICIENT_PERMISSIONS -> "The " + name
          + " credentials work but lack a permission needed to deploy " + project + ".";
      case PLATFORM_UNAVAILABLE -> name + " could not be reached or answered with an error while"
          + " deploying " + project + ".";
      case RATE_LIMIT_EXCEEDED -> name + " is limiting requests from this account.";
      case TIMEOUT -> "The deployment of " + project + " to " + name + " did not finish in time.";
      case UPLOAD_FAILED -> "The files of " + project + " could not be uploaded to " + name + ".";
      case PROJECT_NAME_TAKEN -> "The project name '" + project + "' is already taken on " + name
          + ".";
      case INVALID_CONFIG -> "The deployment of " + project + " to " + name
          + " is not configured correctly.";
      case BUILD_FAILED -> name + " could not build " + project + ".";
      case UNKNOWN -> "The deployment of " + project + " to " + name + " failed unexpectedly.";
    };
    String todo = switch (error.code()) {
      case AUTH_FAILED -> "Reconnect your " + name + " account or create a new token"
          + tokenPlace(platform) + ".";
      case INSUFFICIENT_PERMISSIONS -> "Check the token's scope and team access, or create a token"
          + " with the right scope" + tokenPlace(platform) + ".";
      case PLATFORM_UNAVAILABLE, RATE_LIMIT_EXCEEDED -> "Try again "
          + (error.retryAfter() == null ? "in a few minutes" : "in " + human(error.retryAfter()))
          + ".";
      case TIMEOUT -> "The build may still finish on the platform: check the " + name
          + " dashboard before deploying again.";
      case UPLOAD_FAILED -> isRetryable(error)
          ? "Try again; if it keeps failing, publish the code to GitHub or download it as a ZIP."
          : "Publish the code to GitHub or download it as a ZIP and deploy it from there.";
      case PROJECT_NAME_TAKEN -> "Choose a different name, for example "
          + renamed(project, "2") + ".";
      case INVALID_CONFIG -> error.details().isEmpty()
          ? "Correct the configuration and deploy again."
          : "Correct these and deploy again: " + String.join("; ", error.details()) + ".";
      case BUILD_FAILED -> "Read the build log, then run `npm run build` locally to reproduce the"
          + " error.";
      case UNKNOWN -> "Try again; if it fails again, publish the code to GitHub or download it as"
          + " a ZIP.";
    };
    StringBuilder sb = new StringBuilder(what);
    String why = error.message().strip();
    if (!why.isEmpty()) {
      sb.append(" Reason: ").append(why);
      if (!why.endsWith(".") && !why.endsWith("!") && !why.endsWith("?")) {
        sb.append('.');
      }
    }
    sb.append(' ').append(todo);
    String requestId = error.requestId();
    if (requestId != null && !requestId.isBlank()) {
      sb.append(" If you contact ").append(name).append(" support, quote request id ")
          .append(printable(requestId.strip(), 100)).append('.');
    }
    return sb.toString();
  }

  /**
   * Returns the error {@code t} stands for, naming {@code platform} when the error does not name
   * one.
   *
   * <p>{@link CompletionException}, {@link ExecutionException}, {@link UncheckedIOException} and
   * Failsafe's wrapping exceptions are unwrapped first. Then: a {@link DeploymentException} gives
   * its error; Failsafe's timeout, and a {@link TimeoutException}, give TIMEOUT; a {@link
   * CancellationException} (in this library a deadline cancelling a stage: the orchestrator records
   * a user's cancel itself) gives TIMEOUT too; an open circuit breaker and any {@link IOException}
   * (refused connection, HTTP timeout) give PLATFORM_UNAVAILABLE; Failsafe's rate limiter and
   * bulkhead give RATE_LIMIT_EXCEEDED; anything else gives UNKNOWN with the exception's class and
   * message (at most 200 characters).
   *
   * <p>The returned error does not hold {@code t}: callers keep it as the cause (the orchestrator
   * wraps it in a {@link DeploymentException} with {@code t} as cause), so nothing is lost.
   */
  public static DeploymentError toError(Throwable t, @Nullable String platform) {
    Objects.requireNonNull(t, "t");
    Throwable cause = unwrap(t);
    String name = platform == null ? "the platform" : displayName(platform);
    DeploymentError error;
    if (cause instanceof DeploymentException de) {
      error = de.error();
      return error.platform() == null && platform != null ? error.withPlatform(platform) : error;
    } else if (cause instanceof TimeoutExceededException || cause instanceof TimeoutException) {
      error = DeploymentError.of(ErrorCode.TIMEOUT,
          name + " did not answer in time (" + simpleName(cause) + ").");
    } else if (cause instanceof CancellationException) {
      error = DeploymentError.of(ErrorCode.TIMEOUT, "The request to " + name
          + " was cancelled before it finished; the platform may still finish the work.");
    } else if (cause instanceof CircuitBreakerOpenException) {
      error = DeploymentError.of(ErrorCode.PLATFORM_UNAVAILABLE, "Too many recent failures on "
          + name + "; requests are paused for a while (" + simpleName(cause) + ").");
    } else if (cause instanceof RateLimitExceededException
        || cause instanceof BulkheadFullException) {
      error = DeploymentError.of(ErrorCode.RATE_LIMIT_EXCEEDED, "Too many requests to " + name
          + " at once (" + simpleName(cause) + ").");
    } else if (cause instanceof IOException) {
      error = DeploymentError.of(ErrorCode.PLATFORM_UNAVAILABLE,
          "Could not reach " + name + ": " + simpleName(cause));
    } else {
      String message = cause.getMessage();
      error = DeploymentError.of(ErrorCode.UNKNOWN, "Unexpected " + simpleName(cause)
          + (message == null || message.isBlank()
              ? "" : ": " + printable(message.strip(), MAX_EXCEPTION_MESSAGE)));
    }
    return platform == null ? error : error.withPlatform(platform);
  }

  private static Throwable unwrap(Throwable t) {
    Throwable current = t;
    for (int i = 0; i < MAX_UNWRAP_DEPTH; i++) {
      boolean wrapper = current instanceof CompletionException
          || current instanceof ExecutionException
          || current instanceof UncheckedIOException
          || current.getClass() == FailsafeException.class;
      Throwable next = current.getCause();
      if (!wrapper || next == null || next == current) {
        return current;
      }
      current = next;
    }
    return current;
  }

  private List<String> alternatives(String failing) {
    Collection<String> installed;
    try {
      installed = installedPlatforms.get();
    } catch (RuntimeException e) {
      LOG.warn("Could not list the installed platforms; offering no alternative", e);
      return List.of();
    }
    if (installed == null) {
      return List.of();
    }
    String failingId = failing.strip().toLowerCase(Locale.ROOT);
    TreeSet<String> out = new TreeSet<>();
    for (String id : installed) {
      if (id == null) {
        continue;
      }
      String normalised = id.strip().toLowerCase(Locale.ROOT);
      if (normalised.isEmpty() || normalised.equals(failingId)
          || (normalised.equals(MEMORY) && !failingId.equals(MEMORY))) {
        continue;
      }
      out.add(normalised);
    }
    return List.copyOf(out);
  }

  private static String platformOf(DeploymentError error, Deployment deployment) {
    String p = error.platform();
    return p == null || p.isBlank() ? deployment.platform() : p;
  }

  static String displayName(String platform) {
    return switch (platform.strip().toLowerCase(Locale.ROOT)) {
      case "vercel" -> "Vercel";
      case "railway" -> "Railway";
      case "render" -> "Render";
      case "github" -> "GitHub";
      case "memory" -> "In-memory platform";
      default -> platform;
    };
  }

  private static String tokenHint(String platform, String name) {
    String place = tokenPlace(platform);
    return place.isEmpty()
        ? "Create a new API token in your " + name + " account settings and paste it into"
            + " deploykit."
        : "Create a new token" + place + " and paste it into deploykit.";
  }

  private static String tokenPlace(String platform) {
    return switch (platform.strip().toLowerCase(Locale.ROOT)) {
      case "vercel" -> " at https://vercel.com/account/tokens";
      case "railway" -> " at https://railway.com/account/tokens";
      case "render" -> " at https://dashboard.render.com (Account Settings > API Keys)";
      case "github" -> " at https://github.com/settings/tokens";
      default -> "";
    };
  }

  private static String statusHint(String platform, String name) {
    String page = switch (platform.strip().toLowerCase(Locale.ROOT)) {
      case "vercel" -> "https://www.vercel-status.com";
      case "railway" -> "https://status.railway.com";
      case "render" -> "https://status.render.com";
      case "github" -> "https://www.githubstatus.com";
      default -> null;
    };
    return page == null
        ? "Check whether " + name + " reports an outage."
        : "Check " + name + "'s status page: " + page + ".";
  }

  private static String waitHint(@Nullable Duration retryAfter, String otherwise) {
    return "Retry after " + (retryAfter == null ? otherwise : human(retryAfter)) + ".";
  }

  static String human(Duration d) {
    long seconds = Math.max(0, (d.toMillis() + 999) / 1000);
    if (seconds < 60) {
      return seconds + (seconds == 1 ? " second" : " seconds");
    }
    long minutes = (seconds + 59) / 60;
    return minutes + (minutes == 1 ? " minute" : " minutes");
  }

  private static String renamed(String project, String suffix) {
    int max = 100 - suffix.length() - 1;
    String base = project.length() > max ? project.substring(0, max) : project;
    return base + "-" + suffix;
  }

  private static String shortSuffix(String seed) {
    String hex = Integer.toHexString(seed.hashCode() & 0xfffff | 0x100000);
    return hex.substring(hex.length() - 4);
  }

  private static String simpleName(Throwable t) {
    String n = t.getClass().getSimpleName();
    return n.isEmpty() ? t.getClass().getName() : n;
  }

  private static String printable(String s, int max) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < s.length() && sb.length() < max; i++) {
      char c = s.charAt(i);
      sb.append(c < 0x20 || c == 0x7f ? ' ' : c);
    }
    if (s.length() > max) {
      sb.append("...");
    }
    return sb.toString();
  }
}
