package dev.deploykit.reliability;

import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;

import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import dev.deploykit.core.DeploymentOrchestrator;
import dev.deploykit.platform.railway.RailwayPlatform;
import java.net.http.HttpClient;
import java.util.List;

/** Railway: GraphQL for everything but the tarball upload; build logs polled. */
final class RailwayTarget extends Target {
  static final String GRAPHQL = "/graphql/v2";
  static final String PROJECT_ID = "prj-7f3c";
  static final String ENVIRONMENT_ID = "env-1a2b";
  static final String SERVICE_ID = "svc-9d8e";
  static final String DEPLOYMENT_ID = "dep-5e6f";
  static final String DOMAIN = "my-app-production.up.railway.app";

  @Override
  String id() {
    return "railway";
  }

  @Override
  List<Op> ops() {
    return List.of(
        Op.http("createProject: look up (query Projects)", Op.Kind.CALL, () -> gql("Projects")),
        Op.http("createProject: create (mutation ProjectCreate)", Op.Kind.CALL,
            () -> gql("ProjectCreate")),
        Op.http("setEnvironmentVariables (mutation VariableCollectionUpsert)", Op.Kind.CALL,
            () -> gql("VariableCollectionUpsert")),
        Op.http("uploadFiles (POST /project/{id}/environment/{id}/up)", Op.Kind.UPLOAD,
            () -> post(urlPathMatching("/project/.*/up"))),
        Op.http("getDeploymentStatus (query Deployment)", Op.Kind.POLL, () -> gql("Deployment")),
        Op.http("streamBuildLogs (query BuildLogs)", Op.Kind.LOGS, () -> gql("BuildLogs")));
  }

  static MappingBuilder gql(String operation) {
    return post(urlPathEqualTo(GRAPHQL)).withRequestBody(matchingJsonPath("$.query",
        matching("(?s)\\s*(query|mutation) " + operation + "\\b.*")));
  }

  private static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder data(String json) {
    return okJson("{\"data\":" + json + "}");
  }

  private static String project(boolean withService) {
    return "{\"id\":\"" + PROJECT_ID + "\",\"name\":\"my-app\",\"environments\":{\"edges\":"
        + "[{\"node\":{\"id\":\"" + ENVIRONMENT_ID + "\",\"name\":\"production\"}}]},"
        + "\"services\":{\"edges\":[" + (withService ? "{\"node\":{\"id\":\"" + SERVICE_ID
            + "\",\"name\":\"my-app\"}}" : "") + "]}}";
  }

  @Override
  void stubHappyPath(WireMockExtension wm, String token) {
    wm.stubFor(gql("Projects").inScenario("project").whenScenarioStateIs(Scenario.STARTED)
        .willReturn(data("{\"projects\":{\"edges\":[]}}")));
    wm.stubFor(gql("Projects").inScenario("project").whenScenarioStateIs("created")
        .willReturn(data("{\"projects\":{\"edges\":[{\"node\":" + project(true) + "}]}}")));
    wm.stubFor(gql("ProjectCreate").inScenario("project").willSetStateTo("created")
        .willReturn(data("{\"projectCreate\":" + project(false) + "}")));
    wm.stubFor(gql("ServiceCreate").willReturn(data(
        "{\"serviceCreate\":{\"id\":\"" + SERVICE_ID + "\",\"name\":\"my-app\"}}")));
    wm.stubFor(gql("Domains").willReturn(data("{\"domains\":{\"serviceDomains\":[{\"domain\":\""
        + DOMAIN + "\"}],\"customDomains\":[]}}")));
    wm.stubFor(gql("ServiceDomainCreate")
        .willReturn(data("{\"serviceDomainCreate\":{\"domain\":\"" + DOMAIN + "\"}}")));
    wm.stubFor(gql("VariableCollectionUpsert")
        .willReturn(data("{\"variableCollectionUpsert\":true}")));
    wm.stubFor(post(urlPathMatching("/project/.*/up")).willReturn(okJson("{\"deploymentId\":\""
        + DEPLOYMENT_ID + "\",\"url\":\"https://railway.com/project/" + PROJECT_ID
        + "\",\"logsUrl\":\"https://railway.com/logs\",\"deploymentDomain\":\"" + DOMAIN
        + "\"}")));
    wm.stubFor(gql("Deployment").inScenario("build").whenScenarioStateIs(Scenario.STARTED)
        .willSetStateTo("done").willReturn(deployment("BUILDING")));
    wm.stubFor(gql("Deployment").inScenario("build").whenScenarioStateIs("done")
        .willReturn(deployment("SUCCESS")));
    wm.stubFor(gql("BuildLogs").willReturn(data("{\"buildLogs\":[{\"timestamp\":"
        + "\"2026-01-05T10:00:00.100000000Z\",\"message\":\"npm run build\",\"severity\":"
        + "\"info\"}],\"deployment\":{\"status\":\"SUCCESS\"}}")));
    wm.stubFor(gql("DeploymentCancel").willReturn(data("{\"deploymentCancel\":true}")));
  }

  private static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder deployment(
      String status) {
    return data("{\"deployment\":{\"id\":\"" + DEPLOYMENT_ID + "\",\"status\":\"" + status
        + "\",\"url\":null,\"staticUrl\":\"" + DOMAIN + "\"}}");
  }

  @Override
  DeploymentOrchestrator orchestrator(WireMockExtension wm, HttpClient client, String token) {
    return base(client)
        .platform(RailwayPlatform.create())
        .token(USER, "railway", token)
        .setting("railway.apiUrl", wm.baseUrl() + GRAPHQL)
        .setting("railway.requestTimeout", REQUEST_TIMEOUT_MILLIS)
        .setting("railway.uploadTimeout", REQUEST_TIMEOUT_MILLIS)
        .setting("railway.logPollInterval", "20")
        .build();
  }
}
