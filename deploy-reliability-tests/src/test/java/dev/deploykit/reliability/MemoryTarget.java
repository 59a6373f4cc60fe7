package dev.deploykit.reliability;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.deploykit.core.DeploymentError;
import dev.deploykit.core.DeploymentOrchestrator;
import dev.deploykit.core.ErrorCode;
import dev.deploykit.core.spi.PlatformHttp;
import dev.deploykit.testing.InMemoryPlatform;
import dev.deploykit.testing.InMemoryPlatform.Operation;
import dev.deploykit.testing.TestPlatformContexts;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/**
 * The in-memory platform: no HTTP, so each fault is injected as the error the shared HTTP helper
 * maps it to (PlatformHttp.mapError on the same status, headers and body), a transport fault as
 * PLATFORM_UNAVAILABLE, and "no response" as an answer delayed past the deployment timeout.
 */
final class MemoryTarget extends Target {
  private InMemoryPlatform platform = InMemoryPlatform.create();

  @Override
  String id() {
    return "memory";
  }

  @Override
  List<Op> ops() {
    return List.of(
        new Op("createProject", Op.Kind.CALL, null, Operation.CREATE_PROJECT),
        new Op("setEnvironmentVariables", Op.Kind.CALL, null, Operation.SET_ENVIRONMENT_VARIABLES),
        new Op("uploadFiles", Op.Kind.UPLOAD, null, Operation.UPLOAD_FILES),
        new Op("triggerDeployment", Op.Kind.CALL, null, Operation.TRIGGER_DEPLOYMENT),
        new Op("getDeploymentStatus", Op.Kind.POLL, null, Operation.GET_DEPLOYMENT_STATUS),
        new Op("streamBuildLogs", Op.Kind.LOGS, null, Operation.STREAM_BUILD_LOGS));
  }

  @Override
  void stubHappyPath(WireMockExtension wm, String token) {
    platform = InMemoryPlatform.builder().buildDuration(Duration.ofMillis(30)).build();
  }

  @Override
  void inject(WireMockExtension wm, Op op, Fault fault, boolean once, String token) {
    Operation operation = op.memory();
    if (fault == Fault.NO_RESPONSE) {
      platform.delay(operation, Duration.ofSeconds(30));
      if (once) {
        throw new IllegalStateException("no once-variant of a delay on the in-memory platform");
      }
      return;
    }
    DeploymentError error = errorFor(fault, token);
    if (once) {
      platform.failWith(operation, error, 1);
    } else {
      platform.failWith(operation, error, Integer.MAX_VALUE);
    }
  }

  /** What PlatformHttp makes of the fault. */
  static DeploymentError errorFor(Fault fault, String token) {
    if (fault == Fault.CONNECTION_RESET || fault == Fault.BODY_CUT_SHORT
        || fault == Fault.MALFORMED_JSON || fault == Fault.EMPTY_BODY) {
      return DeploymentError.of(ErrorCode.PLATFORM_UNAVAILABLE,
          "Could not reach the in-memory platform: " + fault.label).withPlatform("memory");
    }
    ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    try {
      PlatformHttp http = PlatformHttp.builder(TestPlatformContexts.create("memory", token,
          scheduler, Map.of())).baseUrl(URI.create("http://memory.invalid")).build();
      Map<String, List<String>> headers = fault == Fault.HTTP_429_RETRY_AFTER
          ? Map.of("retry-after", List.of("0.3")) : Map.of();
      String body = fault == Fault.HTML_PAGE ? "<html>" + Fault.HTML_MARKER + "</html>"
          : "{\"error\":{\"message\":\"Bearer " + token + " refused\"}}";
      return http.mapError(fault.status, HttpHeaders.of(headers, (a, b) -> true),
          body.getBytes(StandardCharsets.UTF_8));
    } finally {
      scheduler.shutdownNow();
    }
  }

  @Override
  DeploymentOrchestrator orchestrator(WireMockExtension wm, HttpClient client, String token) {
    return base(client).platform(platform).token(USER, "memory", token).build();
  }
}
