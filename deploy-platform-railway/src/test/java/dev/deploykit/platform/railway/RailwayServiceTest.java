package dev.deploykit.platform.railway;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.serviceUnavailable;
import static com.github.tomakehurst.wiremock.client.WireMock.unauthorized;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static dev.deploykit.platform.railway.RailwayStubs.CANARY;
import static dev.deploykit.platform.railway.RailwayStubs.DEPLOYMENT_ID;
import static dev.deploykit.platform.railway.RailwayStubs.DOMAIN;
import static dev.deploykit.platform.railway.RailwayStubs.ENVIRONMENT_ID;
import static dev.deploykit.platform.railway.RailwayStubs.GRAPHQL;
import static dev.deploykit.platform.railway.RailwayStubs.LOG_LINES;
import static dev.deploykit.platform.railway.RailwayStubs.PROJECT_ID;
import static dev.deploykit.platform.railway.RailwayStubs.SERVICE_ID;
import static dev.deploykit.platform.railway.RailwayStubs.T1;
import static dev.deploykit.platform.railway.RailwayStubs.T2;
import static dev.deploykit.platform.railway.RailwayStubs.T3;
import static dev.deploykit.platform.railway.RailwayStubs.T5;
import static dev.deploykit.platform.railway.RailwayStubs.TOKEN;
import static dev.deploykit.platform.railway.RailwayStubs.UP_PATH;
import static dev.deploykit.platform.railway.RailwayStubs.data;
import static dev.deploykit.platform.railway.RailwayStubs.deployment;
import static dev.deploykit.platform.railway.RailwayStubs.errors;
import static dev.deploykit.platform.railway.RailwayStubs.gql;
import static dev.deploykit.platform.railway.RailwayStubs.gqlRequested;
import static dev.deploykit.platform.railway.RailwayStubs.logs;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.deploykit.core.DeploymentException;
import dev.deploykit.core.DeploymentTarget;
import dev.deploykit.core.ErrorCode;
import dev.deploykit.core.GeneratedFile;
import dev.deploykit.core.UploadProgress;
import dev.deploykit.core.spi.BuildState;
import dev.deploykit.core.spi.BuildStatus;
import dev.deploykit.core.spi.CreateProjectRequest;
import dev.deploykit.core.spi.LogSink;
import dev.deploykit.core.spi.LogStream;
import dev.deploykit.core.spi.PlatformContext;
import dev.deploykit.core.spi.PlatformDeployment;
import dev.deploykit.core.spi.PlatformProject;
import dev.deploykit.core.spi.UploadListener;
import dev.deploykit.core.spi.UploadResult;
import dev.deploykit.env.EnvironmentVariable;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RailwayServiceTest {
  @RegisterExtension
  static WireMockExtension wm = WireMockExtension.newInstance()
      .options(wireMockConfig().dynamicPort()).build();

  private static final String NAME = "my-app";
  private static final PlatformProject PROJECT = new PlatformProject(PROJECT_ID, NAME, Map.of(
      "environmentId", ENVIRONMENT_ID, "serviceId", SERVICE_ID, "domain", DOMAIN));

  private ScheduledExecutorService scheduler;

  @BeforeEach
  void setUp() {
    scheduler = Executors.newScheduledThreadPool(2);
  }

  @AfterEach
  void tearDown() {
    scheduler.shutdownNow();
  }

  private RailwayService service() {
    return service("account", Map.of());
  }

  private RailwayService service(String type, Map<String, String> settings) {
    return (RailwayService) RailwayPlatform.create()
        .create(RailwayStubs.context(wm, scheduler, type, settings));
  }

  private static CreateProjectRequest request() {
    return new CreateProjectRequest(NAME, List.of(GeneratedFile.text("index.html", "hi")),
        DeploymentTarget.PRODUCTION);
  }

  // ------------------------------------------------------------------------------ createProject

  @Test
  void createProject_whenNameIsFree_createsProjectEmptyServiceAndDomain() throws Exception {
    RailwayStubs.happyPath(wm, NAME, "SUCCESS");

    PlatformProject project = join(service().createProject(request()));

    assertThat(project.id()).isEqualTo(PROJECT_ID);
    assertThat(project.name()).isEqualTo(NAME);
    assertThat(project.attributes()).containsEntry("environmentId", ENVIRONMENT_ID)
        .containsEntry("serviceId", SERVICE_ID).containsEntry("domain", DOMAIN);
    wm.verify(gqlRequested("Projects")
        .withHeader("Authorization", equalTo("Bearer " + TOKEN))
        .withHeader("Content-Type", equalTo("application/json"))
        .withRequestBody(variables("{}")));
    wm.verify(gqlRequested("ProjectCreate")
        .withHeader("Authorization", equalTo("Bearer " + TOKEN))
        .withRequestBody(variables("{\"input\":{\"name\":\"my-app\"}}")));
    // An empty service: no source, so that tarball uploads deploy it.
    wm.verify(gqlRequested("ServiceCreate").withRequestBody(variables(
        "{\"input\":{\"projectId\":\"" + PROJECT_ID + "\",\"environmentId\":\"" + ENVIRONMENT_ID
            + "\",\"name\":\"my-app\"}}")));
    wm.verify(gqlRequested("Domains").withRequestBody(variables("{\"projectId\":\"" + PROJECT_ID
        + "\",\"environmentId\":\"" + ENVIRONMENT_ID + "\",\"serviceId\":\"" + SERVICE_ID + "\"}")));
    wm.verify(gqlRequested("ServiceDomainCreate").withRequestBody(variables(
        "{\"serviceId\":\"" + SERVICE_ID + "\",\"environmentId\":\"" + ENVIRONMENT_ID + "\"}")));
  }

  @Test
  void createProject_whenProjectAndServiceExist_reusesThemAndCreatesNothing() throws Exception {
    RailwayStubs.happyPath(wm, NAME, "SUCCESS");
    wm.stubFor(gql("Projects").atPriority(1).willReturn(data(
        "{\"projects\":{\"edges\":[{\"node\":" + RailwayStubs.project("other-app", false) + "},"
            + "{\"node\":" + RailwayStubs.project(NAME, true) + "}]}}")));
    wm.stubFor(gql("Domains").atPriority(1).willReturn(data("{\"domains\":{\"serviceDomains\":"
        + "[{\"domain\":\"" + DOMAIN + "\"}],\"customDomains\":[]}}")));

    PlatformProject first = join(service().createProject(request()));
    PlatformProject second = join(service().createProject(request()));

    assertThat(second).isEqualTo(first);
    assertThat(first.attribute("serviceId")).contains(SERVICE_ID);
    wm.verify(0, gqlRequested("ProjectCreate"));
    wm.verify(0, gqlRequested("ServiceCreate"));
    wm.verify(0, gqlRequested("ServiceDomainCreate"));
  }

  @Test
  void createProject_whenProjectExistsWithoutTheService_createsOnlyTheService() throws Exception {
    RailwayStubs.happyPath(wm, NAME, "SUCCESS");
    wm.stubFor(gql("Projects").atPriority(1).willReturn(data(
        "{\"projects\":{\"edges\":[{\"node\":" + RailwayStubs.project(NAME, false) + "}]}}")));

    PlatformProject project = join(service().createProject(request()));

    assertThat(project.attribute("serviceId")).contains(SERVICE_ID);
    wm.verify(0, gqlRequested("ProjectCreate"));
    wm.verify(1, gqlRequested("ServiceCreate"));
  }

  @Test
  void createProject_withWorkspaceAndEnvironmentSettings_passesThemToRailway() throws Exception {
    RailwayStubs.happyPath(wm, NAME, "SUCCESS");
    wm.stubFor(gql("ProjectCreate").atPriority(1).willReturn(data("{\"projectCreate\":{\"id\":\""
        + PROJECT_ID + "\",\"name\":\"my-app\",\"environments\":{\"edges\":[{\"node\":{\"id\":"
        + "\"env-stg\",\"name\":\"staging\"}}]}}}")));

    PlatformProject project = join(service("account",
        Map.of("workspaceId", "ws-42", "environment", "staging")).createProject(request()));

    assertThat(project.attribute("environmentId")).contains("env-stg");
    wm.verify(gqlRequested("Projects").withRequestBody(variables("{\"workspaceId\":\"ws-42\"}")));
    wm.verify(gqlRequested("ProjectCreate").withRequestBody(variables("{\"input\":{\"name\":"
        + "\"my-app\",\"workspaceId\":\"ws-42\",\"defaultEnvironmentName\":\"staging\"}}")));
    wm.verify(gqlRequested("ServiceCreate").withRequestBody(
        matchingJsonPath("$.variables.input.environmentId", equalTo("env-stg"))));
  }

  @Test
  void createProject_whenConfiguredEnvironmentIsMissing_failsInvalidConfigNamingThoseThereAre() {
    RailwayStubs.happyPath(wm, NAME, "SUCCESS");
    wm.stubFor(gql("Projects").atPriority(1).willReturn(data(
        "{\"projects\":{\"edges\":[{\"node\":" + RailwayStubs.project(NAME, true) + "}]}}")));

    DeploymentException e = failure(
        service("account", Map.of("environment", "qa")).createProject(request()));

    assertThat(e.code()).isEqualTo(ErrorCode.INVALID_CONFIG);
    assertThat(e.getMessage()).contains("no environment named qa", "production",
        "railway.environment");
  }

  @Test
  void createProject_whenRailwaySaysTheServiceNameIsTaken_failsProjectNameTaken() {
    RailwayStubs.happyPath(wm, NAME, "SUCCESS");
    wm.stubFor(gql("ServiceCreate").atPriority(1)
        .willReturn(errors("A service named my-app already exists in this project")));

    DeploymentException e = failure(service().createProject(request()));

    assertThat(e.code()).isEqualTo(ErrorCode.PROJECT_NAME_TAKEN);
    assertThat(e.getMessage()).contains("A service named my-app already exists in this project");
    assertThat(e.error().platform()).isEqualTo("railway");
  }

  @Test
  void createProject_withProjectToken_sendsProjectAccessTokenAndUsesTheTokensProject()
      throws Exception {
    RailwayStubs.happyPath(wm, NAME, "SUCCESS");
    wm.stubFor(gql("ProjectToken").willReturn(data("{\"projectToken\":{\"projectId\":\""
        + PROJECT_ID + "\",\"environmentId\":\"" + ENVIRONMENT_ID + "\"}}")));
    wm.stubFor(gql("Project").willReturn(
        data("{\"project\":" + RailwayStubs.project("whatever-its-called", false) + "}")));

    PlatformProject project = join(service("project", Map.of()).createProject(request()));

    assertThat(project.id()).isEqualTo(PROJECT_ID);
    assertThat(project.name()).isEqualTo(NAME);
    assertThat(project.attributes()).containsEntry("environmentId", ENVIRONMENT_ID)
        .containsEntry("serviceId", SERVICE_ID);
    wm.verify(gqlRequested("ProjectToken").withHeader("Project-Access-Token", equalTo(TOKEN))
        .withHeader("Authorization", absent()));
    wm.verify(gqlRequested("Project").withRequestBody(variables("{\"id\":\"" + PROJECT_ID + "\"}")));
    wm.verify(gqlRequested("ServiceCreate").withHeader("Project-Access-Token", equalTo(TOKEN)));
    wm.verify(0, gqlRequested("Projects"));
    wm.verify(0, gqlRequested("ProjectCreate"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"workspace", "team", "Workspace"})
  void createProject_withWorkspaceToken_sendsTeamAccessToken(String type) throws Exception {
    RailwayStubs.happyPath(wm, NAME, "SUCCESS");

    join(service(type, Map.of()).createProject(request()));

    wm.verify(gqlRequested("Projects").withHeader("Team-Access-Token", equalTo(TOKEN))
        .withHeader("Authorization", absent()));
  }

  @Test
  void create_whenCredentialTypeIsUnknown_failsInvalidConfigListingTheTypes() {
    PlatformContext context = RailwayStubs.context(wm, scheduler, "api-key", Map.of());

    assertThatThrownBy(() -> RailwayPlatform.create().create(context))
        .isInstanceOfSatisfying(DeploymentException.class, e -> {
          assertThat(e.code()).isEqualTo(ErrorCode.INVALID_CONFIG);
          assertThat(e.getMessage()).contains("'api-key'", "account", "project", "workspace")
              .doesNotContain(CANARY);
        });
  }

  @Test
  void create_whenLogPollIntervalIsNotADuration_failsInvalidConfigNamingTheSetting() {
    PlatformContext context = RailwayStubs.context(wm, scheduler, "account",
        Map.of("logPollInterval", "soon"));

    assertThatThrownBy(() -> RailwayPlatform.create().create(context))
        .isInstanceOfSatisfying(DeploymentException.class, e -> {
          assertThat(e.code()).isEqualTo(ErrorCode.INVALID_CONFIG);
          assertThat(e.getMessage()).contains("railway.logPollInterval", "'soon'");
        });
  }

  @Test
  void create_whenApiUrlHasNoPath_sendsGraphQlToGraphqlV2() throws Exception {
    RailwayStubs.happyPath(wm, NAME, "SUCCESS");

    join(service("account", Map.of("apiUrl", wm.baseUrl())).createProject(request()));

    wm.verify(gqlRequested("Projects"));
  }

  @Test
  void createProject_whenItsFutureIsCancelled_abortsTheExchangeAndGoesNoFurther() {
    RailwayStubs.happyPath(wm, NAME, "SUCCESS");
    wm.stubFor(gql("Projects").atPriority(1).willReturn(data("{\"projects\":{\"edges\":[]}}")
        .withFixedDelay(1500)));
    CompletableFuture<PlatformProject> f = service().createProject(request());
    await().atMost(Duration.ofSeconds(5))
        .until(() -> wm.findAll(gqlRequested("Projects")).size() == 1);

    assertThat(f.cancel(true)).isTrue();

    assertThat(f).isCancelled();
    await().during(Duration.ofMillis(2000)).atMost(Duration.ofSeconds(3))
        .until(() -> wm.findAll(gqlRequested("ProjectCreate")).isEmpty());
  }

  // ------------------------------------------------------------------------------ errors

  @Test
  void graphQl_whenErrorsComeInsideHttp200_failsWithTheGraphQlMessageAndAuthFailed() {
    wm.stubFor(gql("Projects").willReturn(errors("Not Authorized")));

    DeploymentException e = failure(service().createProject(request()));

    assertThat(e.code()).isEqualTo(ErrorCode.AUTH_FAILED);
    assertThat(e.getMessage()).contains("Not Authorized", "list the projects")
        .doesNotContain(CANARY);
    assertThat(e.error().httpStatus()).isEqualTo(200);
    assertThat(e.error().platform()).isEqualTo("railway");
  }

  @Test
  void graphQl_whenErrorsComeWithData_checksErrorsFirstAndKeepsTheMessage() {
    wm.stubFor(gql("Projects").willReturn(okJson("{\"data\":{\"projects\":{\"edges\":[]}},"
        + "\"errors\":[{\"message\":\"Problem processing request\",\"extensions\":"
        + "{\"code\":\"BAD_REQUEST\"}}]}")));

    DeploymentException e = failure(service().createProject(request()));

    assertThat(e.code()).isEqualTo(ErrorCode.INVALID_CONFIG);
    assertThat(e.getMessage()).contains("Problem processing request");
    assertThat(e.error().details()).containsExactly("platform code: BAD_REQUEST");
    wm.verify(0, gqlRequested("ProjectCreate"));
  }

  @Test
  void graphQl_whenTwoFactorIsRequired_failsInsufficientPermissionsSayingSo() {
    wm.stubFor(gql("Projects").willReturn(errors("Two Factor Authentication Required")));

    DeploymentException e = failure(service().createProject(request()));

    assertThat(e.code()).isEqualTo(ErrorCode.INSUFFICIENT_PERMISSIONS);
    assertThat(e.getMessage()).contains("two-factor");
  }

  @Test
  void graphQl_whenHttp400CarriesNotAuthorized_failsAuthFailedWhateverTheStatus() {
    wm.stubFor(gql("Projects").willReturn(aResponse().withStatus(400)
        .withHeader("Content-Type", "application/json")
        .withBody("{\"errors\":[{\"message\":\"not authorized\"}]}")));

    DeploymentException e = failure(service().createProject(request()));

    assertThat(e.code()).isEqualTo(ErrorCode.AUTH_FAILED);
    assertThat(e.error().httpStatus()).isEqualTo(400);
    assertThat(e.getMessage()).contains("not authorized", "HTTP 400");
  }

  @Test
  void graphQl_whenHttp401_failsAuthFailed() {
    wm.stubFor(gql("Projects").willReturn(unauthorized().withHeader("x-request-id", "req-123")));

    DeploymentException e = failure(service().createProject(request()));

    assertThat(e.code()).isEqualTo(ErrorCode.AUTH_FAILED);
    assertThat(e.error().httpStatus()).isEqualTo(401);
    assertThat(e.error().requestId()).isEqualTo("req-123");
    assertThat(e.getMessage()).doesNotContain(CANARY);
  }

  @Test
  void graphQl_whenTheTokenIsEchoedInAnError_redactsIt() {
    wm.stubFor(gql("Projects").willReturn(errors("Not Authorized: token " + TOKEN + " was revoked")));

    DeploymentException e = failure(service().createProject(request()));

    assertThat(e.code()).isEqualTo(ErrorCode.AUTH_FAILED);
    assertThat(e.getMessage()).contains("token **** was revoked").doesNotContain(CANARY);
  }

  @Test
  void graphQl_when429ThenSuccess_waitsRetryAfterAndSucceeds() throws Exception {
    RailwayStubs.happyPath(wm, NAME, "SUCCESS");
    wm.stubFor(gql("Projects").atPriority(1).inScenario("limit")
        .whenScenarioStateIs(Scenario.STARTED).willSetStateTo("again")
        .willReturn(aResponse().withStatus(429).withHeader("Retry-After", "1")));
    long start = System.nanoTime();

    PlatformProject project = join(service().createProject(request()));

    Duration took = Duration.ofNanos(System.nanoTime() - start);
    assertThat(project.id()).isEqualTo(PROJECT_ID);
    assertThat(took).isGreaterThanOrEqualTo(Duration.ofMillis(950));
    wm.verify(2, gqlRequested("Projects"));
  }

  @Test
  void graphQl_when429AsksForTooLongAWait_failsRateLimitedWithTheWait() {
    wm.stubFor(gql("Projects").willReturn(aResponse().withStatus(429)
        .withHeader("Retry-After", "3600")));

    DeploymentException e = failure(service().createProject(request()));

    assertThat(e.code()).isEqualTo(ErrorCode.RATE_LIMIT_EXCEEDED);
    assertThat(e.error().retryAfter()).isEqualTo(Duration.ofHours(1));
    wm.verify(1, gqlRequested("Projects"));
  }

  @Test
  void graphQl_when5xx_failsPlatformUnavailable() {
    wm.stubFor(gql("Projects").willReturn(serviceUnavailable()));

    DeploymentException e = failure(service().createProject(request()));

    assertThat(e.code()).isEqualTo(ErrorCode.PLATFORM_UNAVAILABLE);
    assertThat(e.error().httpStatus()).isEqualTo(503);
  }

  @Test
  void graphQl_whenTheAnswerIsNotJson_failsPlatformUnavailable() {
    wm.stubFor(gql("Projects").willReturn(aResponse().withStatus(200)
        .withHeader("Content-Type", "text/html").withBody("<html>maintenance</html>")));

    DeploymentException e = failure(service().createProject(request()));

    assertThat(e.code()).isEqualTo(ErrorCode.PLATFORM_UNAVAILABLE);
    assertThat(e.getMessage()).doesNotContain("maintenance");
  }

  @Test
  void graphQl_whenNothingListens_failsPlatformUnavailable() throws Exception {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    RailwayService s = service("account", Map.of("apiUrl", "http://127.0.0.1:" + port + GRAPHQL));

    DeploymentException e = failure(s.createProject(request()));

    assertThat(e.code()).isEqualTo(ErrorCode.PLATFORM_UNAVAILABLE);
    assertThat(e.getMessage()).contains("Could not reach Railway").doesNotContain(CANARY);
  }

  // ------------------------------------------------------------------------------ variables

  @Test
  void setEnvironmentVariables_setsAllInOneCallWithSkipDeploys() throws Exception {
    wm.stubFor(gql("VariableCollectionUpsert")
        .willReturn(data("{\"variableCollectionUpsert\":true}")));
    List<EnvironmentVariable> vars = List.of(
        EnvironmentVariable.builder("DATABASE_URL").value("postgres://u:p@db/x").sensitive(true)
            .build(),
        EnvironmentVariable.builder("APP_NAME").value("demo").build());

    join(service().setEnvironmentVariables(PROJECT, vars, DeploymentTarget.PRODUCTION));

    wm.verify(1, gqlRequested("VariableCollectionUpsert"));
    wm.verify(gqlRequested("VariableCollectionUpsert").withRequestBody(variables(
        "{\"projectId\":\"" + PROJECT_ID + "\",\"environmentId\":\"" + ENVIRONMENT_ID
            + "\",\"serviceId\":\"" + SERVICE_ID + "\",\"variables\":{\"DATABASE_URL\":"
            + "\"postgres://u:p@db/x\",\"APP_NAME\":\"demo\"},\"skipDeploys\":true}")));
  }

  @Test
  void setEnvironmentVariables_whenAValueIsMissing_failsInvalidConfigNamingItWithoutCalling() {
    List<EnvironmentVariable> vars = List.of(EnvironmentVariable.builder("SECRET_KEY").build());

    DeploymentException e = failure(
        service().setEnvironmentVariables(PROJECT, vars, DeploymentTarget.PRODUCTION));

    assertThat(e.code()).isEqualTo(ErrorCode.INVALID_CONFIG);
    assertThat(e.getMessage()).contains("SECRET_KEY");
    wm.verify(0, postRequestedFor(urlPathEqualTo(GRAPHQL)));
  }

  @Test
  void setEnvironmentVariables_whenTheProjectLacksTheServiceId_failsInvalidConfig() {
    DeploymentException e = failure(service().setEnvironmentVariables(
        PlatformProject.of(PROJECT_ID, NAME), List.of(), DeploymentTarget.PRODUCTION));

    assertThat(e.code()).isEqualTo(ErrorCode.INVALID_CONFIG);
    assertThat(e.getMessage()).contains("environmentId");
  }

  // ------------------------------------------------------------------------------ upload

  private static final String LONG_PATH = "src/" + "very-long-directory-name/".repeat(5)
      + "component.tsx";

  private static List<GeneratedFile> files() {
    return List.of(
        GeneratedFile.text("index.html", "<h1>hello</h1>\n"),
        GeneratedFile.text("styles/site.css", "body { margin: 0 }\n"),
        GeneratedFile.of("bin/start.sh", "#!/bin/sh\nexec node server.js\n"
            .getBytes(StandardCharsets.UTF_8), GeneratedFile.EXECUTABLE),
        GeneratedFile.of("public/logo.bin", new byte[] {0, 1, 2, (byte) 0xff, 10, 13}, 0600),
        GeneratedFile.text("docs/résumé.md", "accents\n"),
        GeneratedFile.text(LONG_PATH, "export default 1;\n"));
  }

  @Test
  void uploadFiles_sendsAGzippedTarOfEveryFileWithNamesBytesAndModes() throws Exception {
    RailwayStubs.happyPath(wm, NAME, "SUCCESS");
    List<UploadProgress> progress = new CopyOnWriteArrayList<>();

    UploadResult result = join(service().uploadFiles(PROJECT, files(), progress::add));

    List<LoggedRequest> uploads = wm.findAll(postRequestedFor(urlPathEqualTo(UP_PATH)));
    assertThat(uploads).hasSize(1);
    LoggedRequest upload = uploads.get(0);
    assertThat(upload.getHeader("Content-Type")).isEqualTo("application/gzip");
    assertThat(upload.getHeader("Authorization")).isEqualTo("Bearer " + TOKEN);
    assertThat(upload.queryParameter("serviceId").values()).containsExactly(SERVICE_ID);
    Map<String, TarFile> entries = untar(upload.getBody());
    Map<String, TarFile> regular = new LinkedHashMap<>();
    entries.forEach((k, v) -> {
      if (!v.directory()) {
        regular.put(k, v);
      }
    });
    assertThat(regular).hasSize(files().size());
    for (GeneratedFile f : files()) {
      TarFile t = regular.get("./" + f.path());
      assertThat(t).as("entry ./%s", f.path()).isNotNull();
      assertThat(t.bytes()).as("bytes of %s", f.path()).isEqualTo(f.bytes());
      assertThat(t.mode() & 07777).as("mode of %s", f.path()).isEqualTo(f.mode());
    }
    assertThat(entries).containsKeys("./", "./styles/", "./bin/", "./public/", "./docs/");
    assertThat(entries.get("./styles/").mode() & 07777).isEqualTo(0755);

    assertThat(result.deploymentId()).isEqualTo(DEPLOYMENT_ID);
    assertThat(result.filesUploaded()).isEqualTo(files().size());
    assertThat(result.bytesUploaded()).isPositive();
    assertThat(result.attribute("deploymentDomain")).contains(DOMAIN);
    assertThat(progress).isNotEmpty().allSatisfy(p -> {
      assertThat(p.bytesDone()).isBetween(0L, p.bytesTotal());
      assertThat(p.filesDone()).isBetween(0, p.filesTotal());
    });
    assertThat(progress.get(progress.size() - 1)).isEqualTo(new UploadProgress(files().size(),
        files().size(), result.bytesUploaded(), result.bytesUploaded()));
  }

  @Test
  void uploadFiles_whenRetried_resendsTheSameBytesWithoutRebuildingTheArchive() throws Exception {
    wm.stubFor(post(urlPathEqualTo(UP_PATH)).inScenario("retry")
        .whenScenarioStateIs(Scenario.STARTED).willSetStateTo("ok")
        .willReturn(serviceUnavailable()));
    wm.stubFor(post(urlPathEqualTo(UP_PATH)).inScenario("retry").whenScenarioStateIs("ok")
        .willReturn(okJson("{\"deploymentId\":\"" + DEPLOYMENT_ID + "\"}")));
    RailwayService s = service();
    List<GeneratedFile> files = files();

    DeploymentException first = failure(s.uploadFiles(PROJECT, files, UploadListener.NONE));
    UploadResult second = join(s.uploadFiles(PROJECT, files, UploadListener.NONE));

    assertThat(first.code()).isEqualTo(ErrorCode.PLATFORM_UNAVAILABLE);
    assertThat(second.deploymentId()).isEqualTo(DEPLOYMENT_ID);
    List<LoggedRequest> uploads = wm.findAll(postRequestedFor(urlPathEqualTo(UP_PATH)));
    assertThat(uploads).hasSize(2);
    assertThat(uploads.get(1).getBody()).isEqualTo(uploads.get(0).getBody());
    assertThat(s.archivesBuilt()).isEqualTo(1);
  }

  @Test
  void uploadFiles_onTheWire_isAGzippedTarWithContentLengthAndTheToken() throws Exception {
    try (RawServer raw = new RawServer(200, "application/json",
        "{\"deploymentId\":\"" + DEPLOYMENT_ID + "\"}")) {
      RailwayService s = service("account", Map.of("apiUrl", raw.baseUrl() + GRAPHQL));

      UploadResult result = join(s.uploadFiles(PROJECT, files(), UploadListener.NONE));

      assertThat(raw.received).hasSize(1);
      RawServer.Received r = raw.received.get(0);
      assertThat(r.method()).isEqualTo("POST");
      assertThat(r.uri().getRawPath()).isEqualTo(UP_PATH);
      assertThat(r.uri().getRawQuery()).isEqualTo("serviceId=" + SERVICE_ID);
      assertThat(r.headers().getFirst("Content-Type")).isEqualTo("application/gzip");
      assertThat(r.headers().getFirst("Authorization")).isEqualTo("Bearer " + TOKEN);
      assertThat(r.headers().getFirst("Content-Length"))
          .isEqualTo(String.valueOf(r.body().length));
      assertThat(isGzip(r.body())).as("gzip magic").isTrue();
      Map<String, TarFile> entries = untar(r.body());
      for (GeneratedFile f : files()) {
        assertThat(entries.get("./" + f.path()).bytes()).isEqualTo(f.bytes());
        assertThat(entries.get("./" + f.path()).mode() & 07777).isEqualTo(f.mode());
      }
      assertThat(result.bytesUploaded()).isEqualTo(r.body().length);
    }
  }

  @Test
  void uploadFiles_when413_failsUploadFailedNamingTheSizeSent() throws Exception {
    try (RawServer raw = new RawServer(413, "text/plain", "Payload Too Large")) {
      RailwayService s = service("account", Map.of("apiUrl", raw.baseUrl() + GRAPHQL));

      DeploymentException e = failure(s.uploadFiles(PROJECT, files(), UploadListener.NONE));

      int sent = raw.received.get(0).body().length;
      assertThat(e.code()).isEqualTo(ErrorCode.UPLOAD_FAILED);
      assertThat(e.error().httpStatus()).isEqualTo(413);
      assertThat(e.getMessage()).contains(sent + " bytes", files().size() + " files", "smaller");
    }
  }

  @Test
  void uploadFiles_when400_failsUploadFailedWithRailwaysMessage() {
    wm.stubFor(post(urlPathEqualTo(UP_PATH)).willReturn(aResponse().withStatus(400)
        .withHeader("Content-Type", "application/json")
        .withBody("{\"message\":\"Service not found in environment\"}")));

    DeploymentException e = failure(service().uploadFiles(PROJECT, files(), UploadListener.NONE));

    assertThat(e.code()).isEqualTo(ErrorCode.UPLOAD_FAILED);
    assertThat(e.error().httpStatus()).isEqualTo(400);
    assertThat(e.getMessage()).contains("Service not found in environment");
  }

  @Test
  void uploadFiles_whenTheAnswerHasNoDeploymentId_failsPlatformUnavailable() {
    wm.stubFor(post(urlPathEqualTo(UP_PATH)).willReturn(okJson("{\"url\":\"x\"}")));

    DeploymentException e = failure(service().uploadFiles(PROJECT, files(), UploadListener.NONE));

    assertThat(e.code()).isEqualTo(ErrorCode.PLATFORM_UNAVAILABLE);
  }

  @Test
  void uploadFiles_whenTwoFilesShareAPath_failsInvalidConfigWithoutUploading() {
    List<GeneratedFile> dup = List.of(GeneratedFile.text("a.txt", "1"), GeneratedFile.text("a.txt",
        "2"));

    DeploymentException e = failure(service().uploadFiles(PROJECT, dup, UploadListener.NONE));

    assertThat(e.code()).isEqualTo(ErrorCode.INVALID_CONFIG);
    assertThat(e.getMessage()).contains("a.txt");
    wm.verify(0, postRequestedFor(urlPathEqualTo(UP_PATH)));
  }

  // ------------------------------------------------------------------------------ deployment

  @Test
  void triggerDeployment_whenTheUploadStartedOne_returnsItWithoutARequest() throws Exception {
    UploadResult upload = new UploadResult(2, 100, 0, DEPLOYMENT_ID,
        Map.of("deploymentDomain", "x.up.railway.app"));

    PlatformDeployment d = join(service().triggerDeployment(PROJECT, upload, files(),
        DeploymentTarget.PRODUCTION));

    assertThat(d).isEqualTo(new PlatformDeployment(DEPLOYMENT_ID, "https://x.up.railway.app"));
    wm.verify(0, postRequestedFor(urlPathEqualTo(GRAPHQL)));
  }

  @Test
  void triggerDeployment_whenTheUploadStartedNone_deploysTheServiceInstance() throws Exception {
    wm.stubFor(gql("ServiceInstanceDeployV2")
        .willReturn(data("{\"serviceInstanceDeployV2\":\"dep-new\"}")));

    PlatformDeployment d = join(service().triggerDeployment(PROJECT, UploadResult.of(2, 100, 0),
        files(), DeploymentTarget.PRODUCTION));

    assertThat(d.id()).isEqualTo("dep-new");
    wm.verify(gqlRequested("ServiceInstanceDeployV2").withRequestBody(variables(
        "{\"serviceId\":\"" + SERVICE_ID + "\",\"environmentId\":\"" + ENVIRONMENT_ID + "\"}")));
  }

  @Test
  void getDeploymentStatus_whenSuccess_returnsTheStaticUrlWithHttps() throws Exception {
    wm.stubFor(gql("Deployment").willReturn(deployment("SUCCESS")));

    BuildStatus status = join(service().getDeploymentStatus(PROJECT, DEPLOYMENT_ID));

    assertThat(status.state()).isEqualTo(BuildState.SUCCESS);
    assertThat(status.url()).isEqualTo("https://" + DOMAIN);
    wm.verify(gqlRequested("Deployment").withRequestBody(variables("{\"id\":\"" + DEPLOYMENT_ID
        + "\"}")));
  }

  @Test
  void getDeploymentStatus_whenSuccessWithoutStaticUrl_fallsBackToTheServiceDomain()
      throws Exception {
    wm.stubFor(gql("Deployment").willReturn(data("{\"deployment\":{\"id\":\"" + DEPLOYMENT_ID
        + "\",\"status\":\"SUCCESS\",\"url\":null,\"staticUrl\":null}}")));

    BuildStatus status = join(service().getDeploymentStatus(PROJECT, DEPLOYMENT_ID));

    assertThat(status.url()).isEqualTo("https://" + DOMAIN);
  }

  @ParameterizedTest
  @ValueSource(strings = {"FAILED", "CRASHED"})
  void getDeploymentStatus_whenFailedOrCrashed_returnsBuildFailed(String railway) throws Exception {
    wm.stubFor(gql("Deployment").willReturn(deployment(railway)));

    BuildStatus status = join(service().getDeploymentStatus(PROJECT, DEPLOYMENT_ID));

    assertThat(status.state()).isEqualTo(BuildState.FAILED);
    assertThat(status.platformState()).isEqualTo(railway);
    assertThat(status.error().code()).isEqualTo(ErrorCode.BUILD_FAILED);
    assertThat(status.error().message()).contains(railway, DEPLOYMENT_ID);
  }

  @ParameterizedTest
  @ValueSource(strings = {"REMOVED", "SKIPPED"})
  void getDeploymentStatus_whenRemovedOrSkipped_returnsAFailureSayingWhy(String railway)
      throws Exception {
    wm.stubFor(gql("Deployment").willReturn(deployment(railway)));

    BuildStatus status = join(service().getDeploymentStatus(PROJECT, DEPLOYMENT_ID));

    assertThat(status.state()).isEqualTo(BuildState.FAILED);
    assertThat(status.error().message()).contains(railway, "newer deployment", "Deploy again");
  }

  @ParameterizedTest
  @ValueSource(strings = {"INITIALIZING", "QUEUED", "WAITING", "BUILDING", "DEPLOYING",
      "REMOVING", "NEEDS_APPROVAL", "SOMETHING_NEW"})
  void getDeploymentStatus_whenNotFinished_returnsBuilding(String railway) throws Exception {
    wm.stubFor(gql("Deployment").willReturn(deployment(railway)));

    BuildStatus status = join(service().getDeploymentStatus(PROJECT, DEPLOYMENT_ID));

    assertThat(status.state()).isEqualTo(BuildState.BUILDING);
    assertThat(status.platformState()).isEqualTo(railway);
  }

  @Test
  void getDeploymentStatus_whenRailwayKnowsNoSuchDeployment_failsInvalidConfig() {
    wm.stubFor(gql("Deployment").willReturn(data("{\"deployment\":null}")));

    DeploymentException e = failure(service().getDeploymentStatus(PROJECT, "dep-gone"));

    assertThat(e.code()).isEqualTo(ErrorCode.INVALID_CONFIG);
    assertThat(e.getMessage()).contains("dep-gone");
  }

  @Test
  void cancelDeployment_callsDeploymentCancel() throws Exception {
    wm.stubFor(gql("DeploymentCancel").willReturn(data("{\"deploymentCancel\":true}")));

    join(service().cancelDeployment(PROJECT, DEPLOYMENT_ID));

    wm.verify(gqlRequested("DeploymentCancel").withRequestBody(variables("{\"id\":\""
        + DEPLOYMENT_ID + "\"}")));
  }

  // ------------------------------------------------------------------------------ logs

  @Test
  void streamBuildLogs_acrossOverlappingPolls_deliversEachLineOnceInOrderThenCompletes()
      throws Exception {
    RailwayStubs.stubLogs(wm, "SUCCESS");
    Sink sink = new Sink();

    LogStream stream = service().streamBuildLogs(PROJECT, DEPLOYMENT_ID, sink);
    stream.done().get(10, TimeUnit.SECONDS);

    assertThat(sink.lines).containsExactlyElementsOf(LOG_LINES);
    assertThat(sink.completions.get()).isEqualTo(1);
    assertThat(sink.failure.get()).isNull();
    // The start date moves to the last line seen; the first poll has none.
    wm.verify(gqlRequested("BuildLogs").withRequestBody(variables("{\"deploymentId\":\""
        + DEPLOYMENT_ID + "\",\"limit\":" + BuildLogPoller.LIMIT + "}")));
    wm.verify(gqlRequested("BuildLogs")
        .withRequestBody(matchingJsonPath("$.variables.startDate", equalTo(T3))));
    wm.verify(gqlRequested("BuildLogs")
        .withRequestBody(matchingJsonPath("$.variables.startDate", equalTo(T5))));
  }

  @Test
  void streamBuildLogs_whenLinesRepeatAtOneTimestamp_deliversThemAsOftenAsTheLogHasThem()
      throws Exception {
    wm.stubFor(gql("BuildLogs").atPriority(10).willReturn(data(logs("BUILDING",
        T1, "step", T2, "", T2, ""))));
    wm.stubFor(gql("BuildLogs").atPriority(1)
        .withRequestBody(matchingJsonPath("$.variables.startDate", equalTo(T2)))
        .willReturn(data(logs("FAILED", T2, "", T2, "", T2, "", T3, "error: boom"))));
    wm.stubFor(gql("BuildLogs").atPriority(1)
        .withRequestBody(matchingJsonPath("$.variables.startDate", equalTo(T3)))
        .willReturn(data(logs("FAILED", T3, "error: boom"))));
    Sink sink = new Sink();

    service().streamBuildLogs(PROJECT, DEPLOYMENT_ID, sink).done().get(10, TimeUnit.SECONDS);

    assertThat(sink.lines).containsExactly("step", "", "", "", "error: boom");
    assertThat(sink.completions.get()).isEqualTo(1);
  }

  @Test
  void streamBuildLogs_whenAPollFailsTemporarily_goesOn() throws Exception {
    RailwayStubs.stubLogs(wm, "SUCCESS");
    wm.stubFor(gql("BuildLogs").atPriority(0).inScenario("flaky")
        .whenScenarioStateIs(Scenario.STARTED).willSetStateTo("ok")
        .willReturn(serviceUnavailable()));
    Sink sink = new Sink();

    service().streamBuildLogs(PROJECT, DEPLOYMENT_ID, sink).done().get(10, TimeUnit.SECONDS);

    assertThat(sink.lines).containsExactlyElementsOf(LOG_LINES);
    assertThat(sink.failure.get()).isNull();
  }

  @Test
  void streamBuildLogs_whenTheTokenIsRefused_tellsTheSinkAndEnds() {
    wm.stubFor(gql("BuildLogs").willReturn(errors("Not Authorized")));
    Sink sink = new Sink();

    LogStream stream = service().streamBuildLogs(PROJECT, DEPLOYMENT_ID, sink);

    await().atMost(Duration.ofSeconds(10)).until(() -> stream.done().isDone());
    assertThat(stream.done()).isCompletedExceptionally();
    assertThat(sink.failure.get()).isInstanceOfSatisfying(DeploymentException.class,
        e -> assertThat(e.code()).isEqualTo(ErrorCode.AUTH_FAILED));
    assertThat(sink.completions.get()).isZero();
    wm.verify(1, gqlRequested("BuildLogs"));
  }

  @Test
  void streamBuildLogs_whenClosed_stopsPollingAndDeliversNothingMore() {
    wm.stubFor(gql("BuildLogs").willReturn(data(logs("BUILDING", T1, "one"))));
    Sink sink = new Sink();
    LogStream stream = service().streamBuildLogs(PROJECT, DEPLOYMENT_ID, sink);
    await().atMost(Duration.ofSeconds(10)).until(() -> !sink.lines.isEmpty());

    stream.close();
    int polls = wm.findAll(gqlRequested("BuildLogs")).size();

    assertThat(stream.done()).isCompleted();
    await().during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(2))
        .until(() -> wm.findAll(gqlRequested("BuildLogs")).size() <= polls + 1);
    assertThat(sink.lines).containsExactly("one");
    assertThat(sink.completions.get()).isZero();
  }

  // ------------------------------------------------------------------------------ helpers

  private static com.github.tomakehurst.wiremock.matching.StringValuePattern variables(
      String json) {
    return matchingJsonPath("$.variables", equalToJson(json));
  }

  private static <T> T join(CompletableFuture<T> f) throws Exception {
    try {
      return f.get(10, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw new AssertionError("failed: " + e.getCause(), e.getCause());
    }
  }

  static DeploymentException failure(CompletableFuture<?> f) {
    try {
      Object v = f.get(10, TimeUnit.SECONDS);
      return fail("succeeded with " + v);
    } catch (ExecutionException e) {
      assertThat(e.getCause()).isInstanceOf(DeploymentException.class);
      DeploymentException de = (DeploymentException) e.getCause();
      assertThat(de.getMessage()).doesNotContain(CANARY);
      assertThat(de.error().toString()).doesNotContain(CANARY);
      return de;
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  static boolean isGzip(byte[] body) {
    return body.length > 2 && (body[0] & 0xff) == 0x1f && (body[1] & 0xff) == 0x8b;
  }

  record TarFile(boolean directory, int mode, byte[] bytes) {}

  /** Reads a tar; un-gzips it first when it is gzipped (WireMock un-gzips bodies it logs). */
  static Map<String, TarFile> untar(byte[] body) throws IOException {
    Map<String, TarFile> out = new LinkedHashMap<>();
    java.io.InputStream in = new ByteArrayInputStream(body);
    if (isGzip(body)) {
      in = new GzipCompressorInputStream(in);
    }
    try (TarArchiveInputStream tar = new TarArchiveInputStream(in)) {
      TarArchiveEntry e;
      while ((e = tar.getNextEntry()) != null) {
        out.put(e.getName(), new TarFile(e.isDirectory(), e.getMode(), tar.readAllBytes()));
      }
    }
    return out;
  }

  static final class Sink implements LogSink {
    final List<String> lines = Collections.synchronizedList(new ArrayList<>());
    final AtomicInteger completions = new AtomicInteger();
    final AtomicReference<Throwable> failure = new AtomicReference<>();

    @Override
    public void line(String line) {
      lines.add(line);
    }

    @Override
    public void completed() {
      completions.incrementAndGet();
    }

    @Override
    public void failed(Throwable cause) {
      failure.set(cause);
    }
  }
}
