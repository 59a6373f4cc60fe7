package dev.deploykit.platform.vercel;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import dev.deploykit.core.DeploymentConfig;
import dev.deploykit.core.DeploymentOrchestrator;
import dev.deploykit.core.GeneratedFile;
import dev.deploykit.core.RetrySettings;
import dev.deploykit.env.EnvironmentVariable;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** Files, stubs and orchestrators shared by the Vercel tests. */
final class VercelFixtures {
  /** Appears in the token only: no log line, message or snapshot may contain it. */
  static final String CANARY = "Cnry9VrcL4x";
  static final String TOKEN = "vc_tok_" + CANARY + "_0123456789abcdef";
  static final String PROJECT_ID = "prj_9Kx2Lm";
  static final String DEPLOYMENT_ID = "dpl_7Hq3Zt";
  static final String DEPLOYMENT_HOST = "happy-app-k2j4.vercel.app";
  static final String PRODUCTION_HOST = "happy-app.vercel.app";
  static final String SECRET_VALUE = "postgresql://app:S3cr3tDbPass@db.example.com/app";

  private VercelFixtures() {}

  static List<GeneratedFile> files() {
    return List.of(
        GeneratedFile.text("package.json", "{\"name\":\"happy-app\",\"private\":true,"
            + "\"scripts\":{\"build\":\"next build\"},"
            + "\"dependencies\":{\"next\":\"15.0.0\",\"react\":\"19.0.0\",\"react-dom\":\"19.0.0\"}}\n"),
        GeneratedFile.text("app/page.tsx", "export default function Page() {\n"
            + "  return <h1>Hello</h1>;\n}\n"),
        GeneratedFile.text("app/layout.tsx", "export default function Layout({ children }) {\n"
            + "  return <html><body>{children}</body></html>;\n}\n"),
        GeneratedFile.of("public/logo.bin", new byte[] {0, 1, 2, (byte) 0xff, 42}, 0644));
  }

  static List<EnvironmentVariable> variables() {
    return List.of(
        EnvironmentVariable.builder("DATABASE_URL").value(SECRET_VALUE).sensitive(true).build(),
        EnvironmentVariable.builder("NEXT_PUBLIC_APP_NAME").value("Happy").build(),
        EnvironmentVariable.builder("LOG_LEVEL").value("info").build());
  }

  static String shaJson(List<GeneratedFile> files) {
    return files.stream().map(f -> "\"" + f.sha1() + "\"").collect(Collectors.joining(",", "[", "]"));
  }

  static String missingFiles(List<GeneratedFile> missing) {
    return "{\"error\":{\"code\":\"missing_files\",\"message\":\"Missing files\",\"missing\":"
        + shaJson(missing) + "}}";
  }

  static String deploymentJson(String readyState, String target) {
    return "{\"id\":\"" + DEPLOYMENT_ID + "\",\"url\":\"" + DEPLOYMENT_HOST + "\",\"readyState\":\""
        + readyState + "\",\"target\":" + (target == null ? "null" : "\"" + target + "\"")
        + ",\"aliasAssigned\":false,\"alias\":[]}";
  }

  static String readyJson() {
    return "{\"id\":\"" + DEPLOYMENT_ID + "\",\"url\":\"" + DEPLOYMENT_HOST + "\",\"readyState\":"
        + "\"READY\",\"target\":\"production\",\"aliasAssigned\":true,\"alias\":[\""
        + PRODUCTION_HOST + "\",\"happy-app-team.vercel.app\"]}";
  }

  static final String EVENTS = String.join("\n",
      "{\"type\":\"command\",\"created\":1000,\"date\":1000,\"id\":\"ev1\",\"text\":\"npm run build\","
          + "\"deploymentId\":\"" + DEPLOYMENT_ID + "\"}",
      "{\"type\":\"keepalive\"}",
      "",
      "{\"type\":\"stdout\",\"created\":1001,\"date\":1001,\"id\":\"ev2\",\"text\":\"Compiled successfully\"}",
      "{\"type\":\"delimiter\",\"created\":1002,\"date\":1002,\"id\":\"ev3\",\"info\":{\"type\":\"build\"}}",
      "{\"type\":\"stderr\",\"created\":1003,\"date\":1003,\"id\":\"ev4\",\"text\":\"warn: slow\\nsecond line\"}",
      "") ;

  static final List<String> EVENT_LINES =
      List.of("npm run build", "Compiled successfully", "warn: slow", "second line");

  /**
   * The happy path: project created, variables set, create-deployment answers missing_files for
   * {@code missing} and then the deployment; status BUILDING once, then READY with the alias.
   */
  static void stubHappyPath(WireMockExtension wm, List<GeneratedFile> missing) {
    wm.stubFor(post(urlPathEqualTo("/v11/projects"))
        .willReturn(okJson("{\"id\":\"" + PROJECT_ID + "\",\"name\":\"happy-app\",\"framework\":\"nextjs\"}")));
    wm.stubFor(post(urlPathEqualTo("/v10/projects/" + PROJECT_ID + "/env"))
        .willReturn(aResponse().withStatus(201).withHeader("Content-Type", "application/json")
            .withBody("{\"created\":[],\"failed\":[]}")));
    wm.stubFor(post(urlPathEqualTo("/v13/deployments")).inScenario("handshake")
        .whenScenarioStateIs(Scenario.STARTED).willSetStateTo("uploaded")
        .willReturn(aResponse().withStatus(400).withHeader("Content-Type", "application/json")
            .withBody(missingFiles(missing))));
    wm.stubFor(post(urlPathEqualTo("/v13/deployments")).inScenario("handshake")
        .whenScenarioStateIs("uploaded")
        .willReturn(okJson(deploymentJson("QUEUED", "production"))));
    wm.stubFor(post(urlPathEqualTo("/v2/files")).willReturn(aResponse().withStatus(200)));
    stubStatusThenReady(wm);
    wm.stubFor(get(urlPathEqualTo("/v3/deployments/" + DEPLOYMENT_ID + "/events"))
        .willReturn(aResponse().withStatus(200)
            .withHeader("Content-Type", "application/stream+json").withBody(EVENTS)));
  }

  static void stubStatusThenReady(WireMockExtension wm) {
    wm.stubFor(get(urlPathEqualTo("/v13/deployments/" + DEPLOYMENT_ID)).inScenario("status")
        .whenScenarioStateIs(Scenario.STARTED).willSetStateTo("ready")
        .willReturn(okJson(deploymentJson("BUILDING", "production"))));
    wm.stubFor(get(urlPathEqualTo("/v13/deployments/" + DEPLOYMENT_ID)).inScenario("status")
        .whenScenarioStateIs("ready").willReturn(okJson(readyJson())));
  }

  static void stubAnyEvents(WireMockExtension wm) {
    wm.stubFor(get(urlPathMatching("/v3/deployments/.*/events"))
        .willReturn(aResponse().withStatus(200).withBody(EVENTS)));
  }

  static DeploymentOrchestrator orchestrator(WireMockExtension wm, RetrySettings uploadRetry,
      Map<String, String> settings) {
    DeploymentOrchestrator.Builder b = DeploymentOrchestrator.builder()
        .discoverPlatforms(false)
        .platform(VercelPlatform.create())
        .token("user-1", "vercel", TOKEN)
        .setting("vercel.apiUrl", wm.baseUrl())
        .setting("vercel.uploadRetryDelayMillis", "10")
        .setting("vercel.uploadRetryMaxDelayMillis", "40")
        .setting("vercel.logStatusIntervalMillis", "200")
        .setting("vercel.logReconnectDelayMillis", "20")
        .deploymentTimeout(Duration.ofSeconds(20))
        .pollInterval(Duration.ofMillis(20), Duration.ofMillis(100))
        .uploadRetry(uploadRetry);
    settings.forEach((k, v) -> b.setting("vercel." + k, v));
    return b.build();
  }

  static DeploymentOrchestrator orchestrator(WireMockExtension wm) {
    return orchestrator(wm, fastRetry(3), Map.of());
  }

  static RetrySettings fastRetry(int retries) {
    return new RetrySettings(retries, Duration.ofMillis(10), Duration.ofMillis(40), 0.25,
        Duration.ofSeconds(5));
  }

  static DeploymentConfig config(String name) {
    return DeploymentConfig.builder(name, "vercel").files(files())
        .environmentVariables(variables()).verifyUrl(false).build();
  }
}
