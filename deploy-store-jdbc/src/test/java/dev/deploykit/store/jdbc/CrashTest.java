package dev.deploykit.store.jdbc;

import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.deploykit.core.Deployment;
import dev.deploykit.core.DeploymentStatus;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A child JVM deploys to a WireMock Vercel with the embedded H2 journal and is killed with
 * SIGKILL during the build; a second child resumes. The deployment finishes once, with one
 * project and every build-log line journaled once.
 */
class CrashTest {
  @RegisterExtension
  static WireMockExtension wm =
      WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

  static final String PROJECT_ID = "prj_Crash1";
  static final String DEPLOYMENT_ID = "dpl_Crash1";
  static final String SCENARIO = "build";
  static final List<String> LINES = List.of("npm run build", "Compiling", "Compiled successfully",
      "Collecting page data", "Build completed");

  private final List<Process> children = new ArrayList<>();

  @AfterEach
  void killChildren() {
    children.forEach(Process::destroyForcibly);
  }

  static String event(int i) {
    return "{\"type\":\"stdout\",\"created\":" + (1001 + i) + ",\"date\":" + (1001 + i)
        + ",\"id\":\"ev" + i + "\",\"text\":\"" + LINES.get(i) + "\"}";
  }

  static String events(int from, int to) {
    StringBuilder b = new StringBuilder();
    for (int i = from; i < to; i++) {
      b.append(event(i)).append('\n');
    }
    return b.toString();
  }

  static String deploymentJson(String state) {
    return "{\"id\":\"" + DEPLOYMENT_ID + "\",\"url\":\"crash-app-x1.vercel.app\",\"readyState\":\""
        + state + "\",\"target\":\"production\",\"aliasAssigned\":" + state.equals("READY")
        + ",\"alias\":[\"crash-app.vercel.app\"]}";
  }

  void stubVercel() {
    wm.stubFor(post(urlPathEqualTo("/v11/projects"))
        .willReturn(okJson("{\"id\":\"" + PROJECT_ID + "\",\"name\":\"crash-app\"}")));
    wm.stubFor(post(urlPathEqualTo("/v10/projects/" + PROJECT_ID + "/env"))
        .willReturn(okJson("{\"created\":[],\"failed\":[]}")));
    wm.stubFor(post(urlPathEqualTo("/v13/deployments"))
        .willReturn(okJson(deploymentJson("QUEUED"))));
    String status = "/v13/deployments/" + DEPLOYMENT_ID;
    String events = "/v3/deployments/" + DEPLOYMENT_ID + "/events";
    // Building: three lines so far, nothing new on a reconnect.
    wm.stubFor(get(urlPathEqualTo(status)).inScenario(SCENARIO)
        .whenScenarioStateIs(Scenario.STARTED).willReturn(okJson(deploymentJson("BUILDING"))));
    wm.stubFor(get(urlPathEqualTo(events)).withQueryParam("since", absent()).inScenario(SCENARIO)
        .whenScenarioStateIs(Scenario.STARTED).willReturn(stream(events(0, 3))));
    wm.stubFor(get(urlPathEqualTo(events)).withQueryParam("since", matching(".+"))
        .inScenario(SCENARIO).whenScenarioStateIs(Scenario.STARTED).willReturn(stream("")));
    // Ready: the whole log from the start (a new follower replays it), or the rest after since.
    wm.stubFor(get(urlPathEqualTo(status)).inScenario(SCENARIO)
        .whenScenarioStateIs("ready").willReturn(okJson(deploymentJson("READY"))));
    wm.stubFor(get(urlPathEqualTo(events)).withQueryParam("since", absent()).inScenario(SCENARIO)
        .whenScenarioStateIs("ready").willReturn(stream(events(0, 5))));
    wm.stubFor(get(urlPathEqualTo(events)).withQueryParam("since", matching(".+"))
        .inScenario(SCENARIO).whenScenarioStateIs("ready").willReturn(stream("")));
  }

  static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder stream(String body) {
    return aResponse().withStatus(200).withHeader("Content-Type", "application/stream+json")
        .withBody(body);
  }

  Process child(String mode, String jdbcUrl, Path out) throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder pb = new ProcessBuilder(java,
        "-cp", System.getProperty("java.class.path"),
        "-Dorg.slf4j.simpleLogger.defaultLogLevel=debug",
        CrashChild.class.getName(), mode, jdbcUrl, wm.baseUrl())
        .redirectErrorStream(true)
        .redirectOutput(out.toFile());
    Process p = pb.start();
    children.add(p);
    return p;
  }

  static JdbcDeploymentStore reader(String jdbcUrl) {
    return JdbcDeploymentStore.create(jdbcUrl, null, null);
  }

  @Test
  void deployment_killedWithSigkillDuringTheBuild_isFinishedOnceByTheNextJvm_withNoLostLogLines()
      throws Exception {
    stubVercel();
    Path db = Databases.h2File("crash");
    Files.createDirectories(db.getParent());
    // AUTO_SERVER lets this JVM read the journal while a child has the database open.
    String url = "jdbc:h2:file:" + db + ";WRITE_DELAY=0;AUTO_SERVER=TRUE";
    Path out1 = db.resolveSibling(db.getFileName() + "-child1.log");
    Path out2 = db.resolveSibling(db.getFileName() + "-child2.log");

    Process first = child("deploy", url, out1);
    // Read the journal only once the child has the database open (it is then H2's server):
    // opening it first would make this JVM the owner that the child has to connect to.
    await("the child started the deployment").atMost(Duration.ofSeconds(30))
        .until(() -> !wm.findAll(postRequestedFor(urlPathEqualTo("/v13/deployments"))).isEmpty());
    String[] id = new String[1];
    await("the journal shows the build with three log lines").atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(200)).ignoreExceptions().until(() -> {
          try (JdbcDeploymentStore r = reader(url)) {
            Deployment d = r.findByIdempotencyKey(CrashChild.KEY).orElse(null);
            if (d == null || d.status() != DeploymentStatus.BUILDING || d.platformDeploymentId() == null) {
              return false;
            }
            id[0] = d.id();
            return r.logLines(d.id()).size() == 3;
          }
        });
    assertThat(first.isAlive()).isTrue();
    first.destroyForcibly();
    assertThat(first.waitFor(10, TimeUnit.SECONDS)).isTrue();
    assertThat(Files.readString(out1)).doesNotContain("RESULT");
    int requestsBeforeResume = wm.getAllServeEvents().size();
    wm.verify(1, postRequestedFor(urlPathEqualTo("/v11/projects")));

    wm.setScenarioState(SCENARIO, "ready");
    Process second = child("resume", url, out2);
    assertThat(second.waitFor(40, TimeUnit.SECONDS)).as("the resuming child ends").isTrue();
    String log2 = Files.readString(out2);
    assertThat(second.exitValue()).as(log2).isZero();
    assertThat(log2).contains("RESUMING 1")
        .contains("RESULT SUCCESS " + id[0] + " https://crash-app.vercel.app");

    try (JdbcDeploymentStore r = reader(url)) {
      Deployment d = r.find(id[0]).orElseThrow();
      assertThat(d.status()).isEqualTo(DeploymentStatus.SUCCESS);
      assertThat(d.platformProjectId()).isEqualTo(PROJECT_ID);
      assertThat(d.platformDeploymentId()).isEqualTo(DEPLOYMENT_ID);
      assertThat(r.logLines(id[0])).containsExactlyElementsOf(LINES);
      assertThat(r.findUnfinished()).isEmpty();
    }
    // One project, one variables call, one deployment: all made by the first child.
    wm.verify(1, postRequestedFor(urlPathEqualTo("/v11/projects"))
        .withHeader("Authorization", equalTo("Bearer " + CrashChild.TOKEN))
        .withRequestBody(equalToJson("{\"name\":\"crash-app\"}", true, true)));
    wm.verify(1, postRequestedFor(urlPathEqualTo("/v10/projects/" + PROJECT_ID + "/env"))
        .withQueryParam("upsert", equalTo("true"))
        .withRequestBody(equalToJson("[{\"key\":\"DATABASE_URL\",\"value\":\"" + CrashChild.SECRET
            + "\",\"type\":\"sensitive\"}]", true, true)));
    wm.verify(1, postRequestedFor(urlPathEqualTo("/v13/deployments")));
    List<LoggedRequest> afterKill = wm.getAllServeEvents().stream()
        .map(e -> e.getRequest()).collect(Collectors.toList())
        .subList(0, wm.getAllServeEvents().size() - requestsBeforeResume);
    assertThat(afterKill).as("the resuming child only reads").allSatisfy(
        r -> assertThat(r.getMethod().getName()).isEqualTo("GET"));
    assertThat(afterKill).anySatisfy(r -> assertThat(r.getUrl())
        .startsWith("/v13/deployments/" + DEPLOYMENT_ID));
    wm.verify(getRequestedFor(urlPathEqualTo("/v13/deployments/" + DEPLOYMENT_ID))
        .withHeader("Authorization", equalTo("Bearer " + CrashChild.TOKEN)));
    for (LoggedRequest r : wm.findAll(anyRequestedFor(anyUrl()))) {
      assertThat(r.getHeader("Authorization")).isEqualTo("Bearer " + CrashChild.TOKEN);
    }

    // Neither the children's output (debug logs included) nor the database holds a secret.
    assertThat(Files.readString(out1) + log2).doesNotContain(CrashChild.CANARY);
    List<String> stored;
    try (Connection c = DriverManager.getConnection(url)) {
      stored = ResumeContract.dump(c);
    }
    assertThat(stored).isNotEmpty().noneMatch(v -> v.contains(CrashChild.CANARY));
  }
}
