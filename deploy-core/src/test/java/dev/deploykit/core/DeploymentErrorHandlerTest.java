package dev.deploykit.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.failsafe.FailsafeException;
import dev.failsafe.TimeoutExceededException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class DeploymentErrorHandlerTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  private static final Pattern TOKEN_LIKE =
      Pattern.compile("(?i)(sk[-_][a-z0-9]|ghp_|bearer\\s|[A-Za-z0-9_\\-]{32,})");

  private final DeploymentErrorHandler handler =
      DeploymentErrorHandler.create(() -> List.of("vercel", "railway", "render", "memory"));

  private static Deployment deployment(String platform, List<String> logTail) {
    return new Deployment("dep-1", "user-1", "my-app", platform, DeploymentStatus.FAILED, null,
        null, null, null, null, T0, T0, logTail, null);
  }

  private static DeploymentError error(ErrorCode code) {
    return DeploymentError.of(code, "Something went wrong").withPlatform("vercel");
  }

  @ParameterizedTest
  @EnumSource(ErrorCode.class)
  void handleError_forEveryCode_givesAPlanWithoutFailingPlatformOrTokens(ErrorCode code) {
    DeploymentError error = error(code).withRetryAfter(Duration.ofSeconds(30))
        .withRequestId("req_abc123").withDetails(List.of("DATABASE_URL: expected postgres://"));
    RecoveryPlan plan = handler.handleError(error, deployment("vercel", List.of("Error: boom")));

    assertThat(plan.action()).isNotNull();
    assertThat(plan.userMessage()).contains("Vercel").contains("request id req_abc123");
    assertThat(plan.suggestions()).isNotEmpty();
    assertThat(plan.alternativePlatforms()).doesNotContain("vercel", "memory").isSorted();
    assertThat(plan.userMessage()).doesNotContainPattern(TOKEN_LIKE);
    assertThat(String.join("\n", plan.suggestions())).doesNotContainPattern(TOKEN_LIKE);
    if (plan.action() == RecoveryAction.RETRY) {
      assertThat(plan.retryAfter()).isEqualTo(Duration.ofSeconds(30));
    } else {
      assertThat(plan.retryAfter()).isNull();
    }
  }

  @ParameterizedTest
  @EnumSource(ErrorCode.class)
  void handleError_forEveryCode_actionSeverityAndFallbacksMatchTheTable(ErrorCode code) {
    RecoveryPlan plan = handler.handleError(error(code), deployment("vercel", List.of()));
    ErrorSeverity severity = handler.classifyError(error(code));
    switch (code) {
      case AUTH_FAILED, INSUFFICIENT_PERMISSIONS -> {
        assertThat(plan.action()).isEqualTo(RecoveryAction.RECONNECT);
        assertThat(severity).isEqualTo(ErrorSeverity.CRITICAL);
        assertThat(plan.fallbackOptions()).containsExactly(FallbackOption.ZIP);
      }
      case PLATFORM_UNAVAILABLE, TIMEOUT -> {
        assertThat(plan.action()).isEqualTo(RecoveryAction.RETRY);
        assertThat(severity).isEqualTo(ErrorSeverity.TEMPORARY);
        assertThat(plan.fallbackOptions())
            .containsExactly(FallbackOption.GITHUB_REPO, FallbackOption.ZIP);
      }
      case RATE_LIMIT_EXCEEDED -> {
        assertThat(plan.action()).isEqualTo(RecoveryAction.RETRY);
        assertThat(severity).isEqualTo(ErrorSeverity.TEMPORARY);
        assertThat(plan.fallbackOptions()).containsExactly(FallbackOption.ZIP);
      }
      case UPLOAD_FAILED -> {
        assertThat(plan.action()).isEqualTo(RecoveryAction.RETRY);
        assertThat(severity).isEqualTo(ErrorSeverity.RECOVERABLE);
        assertThat(plan.fallbackOptions())
            .containsExactly(FallbackOption.GITHUB_REPO, FallbackOption.ZIP);
      }
      case PROJECT_NAME_TAKEN, INVALID_CONFIG -> {
        assertThat(plan.action()).isEqualTo(RecoveryAction.MANUAL);
        assertThat(severity).isEqualTo(ErrorSeverity.RECOVERABLE);
        assertThat(plan.fallbackOptions()).isEmpty();
      }
      case BUILD_FAILED -> {
        assertThat(plan.action()).isEqualTo(RecoveryAction.CHECK);
        assertThat(severity).isEqualTo(ErrorSeverity.RECOVERABLE);
        assertThat(plan.fallbackOptions())
            .containsExactly(FallbackOption.GITHUB_REPO, FallbackOption.ZIP);
        assertThat(plan.alternativePlatforms()).isEmpty();
      }
      case UNKNOWN -> {
        assertThat(plan.action()).isEqualTo(RecoveryAction.FALLBACK);
        assertThat(severity).isEqualTo(ErrorSeverity.CRITICAL);
        assertThat(plan.fallbackOptions())
            .containsExactly(FallbackOption.GITHUB_REPO, FallbackOption.ZIP);
      }
    }
    assertThat(handler.isRetryable(error(code)))
        .isEqualTo(severity == ErrorSeverity.TEMPORARY || code == ErrorCode.UPLOAD_FAILED);
  }

  @ParameterizedTest
  @EnumSource(ErrorCode.class)
  void generateUserMessage_withoutRequestId_saysNothingAboutSupport(ErrorCode code) {
    String message = handler.generateUserMessage(
        DeploymentError.of(code, "why"), deployment("railway", List.of()));
    assertThat(message).contains("Railway").contains("why").doesNotContain("request id");
  }

  @Test
  void handleError_whenPlatformUnavailable_offersOtherInstalledPlatformsSorted() {
    RecoveryPlan plan = handler.handleError(
        error(ErrorCode.PLATFORM_UNAVAILABLE), deployment("vercel", List.of()));
    assertThat(plan.alternativePlatforms()).containsExactly("railway", "render");
  }

  @Test
  void handleError_whenFailingOnMemory_neverOffersMemory() {
    RecoveryPlan plan = handler.handleError(
        DeploymentError.of(ErrorCode.TIMEOUT, "slow"), deployment("memory", List.of()));
    assertThat(plan.alternativePlatforms()).containsExactly("railway", "render", "vercel");
    assertThat(plan.userMessage()).contains("In-memory platform");
  }

  @Test
  void handleError_whenSupplierThrows_offersNoAlternative() {
    DeploymentErrorHandler broken = DeploymentErrorHandler.create(() -> {
      throw new IllegalStateException("registry down");
    });
    RecoveryPlan plan = broken.handleError(
        error(ErrorCode.PLATFORM_UNAVAILABLE), deployment("vercel", List.of()));
    assertThat(plan.alternativePlatforms()).isEmpty();
    assertThat(plan.action()).isEqualTo(RecoveryAction.RETRY);
  }

  @Test
  void handleError_whenAuthFailed_pointsToThePlatformsTokenPage() {
    assertThat(handler.handleError(DeploymentError.of(ErrorCode.AUTH_FAILED, "401"),
        deployment("vercel", List.of())).suggestions())
        .anyMatch(s -> s.contains("https://vercel.com/account/tokens"));
    assertThat(handler.handleError(DeploymentError.of(ErrorCode.AUTH_FAILED, "401"),
        deployment("railway", List.of())).userMessage())
        .contains("https://railway.com/account/tokens");
    assertThat(handler.handleError(DeploymentError.of(ErrorCode.AUTH_FAILED, "401"),
        deployment("render", List.of())).suggestions())
        .anyMatch(s -> s.contains("dashboard.render.com") && s.contains("API Keys"));
  }

  @Test
  void handleError_whenNameTaken_suggestsAnotherName() {
    RecoveryPlan plan = handler.handleError(
        error(ErrorCode.PROJECT_NAME_TAKEN), deployment("vercel", List.of()));
    assertThat(plan.suggestions().get(0)).contains("my-app-2").containsPattern("my-app-[0-9a-f]{4}");
  }

  @Test
  void handleError_whenInvalidConfig_listsTheDetails() {
    DeploymentError error = DeploymentError.of(ErrorCode.INVALID_CONFIG, "2 variables are invalid")
        .withDetails(List.of("DATABASE_URL: expected postgres://", "NEXTAUTH_SECRET: too short"));
    RecoveryPlan plan = handler.handleError(error, deployment("vercel", List.of()));
    assertThat(plan.suggestions())
        .contains("DATABASE_URL: expected postgres://", "NEXTAUTH_SECRET: too short");
    assertThat(plan.userMessage()).contains("NEXTAUTH_SECRET: too short");
    assertThat(plan.alternativePlatforms()).isEmpty();
  }

  @Test
  void handleError_whenBuildFailed_showsTheLogTailAndNpmRunBuild() {
    RecoveryPlan plan = handler.handleError(error(ErrorCode.BUILD_FAILED),
        deployment("vercel", List.of("> next build", "Type error: x is not a function")));
    assertThat(plan.suggestions().get(0)).contains("Type error: x is not a function");
    assertThat(plan.suggestions()).anyMatch(s -> s.contains("npm run build"));
  }

  @Test
  void handleError_whenTimedOut_saysTheBuildMayStillFinish() {
    RecoveryPlan plan = handler.handleError(error(ErrorCode.TIMEOUT), deployment("vercel", List.of()));
    assertThat(plan.userMessage()).contains("may still finish").contains("dashboard");
  }

  @Test
  void handleError_whenUploadRefusedWith413_fallsBackInsteadOfRetrying() {
    DeploymentError error = error(ErrorCode.UPLOAD_FAILED).withHttpStatus(413);
    assertThat(handler.isRetryable(error)).isFalse();
    RecoveryPlan plan = handler.handleError(error, deployment("vercel", List.of()));
    assertThat(plan.action()).isEqualTo(RecoveryAction.FALLBACK);
    assertThat(plan.retryAfter()).isNull();
  }

  @Test
  void isRetryable_forUploadFailures_dependsOnStatus() {
    // 200: a malformed answer to an upload, retried like a 5xx
    for (int status : List.of(200, 408, 429, 500, 503)) {
      assertThat(handler.isRetryable(error(ErrorCode.UPLOAD_FAILED).withHttpStatus(status)))
          .as("status %d", status).isTrue();
    }
    assertThat(handler.isRetryable(error(ErrorCode.UPLOAD_FAILED).withHttpStatus(400))).isFalse();
    assertThat(handler.isRetryable(error(ErrorCode.UPLOAD_FAILED))).isTrue();
  }

  @Test
  void toError_unwrapsCompletionExecutionAndFailsafeWrappers() {
    DeploymentException inner = new DeploymentException(ErrorCode.AUTH_FAILED, "bad token");
    Throwable wrapped = new CompletionException(
        new ExecutionException(new FailsafeException(inner)));
    DeploymentError error = DeploymentErrorHandler.toError(wrapped, "vercel");
    assertThat(error.code()).isEqualTo(ErrorCode.AUTH_FAILED);
    assertThat(error.message()).isEqualTo("bad token");
    assertThat(error.platform()).isEqualTo("vercel");
  }

  @Test
  void toError_keepsThePlatformTheErrorAlreadyNames() {
    DeploymentException inner = new DeploymentException(
        DeploymentError.of(ErrorCode.BUILD_FAILED, "x").withPlatform("render"));
    assertThat(DeploymentErrorHandler.toError(inner, "vercel").platform()).isEqualTo("render");
  }

  @Test
  void toError_mapsNetworkAndTimeoutFailures() {
    assertThat(DeploymentErrorHandler.toError(new CompletionException(new ConnectException("x")),
        "railway"))
        .satisfies(e -> {
          assertThat(e.code()).isEqualTo(ErrorCode.PLATFORM_UNAVAILABLE);
          assertThat(e.message()).contains("Could not reach Railway").contains("ConnectException");
          assertThat(e.platform()).isEqualTo("railway");
        });
    assertThat(DeploymentErrorHandler.toError(new HttpTimeoutException("t"), "vercel").code())
        .isEqualTo(ErrorCode.PLATFORM_UNAVAILABLE);
    assertThat(DeploymentErrorHandler.toError(new IOException("reset"), null).code())
        .isEqualTo(ErrorCode.PLATFORM_UNAVAILABLE);
    assertThat(DeploymentErrorHandler.toError(new TimeoutException(), "vercel").code())
        .isEqualTo(ErrorCode.TIMEOUT);
    assertThat(DeploymentErrorHandler.toError(new TimeoutExceededException(null), "vercel").code())
        .isEqualTo(ErrorCode.TIMEOUT);
    assertThat(DeploymentErrorHandler.toError(new CancellationException(), "vercel").code())
        .isEqualTo(ErrorCode.TIMEOUT);
  }

  @Test
  void toError_forAnythingElse_givesUnknownWithClassAndTruncatedMessage() {
    DeploymentError error =
        DeploymentErrorHandler.toError(new IllegalArgumentException("y".repeat(500)), null);
    assertThat(error.code()).isEqualTo(ErrorCode.UNKNOWN);
    assertThat(error.message()).startsWith("Unexpected IllegalArgumentException: yyy");
    assertThat(error.message().length()).isLessThan(260);
    assertThat(error.platform()).isNull();
    assertThat(DeploymentErrorHandler.toError(new NullPointerException(), "x").message())
        .isEqualTo("Unexpected NullPointerException");
  }

  @Test
  void toError_withCyclicCauses_terminates() {
    CompletionException a = new CompletionException() {
      private static final long serialVersionUID = 1L;
    };
    ExecutionException b = new ExecutionException(a);
    a.initCause(b);
    assertThat(DeploymentErrorHandler.toError(a, null).code()).isIn(Set.of(ErrorCode.UNKNOWN));
  }
}
