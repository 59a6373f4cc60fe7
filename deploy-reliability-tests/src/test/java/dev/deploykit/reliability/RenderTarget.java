package dev.deploykit.reliability;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.notFound;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.patch;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;

import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import dev.deploykit.core.DeploymentOrchestrator;
import dev.deploykit.core.spi.Credentials;
import dev.deploykit.platform.render.RenderPlatform;
import java.net.http.HttpClient;
import java.util.List;
import java.util.Optional;

/** Render: publishes to GitHub (same WireMock, other paths), then creates the web service. */
final class RenderTarget extends Target {
  static final String SERVICE_URL = "https://my-app.onrender.com";

  @Override
  String id() {
    return "render";
  }

  @Override
  List<Op> ops() {
    return List.of(
        Op.http("createProject: owner (GET /v1/owners)", Op.Kind.CALL,
            () -> get(urlPathEqualTo("/v1/owners"))),
        Op.http("createProject: look up (GET /v1/services)", Op.Kind.CALL,
            () -> get(urlPathEqualTo("/v1/services"))),
        Op.http("uploadFiles: GitHub commit (POST /repos/{o}/{r}/git/blobs)", Op.Kind.UPLOAD,
            () -> post(urlPathEqualTo("/repos/octo/my-app/git/blobs"))),
        Op.http("triggerDeployment (POST /v1/services)", Op.Kind.CALL,
            () -> post(urlPathEqualTo("/v1/services"))),
        Op.http("getDeploymentStatus (GET /v1/services/{id}/deploys/{id})", Op.Kind.POLL,
            () -> get(urlPathEqualTo("/v1/services/srv-1/deploys/dep-1"))),
        Op.http("streamBuildLogs (GET /v1/logs)", Op.Kind.LOGS,
            () -> get(urlPathEqualTo("/v1/logs"))));
  }

  private static MappingBuilder withJson(MappingBuilder m, int status, String body) {
    return m.willReturn(aResponse().withStatus(status).withHeader("Content-Type", "application/json")
        .withBody(body.replace('\'', '"')));
  }

  private static String json(String s) {
    return s.replace('\'', '"');
  }

  @Override
  void stubHappyPath(WireMockExtension wm, String token) {
    // GitHub
    wm.stubFor(get("/user").willReturn(okJson(json("{'login':'octo'}"))));
    wm.stubFor(get("/repos/octo/my-app").willReturn(notFound()));
    wm.stubFor(withJson(post("/user/repos"), 201, "{'name':'my-app','owner':{'login':'octo'},"
        + "'html_url':'https://github.com/octo/my-app','default_branch':'main','private':true}"));
    wm.stubFor(get("/repos/octo/my-app/git/ref/heads/main").willReturn(okJson(json(
        "{'ref':'refs/heads/main','object':{'sha':'commit0'}}"))));
    wm.stubFor(get("/repos/octo/my-app/git/commits/commit0").willReturn(okJson(json(
        "{'sha':'commit0','tree':{'sha':'tree0'}}"))));
    wm.stubFor(withJson(post(urlPathEqualTo("/repos/octo/my-app/git/blobs")), 201,
        "{'sha':'blob1'}"));
    wm.stubFor(withJson(post("/repos/octo/my-app/git/trees"), 201, "{'sha':'tree1'}"));
    wm.stubFor(withJson(post("/repos/octo/my-app/git/commits"), 201, "{'sha':'commit1'}"));
    wm.stubFor(patch(urlPathEqualTo("/repos/octo/my-app/git/refs/heads/main"))
        .willReturn(okJson("{}")));
    // Render
    wm.stubFor(get(urlPathEqualTo("/v1/owners")).willReturn(okJson(json(
        "[{'cursor':'c1','owner':{'id':'tea-1','name':'Octo','email':'o@example.com',"
            + "'type':'user'}}]"))));
    wm.stubFor(get(urlPathEqualTo("/v1/services")).withQueryParam("name", equalTo("my-app"))
        .willReturn(okJson("[]")));
    wm.stubFor(withJson(post(urlPathEqualTo("/v1/services")), 201, "{'service':{'id':'srv-1',"
        + "'name':'my-app','type':'web_service','ownerId':'tea-1',"
        + "'repo':'https://github.com/octo/my-app',"
        + "'dashboardUrl':'https://dashboard.render.com/web/srv-1',"
        + "'serviceDetails':{'url':'" + SERVICE_URL + "'}},'deployId':'dep-1'}"));
    String path = "/v1/services/srv-1/deploys/dep-1";
    wm.stubFor(get(urlPathEqualTo(path)).inScenario("deploy").whenScenarioStateIs(Scenario.STARTED)
        .willSetStateTo("live").willReturn(okJson(json("{'id':'dep-1',"
            + "'status':'build_in_progress','createdAt':'2026-01-01T10:00:00Z'}"))));
    wm.stubFor(get(urlPathEqualTo(path)).inScenario("deploy").whenScenarioStateIs("live")
        .willReturn(okJson(json("{'id':'dep-1','status':'live',"
            + "'createdAt':'2026-01-01T10:00:00Z','finishedAt':'2026-01-01T10:02:00Z'}"))));
    wm.stubFor(get(urlPathEqualTo("/v1/logs")).willReturn(okJson(json("{'hasMore':false,"
        + "'nextStartTime':'2026-01-01T10:01:00Z','nextEndTime':'2026-01-01T10:05:00Z','logs':["
        + "{'id':'l1','timestamp':'2026-01-01T10:00:01Z','message':'==> Build successful',"
        + "'labels':[{'name':'type','value':'build'}]}]}"))));
    wm.stubFor(put(urlPathEqualTo("/v1/services/srv-1/env-vars")).willReturn(okJson("[]")));
    wm.stubFor(post(urlPathEqualTo("/v1/services/srv-1/deploys/dep-1/cancel"))
        .willReturn(okJson(json("{'id':'dep-1','status':'canceled'}"))));
  }

  @Override
  DeploymentOrchestrator orchestrator(WireMockExtension wm, HttpClient client, String token) {
    return base(client)
        .platform(RenderPlatform.builder()
            .githubCredentials(c -> Optional.of(Credentials.of("github", token)))
            .build())
        .token(USER, "render", token)
        .setting("render.apiUrl", wm.baseUrl() + "/v1")
        .setting("render.githubApiUrl", wm.baseUrl())
        .setting("render.requestTimeout", REQUEST_TIMEOUT_MILLIS)
        .setting("render.logPollInterval", "20")
        .build();
  }
}
