package dev.deploykit.platform.railway;

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.matching.RequestPatternBuilder;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import dev.deploykit.core.spi.Credentials;
import dev.deploykit.core.spi.PlatformContext;
import java.net.http.HttpClient;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;

/** WireMock stubs of Railway's API: a project created on first use, a build, its log. */
final class RailwayStubs {
  static final String GRAPHQL = "/graphql/v2";
  static final String CANARY = "rw-canary-7c1f0e4d-SECRET";
  static final String TOKEN = "tok_" + CANARY;
  static final String PROJECT_ID = "prj-7f3c";
  static final String ENVIRONMENT_ID = "env-1a2b";
  static final String SERVICE_ID = "svc-9d8e";
  static final String DEPLOYMENT_ID = "dep-5e6f";
  static final String DOMAIN = "my-app-production.up.railway.app";
  static final String UP_PATH = "/project/" + PROJECT_ID + "/environment/" + ENVIRONMENT_ID + "/up";

  static final String T1 = "2026-01-05T10:00:00.100000000Z";
  static final String T2 = "2026-01-05T10:00:01.200000000Z";
  static final String T3 = "2026-01-05T10:00:02.300000000Z";
  static final String T4 = "2026-01-05T10:00:03.400000000Z";
  static final String T5 = "2026-01-05T10:00:04.500000000Z";
  static final List<String> LOG_LINES = List.of(
      "Using Nixpacks", "npm ci", "added 312 packages in 4s", "npm run build", "Build completed");

  private static final HttpClient CLIENT = HttpClient.newHttpClient();
  private static final ObjectMapper JSON = new ObjectMapper();

  private RailwayStubs() {}

  static PlatformContext context(WireMockExtension wm, ScheduledExecutorService scheduler,
      String type, Map<String, String> extra) {
    Map<String, String> settings = new java.util.HashMap<>(Map.of(
        "apiUrl", wm.baseUrl() + GRAPHQL, "logPollInterval", "20"));
    settings.putAll(extra);
    return new PlatformContext(RailwayPlatform.ID, new Credentials(RailwayPlatform.ID, TOKEN, type),
        CLIENT, JSON, scheduler, scheduler, Clock.systemUTC(), settings);
  }

  /** A POST to the GraphQL endpoint running {@code operation}. */
  static MappingBuilder gql(String operation) {
    return post(urlPathEqualTo(GRAPHQL))
        .withRequestBody(matchingJsonPath("$.query", matching(pattern(operation))));
  }

  static RequestPatternBuilder gqlRequested(String operation) {
    return postRequestedFor(urlPathEqualTo(GRAPHQL))
        .withRequestBody(matchingJsonPath("$.query", matching(pattern(operation))));
  }

  private static String pattern(String operation) {
    return "(?s)\\s*(query|mutation) " + operation + "\\b.*";
  }

  static ResponseDefinitionBuilder data(String json) {
    return okJson("{\"data\":" + json + "}");
  }

  static ResponseDefinitionBuilder errors(String message) {
    return okJson("{\"data\":null,\"errors\":[{\"message\":\"" + message
        + "\",\"locations\":[{\"line\":2,\"column\":3}],\"path\":[\"x\"]}]}");
  }

  static String project(String name, boolean withService) {
    return "{\"id\":\"" + PROJECT_ID + "\",\"name\":\"" + name + "\",\"environments\":{\"edges\":"
        + "[{\"node\":{\"id\":\"" + ENVIRONMENT_ID + "\",\"name\":\"production\"}}]},"
        + "\"services\":{\"edges\":[" + (withService ? "{\"node\":{\"id\":\"" + SERVICE_ID
            + "\",\"name\":\"" + name + "\"}}" : "") + "]}}";
  }

  static String logs(String status, String... timestampsAndMessages) {
    StringBuilder sb = new StringBuilder("{\"buildLogs\":[");
    for (int i = 0; i < timestampsAndMessages.length; i += 2) {
      if (i > 0) {
        sb.append(',');
      }
      sb.append("{\"timestamp\":\"").append(timestampsAndMessages[i]).append("\",\"message\":\"")
          .append(timestampsAndMessages[i + 1]).append("\",\"severity\":\"info\"}");
    }
    return sb.append("],\"deployment\":{\"status\":\"").append(status).append("\"}}").toString();
  }

  /**
   * Stubs a whole deployment of project {@code name}: the project does not exist until created,
   * the service gets a domain, the build goes BUILDING, DEPLOYING, then {@code finalStatus}, and
   * the build log holds {@link #LOG_LINES} over three overlapping polls.
   */
  static void happyPath(WireMockExtension wm, String name, String finalStatus) {
    wm.stubFor(gql("Projects").inScenario("project").whenScenarioStateIs(Scenario.STARTED)
        .willReturn(data("{\"projects\":{\"edges\":[]}}")));
    wm.stubFor(gql("Projects").inScenario("project").whenScenarioStateIs("created")
        .willReturn(data("{\"projects\":{\"edges\":[{\"node\":" + project(name, true) + "}]}}")));
    wm.stubFor(gql("ProjectCreate").inScenario("project").willSetStateTo("created")
        .willReturn(data("{\"projectCreate\":" + project(name, false) + "}")));
    wm.stubFor(gql("ServiceCreate").willReturn(
        data("{\"serviceCreate\":{\"id\":\"" + SERVICE_ID + "\",\"name\":\"" + name + "\"}}")));
    wm.stubFor(gql("Domains").inScenario("domain").whenScenarioStateIs(Scenario.STARTED)
        .willReturn(data("{\"domains\":{\"serviceDomains\":[],\"customDomains\":[]}}")));
    wm.stubFor(gql("Domains").inScenario("domain").whenScenarioStateIs("created")
        .willReturn(data("{\"domains\":{\"serviceDomains\":[{\"domain\":\"" + DOMAIN
            + "\"}],\"customDomains\":[]}}")));
    wm.stubFor(gql("ServiceDomainCreate").inScenario("domain").willSetStateTo("created")
        .willReturn(data("{\"serviceDomainCreate\":{\"domain\":\"" + DOMAIN + "\"}}")));
    wm.stubFor(gql("VariableCollectionUpsert")
        .willReturn(data("{\"variableCollectionUpsert\":true}")));
    wm.stubFor(post(urlPathEqualTo(UP_PATH)).willReturn(okJson("{\"deploymentId\":\""
        + DEPLOYMENT_ID + "\",\"url\":\"https://railway.com/project/" + PROJECT_ID
        + "/service/" + SERVICE_ID + "?id=" + DEPLOYMENT_ID + "\",\"logsUrl\":"
        + "\"https://railway.com/logs\",\"deploymentDomain\":\"" + DOMAIN + "\"}")));
    wm.stubFor(gql("Deployment").inScenario("build").whenScenarioStateIs(Scenario.STARTED)
        .willSetStateTo("deploying").willReturn(deployment("BUILDING")));
    wm.stubFor(gql("Deployment").inScenario("build").whenScenarioStateIs("deploying")
        .willSetStateTo("done").willReturn(deployment("DEPLOYING")));
    wm.stubFor(gql("Deployment").inScenario("build").whenScenarioStateIs("done")
        .willReturn(deployment(finalStatus)));
    stubLogs(wm, finalStatus);
    wm.stubFor(gql("DeploymentCancel").willReturn(data("{\"deploymentCancel\":true}")));
  }

  /** Three polls, each overlapping the one before; the second sees the final status. */
  static void stubLogs(WireMockExtension wm, String finalStatus) {
    wm.stubFor(gql("BuildLogs").atPriority(10).willReturn(data(logs("BUILDING",
        T1, LOG_LINES.get(0), T2, LOG_LINES.get(1), T3, LOG_LINES.get(2)))));
    wm.stubFor(gql("BuildLogs").atPriority(1)
        .withRequestBody(matchingJsonPath("$.variables.startDate", equalTo(T3)))
        .willReturn(data(logs(finalStatus,
            T3, LOG_LINES.get(2), T4, LOG_LINES.get(3), T5, LOG_LINES.get(4)))));
    wm.stubFor(gql("BuildLogs").atPriority(1)
        .withRequestBody(matchingJsonPath("$.variables.startDate", equalTo(T5)))
        .willReturn(data(logs(finalStatus, T5, LOG_LINES.get(4)))));
  }

  static ResponseDefinitionBuilder deployment(String status) {
    return data("{\"deployment\":{\"id\":\"" + DEPLOYMENT_ID + "\",\"status\":\"" + status
        + "\",\"url\":null,\"staticUrl\":\"" + DOMAIN + "\"}}");
  }
}
