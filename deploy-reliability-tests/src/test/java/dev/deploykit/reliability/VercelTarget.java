package dev.deploykit.reliability;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import dev.deploykit.core.DeploymentOrchestrator;
import dev.deploykit.core.GeneratedFile;
import dev.deploykit.platform.vercel.VercelPlatform;
import java.net.http.HttpClient;
import java.util.List;
import java.util.stream.Collectors;

/** Vercel: REST, a content-addressed upload handshake, an event stream of build logs. */
final class VercelTarget extends Target {
  static final String PROJECT_ID = "prj_9Kx2Lm";
  static final String DEPLOYMENT_ID = "dpl_7Hq3Zt";

  @Override
  String id() {
    return "vercel";
  }

  @Override
  List<Op> ops() {
    return List.of(
        Op.http("createProject (POST /v11/projects)", Op.Kind.CALL,
            () -> post(urlPathEqualTo("/v11/projects"))),
        Op.http("setEnvironmentVariables (POST /v10/projects/{id}/env)", Op.Kind.CALL,
            () -> post(urlPathEqualTo("/v10/projects/" + PROJECT_ID + "/env"))),
        Op.http("uploadFiles: handshake (POST /v13/deployments)", Op.Kind.UPLOAD,
            () -> post(urlPathEqualTo("/v13/deployments"))),
        Op.http("uploadFiles: file (POST /v2/files)", Op.Kind.UPLOAD,
            () -> post(urlPathEqualTo("/v2/files"))),
        Op.http("getDeploymentStatus (GET /v13/deployments/{id})", Op.Kind.POLL,
            () -> get(urlPathEqualTo("/v13/deployments/" + DEPLOYMENT_ID))),
        Op.http("streamBuildLogs (GET /v3/deployments/{id}/events)", Op.Kind.LOGS,
            () -> get(urlPathMatching("/v3/deployments/.*/events"))));
  }

  @Override
  void stubHappyPath(WireMockExtension wm, String token) {
    List<GeneratedFile> files = files();
    wm.stubFor(post(urlPathEqualTo("/v11/projects")).willReturn(okJson(
        "{\"id\":\"" + PROJECT_ID + "\",\"name\":\"my-app\",\"framework\":\"nextjs\"}")));
    wm.stubFor(post(urlPathEqualTo("/v10/projects/" + PROJECT_ID + "/env"))
        .willReturn(aResponse().withStatus(201).withHeader("Content-Type", "application/json")
            .withBody("{\"created\":[],\"failed\":[]}")));
    wm.stubFor(post(urlPathEqualTo("/v13/deployments")).inScenario("handshake")
        .whenScenarioStateIs(Scenario.STARTED)
        .willReturn(aResponse().withStatus(400).withHeader("Content-Type", "application/json")
            .withBody("{\"error\":{\"code\":\"missing_files\",\"message\":\"Missing files\","
                + "\"missing\":" + files.stream().map(f -> "\"" + f.sha1() + "\"")
                    .collect(Collectors.joining(",", "[", "]")) + "}}")));
    wm.stubFor(post(urlPathEqualTo("/v13/deployments")).inScenario("handshake")
        .whenScenarioStateIs("uploaded").willReturn(okJson(deployment("QUEUED"))));
    // Files count as uploaded once a file upload succeeded, not before.
    wm.stubFor(post(urlPathEqualTo("/v2/files")).inScenario("handshake").willSetStateTo("uploaded")
        .willReturn(aResponse().withStatus(200)));
    wm.stubFor(get(urlPathEqualTo("/v13/deployments/" + DEPLOYMENT_ID)).inScenario("status")
        .whenScenarioStateIs(Scenario.STARTED).willSetStateTo("ready")
        .willReturn(okJson(deployment("BUILDING"))));
    wm.stubFor(get(urlPathEqualTo("/v13/deployments/" + DEPLOYMENT_ID)).inScenario("status")
        .whenScenarioStateIs("ready").willReturn(okJson("{\"id\":\"" + DEPLOYMENT_ID
            + "\",\"url\":\"my-app-k2j4.vercel.app\",\"readyState\":\"READY\",\"target\":"
            + "\"production\",\"aliasAssigned\":true,\"alias\":[\"my-app.vercel.app\"]}")));
    wm.stubFor(get(urlPathMatching("/v3/deployments/.*/events")).willReturn(aResponse()
        .withStatus(200).withHeader("Content-Type", "application/stream+json").withBody(
            "{\"type\":\"stdout\",\"created\":1001,\"date\":1001,\"id\":\"ev1\","
                + "\"text\":\"Compiled successfully\"}\n")));
  }

  private static String deployment(String state) {
    return "{\"id\":\"" + DEPLOYMENT_ID + "\",\"url\":\"my-app-k2j4.vercel.app\",\"readyState\":\""
        + state + "\",\"target\":\"production\",\"aliasAssigned\":false,\"alias\":[]}";
  }

  @Override
  DeploymentOrchestrator orchestrator(WireMockExtension wm, HttpClient client, String token) {
    return base(client)
        .platform(VercelPlatform.create())
        .token(USER, "vercel", token)
        .setting("vercel.apiUrl", wm.baseUrl())
        .setting("vercel.requestTimeout", REQUEST_TIMEOUT_MILLIS)
        .setting("vercel.uploadRetries", "0") // the orchestrator's retries are the ones tested
        .setting("vercel.uploadRetryDelayMillis", "10")
        .setting("vercel.uploadRetryMaxDelayMillis", "40")
        .setting("vercel.logStatusIntervalMillis", "100")
        .setting("vercel.logReconnectDelayMillis", "20")
        .setting("vercel.logMaxReconnects", "3")
        .build();
  }
}
