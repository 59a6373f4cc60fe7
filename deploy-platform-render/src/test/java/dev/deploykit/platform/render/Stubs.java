package dev.deploykit.platform.render;

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
import dev.deploykit.core.GeneratedFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** WireMock stubs of Render and GitHub for a deployment of project my-app. */
final class Stubs {
  static final String CANARY = "Cnry4RndrGh8";
  static final String RENDER_TOKEN = "rnd_" + CANARY + "RenderKeyAbc123";
  static final String GITHUB_TOKEN = "ghp_" + CANARY + "GitHubTokXyz789";
  static final String SERVICE_URL = "https://my-app.onrender.com";

  private Stubs() {}

  static List<GeneratedFile> files() {
    return List.of(
        GeneratedFile.text("package.json",
            "{\"name\":\"my-app\",\"scripts\":{\"build\":\"next build\",\"start\":\"next start\"}}"),
        GeneratedFile.text("app/page.tsx", "export default function Page() { return 'hi'; }\n"));
  }

  static String json(String s) {
    return s.replace('\'', '"');
  }

  static MappingBuilder withJson(MappingBuilder m, int status, String body) {
    return m.willReturn(aResponse().withStatus(status).withHeader("Content-Type", "application/json")
        .withBody(json(body)));
  }

  // ---- GitHub ----------------------------------------------------------------------------

  static void github(WireMockExtension gh) {
    gh.stubFor(get("/user").willReturn(okJson(json("{'login':'octo'}"))));
    gh.stubFor(get("/repos/octo/my-app").willReturn(notFound()));
    gh.stubFor(withJson(post("/user/repos"), 201, "{'name':'my-app','owner':{'login':'octo'},"
        + "'html_url':'https://github.com/octo/my-app','default_branch':'main','private':true}"));
    gh.stubFor(get("/repos/octo/my-app/git/ref/heads/main").willReturn(okJson(json(
        "{'ref':'refs/heads/main','object':{'sha':'commit0'}}"))));
    gh.stubFor(get("/repos/octo/my-app/git/commits/commit0").willReturn(okJson(json(
        "{'sha':'commit0','tree':{'sha':'tree0'}}"))));
    gh.stubFor(withJson(post("/repos/octo/my-app/git/blobs"), 201, "{'sha':'blob1'}"));
    gh.stubFor(withJson(post("/repos/octo/my-app/git/trees"), 201, "{'sha':'tree1'}"));
    gh.stubFor(withJson(post("/repos/octo/my-app/git/commits"), 201, "{'sha':'commit1'}"));
    gh.stubFor(patch(urlPathEqualTo("/repos/octo/my-app/git/refs/heads/main"))
        .willReturn(okJson("{}")));
  }

  // ---- Render ----------------------------------------------------------------------------

  static void owners(WireMockExtension r) {
    r.stubFor(get(urlPathEqualTo("/v1/owners")).willReturn(okJson(json(
        "[{'cursor':'c1','owner':{'id':'tea-1','name':'Octo','email':'o@example.com','type':'user'}}]"))));
  }

  static void noService(WireMockExtension r) {
    r.stubFor(get(urlPathEqualTo("/v1/services")).withQueryParam("name", equalTo("my-app"))
        .willReturn(okJson("[]")));
  }

  static void existingService(WireMockExtension r, String repo) {
    r.stubFor(get(urlPathEqualTo("/v1/services")).withQueryParam("name", equalTo("my-app"))
        .willReturn(okJson(json("[{'cursor':'x','service':{'id':'srv-1','name':'my-app',"
            + "'type':'web_service','ownerId':'tea-1','repo':'" + repo + "','branch':'main',"
            + "'serviceDetails':{'url':'" + SERVICE_URL + "'}}}]"))));
  }

  static void createService(WireMockExtension r) {
    r.stubFor(withJson(post("/v1/services"), 201, "{'service':{'id':'srv-1','name':'my-app',"
        + "'type':'web_service','ownerId':'tea-1','repo':'https://github.com/octo/my-app',"
        + "'dashboardUrl':'https://dashboard.render.com/web/srv-1',"
        + "'serviceDetails':{'url':'" + SERVICE_URL + "'}},'deployId':'dep-1'}"));
  }

  /** The deploy is building on the first read and live afterwards. */
  static void deployBuildsThenLive(WireMockExtension r, String deployId) {
    String path = "/v1/services/srv-1/deploys/" + deployId;
    r.stubFor(get(path).inScenario("deploy-" + deployId).whenScenarioStateIs(Scenario.STARTED)
        .willSetStateTo("live").willReturn(okJson(json("{'id':'" + deployId + "',"
            + "'status':'build_in_progress','createdAt':'2026-01-01T10:00:00Z'}"))));
    r.stubFor(get(path).inScenario("deploy-" + deployId).whenScenarioStateIs("live")
        .willReturn(okJson(json("{'id':'" + deployId + "','status':'live',"
            + "'createdAt':'2026-01-01T10:00:00Z','finishedAt':'2026-01-01T10:02:00Z'}"))));
  }

  static void logs(WireMockExtension r) {
    r.stubFor(get(urlPathEqualTo("/v1/logs")).willReturn(okJson(json("{'hasMore':false,"
        + "'nextStartTime':'2026-01-01T10:01:00Z','nextEndTime':'2026-01-01T10:05:00Z','logs':["
        + "{'id':'l1','timestamp':'2026-01-01T10:00:01Z','message':'==> Cloning from https://github.com/octo/my-app',"
        + "'labels':[{'name':'type','value':'build'}]},"
        + "{'id':'l2','timestamp':'2026-01-01T10:00:30Z','message':'==> Build successful\\n',"
        + "'labels':[{'name':'type','value':'build'}]}]}"))));
  }

  static void envVars(WireMockExtension r) {
    r.stubFor(put("/v1/services/srv-1/env-vars").willReturn(okJson("[]")));
  }

  static void cancel(WireMockExtension r) {
    r.stubFor(post("/v1/services/srv-1/deploys/dep-1/cancel").willReturn(okJson(json(
        "{'id':'dep-1','status':'canceled'}"))));
  }

  /** Everything a first deployment needs. */
  static void firstDeployment(WireMockExtension r, WireMockExtension gh) {
    github(gh);
    owners(r);
    noService(r);
    createService(r);
    deployBuildsThenLive(r, "dep-1");
    logs(r);
    envVars(r);
    cancel(r);
  }

  static String logFile() {
    try {
      Path p = Path.of("target", "test-logs.txt");
      return Files.exists(p) ? Files.readString(p, StandardCharsets.UTF_8) : "";
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }
}
