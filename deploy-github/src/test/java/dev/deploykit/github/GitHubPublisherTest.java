package dev.deploykit.github;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.notFound;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.patch;
import static com.github.tomakehurst.wiremock.client.WireMock.patchRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import dev.deploykit.core.DeploymentException;
import dev.deploykit.core.ErrorCode;
import dev.deploykit.core.GeneratedFile;
import dev.deploykit.core.UploadProgress;
import dev.deploykit.core.spi.PlatformContext;
import dev.deploykit.testing.TestPlatformContexts;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class GitHubPublisherTest {
  static final String CANARY = "Cnry7GhTok9";
  static final String TOKEN = "ghp_" + CANARY + "xYz0123456789abcdefABCDEF";

  @RegisterExtension
  static WireMockExtension wm = WireMockExtension.newInstance()
      .options(wireMockConfig().dynamicPort()).build();

  private ScheduledExecutorService scheduler;
  private final List<Throwable> failures = new ArrayList<>();

  static final byte[] BINARY = new byte[256];

  static {
    for (int i = 0; i < BINARY.length; i++) {
      BINARY[i] = (byte) i;
    }
  }

  static List<GeneratedFile> files() {
    return List.of(
        GeneratedFile.text("package.json", "{\"name\":\"my-app\"}\n"),
        GeneratedFile.of("bin/start.sh", "#!/bin/sh\nnode server.js\n".getBytes(), 0755),
        GeneratedFile.of("public/logo.png", BINARY, 0644));
  }

  static String b64(byte[] bytes) {
    return Base64.getEncoder().encodeToString(bytes);
  }

  @BeforeEach
  void setUp() {
    scheduler = Executors.newSingleThreadScheduledExecutor();
  }

  @AfterEach
  void tearDown() {
    scheduler.shutdownNow();
    for (Throwable t : failures) {
      assertThat(String.valueOf(t.getMessage())).doesNotContain(CANARY);
      DeploymentException d = GitHubPublisher.deploymentException(t);
      if (d != null) {
        assertThat(d.error().toString()).doesNotContain(CANARY);
      }
    }
    TestLogs.assertNoCanary(CANARY);
  }

  private PlatformContext context(Map<String, String> extra) {
    Map<String, String> settings = new HashMap<>(extra);
    settings.put("apiUrl", wm.baseUrl());
    return TestPlatformContexts.create("github", TOKEN, scheduler, settings);
  }

  private GitHubPublisher publisher() {
    return GitHubPublisher.create(context(Map.of()));
  }

  private DeploymentException failure(CompletableFuture<?> future) {
    Throwable thrown = null;
    try {
      future.get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      thrown = e.getCause() != null ? e.getCause() : e;
    }
    assertThat(thrown).as("the future's failure").isInstanceOf(DeploymentException.class);
    failures.add(thrown);
    return (DeploymentException) thrown;
  }

  static <T> T join(CompletableFuture<T> future) {
    try {
      return future.get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError("failed: " + e, e);
    }
  }

  // ---- stubs ---------------------------------------------------------------------------

  static void stubUser() {
    wm.stubFor(get("/user").willReturn(okJson("{\"login\":\"octo\",\"id\":1}")));
  }

  static String repoJson(String owner, String name, boolean push) {
    return "{\"name\":\"" + name + "\",\"full_name\":\"" + owner + "/" + name + "\","
        + "\"owner\":{\"login\":\"" + owner + "\"},\"private\":true,"
        + "\"html_url\":\"https://github.com/" + owner + "/" + name + "\","
        + "\"clone_url\":\"https://github.com/" + owner + "/" + name + ".git\","
        + "\"default_branch\":\"main\",\"permissions\":{\"admin\":" + push + ",\"push\":" + push
        + ",\"pull\":true}}";
  }

  static void stubNewRepository() {
    wm.stubFor(get("/repos/octo/my-app").willReturn(notFound()
        .withHeader("Content-Type", "application/json")
        .withBody("{\"message\":\"Not Found\"}")));
    wm.stubFor(post("/user/repos").willReturn(aResponse().withStatus(201)
        .withHeader("Content-Type", "application/json")
        .withBody(repoJson("octo", "my-app", true))));
  }

  static void stubHead(String commit, String tree) {
    wm.stubFor(get("/repos/octo/my-app/git/ref/heads/main").willReturn(okJson(
        "{\"ref\":\"refs/heads/main\",\"object\":{\"sha\":\"" + commit + "\",\"type\":\"commit\"}}")));
    wm.stubFor(get("/repos/octo/my-app/git/commits/" + commit).willReturn(okJson(
        "{\"sha\":\"" + commit + "\",\"tree\":{\"sha\":\"" + tree + "\"}}")));
  }

  static void stubBlobsTreeCommitRef(String tree) {
    List<GeneratedFile> files = files();
    for (int i = 0; i < files.size(); i++) {
      wm.stubFor(post("/repos/octo/my-app/git/blobs")
          .withRequestBody(matchingJsonPath("$.content", equalTo(b64(files.get(i).bytes()))))
          .willReturn(aResponse().withStatus(201).withHeader("Content-Type", "application/json")
              .withBody("{\"sha\":\"blob" + i + "\",\"url\":\"x\"}")));
    }
    wm.stubFor(post("/repos/octo/my-app/git/trees").willReturn(aResponse().withStatus(201)
        .withHeader("Content-Type", "application/json").withBody("{\"sha\":\"" + tree + "\"}")));
    wm.stubFor(post("/repos/octo/my-app/git/commits").willReturn(aResponse().withStatus(201)
        .withHeader("Content-Type", "application/json").withBody("{\"sha\":\"commit1\"}")));
    wm.stubFor(patch(urlPathEqualTo("/repos/octo/my-app/git/refs/heads/main")).willReturn(okJson(
        "{\"ref\":\"refs/heads/main\",\"object\":{\"sha\":\"commit1\"}}")));
  }

  static final String TREE_JSON = "{\"tree\":["
      + "{\"path\":\"package.json\",\"mode\":\"100644\",\"type\":\"blob\",\"sha\":\"blob0\"},"
      + "{\"path\":\"bin/start.sh\",\"mode\":\"100755\",\"type\":\"blob\",\"sha\":\"blob1\"},"
      + "{\"path\":\"public/logo.png\",\"mode\":\"100644\",\"type\":\"blob\",\"sha\":\"blob2\"}]}";

  private static List<String> requestLines() {
    List<ServeEvent> events = new ArrayList<>(wm.getAllServeEvents());
    events.sort(Comparator.comparing(e -> e.getRequest().getLoggedDate()));
    List<String> out = new ArrayList<>();
    for (ServeEvent e : events) {
      out.add(e.getRequest().getMethod() + " " + e.getRequest().getUrl());
    }
    return out;
  }

  // ---- tests ---------------------------------------------------------------------------

  @Test
  void publish_whenRepositoryIsNew_createsItThenBlobsTreeCommitAndFastForward() {
    stubUser();
    stubNewRepository();
    stubHead("commit0", "tree0");
    stubBlobsTreeCommitRef("tree1");
    List<UploadProgress> progress = new CopyOnWriteArrayList<>();

    PublishResult result = join(publisher().repository("my-app")
        .thenCompose(repo -> publisher().publish(repo, files(), progress::add)));

    assertThat(result.commitSha()).isEqualTo("commit1");
    assertThat(result.changed()).isTrue();
    assertThat(result.branch()).isEqualTo("main");
    assertThat(result.repository().htmlUrl()).hasToString("https://github.com/octo/my-app");
    assertThat(result.repository().created()).isTrue();
    assertThat(result.filesUploaded()).isEqualTo(3);
    assertThat(result.bytesUploaded()).isEqualTo(files().stream().mapToLong(GeneratedFile::size).sum());
    assertThat(progress).hasSize(3).last()
        .isEqualTo(new UploadProgress(3, 3, result.bytesUploaded(), result.bytesUploaded()));

    // The headers GitHub requires, on every request.
    for (ServeEvent e : wm.getAllServeEvents()) {
      assertThat(e.getRequest().getHeader("Authorization")).isEqualTo("Bearer " + TOKEN);
      assertThat(e.getRequest().getHeader("Accept")).isEqualTo("application/vnd.github+json");
      assertThat(e.getRequest().getHeader("X-GitHub-Api-Version")).isEqualTo("2022-11-28");
      assertThat(e.getRequest().getHeader("User-Agent")).startsWith("deploykit-java/");
    }
    wm.verify(postRequestedFor(urlPathEqualTo("/user/repos"))
        .withHeader("Content-Type", equalTo("application/json"))
        .withRequestBody(equalToJson("{\"name\":\"my-app\",\"private\":true,\"auto_init\":true}",
            true, true)));
    // Binary-safe: each file's exact bytes, base64.
    for (GeneratedFile f : files()) {
      wm.verify(1, postRequestedFor(urlPathEqualTo("/repos/octo/my-app/git/blobs"))
          .withRequestBody(equalToJson("{\"content\":\"" + b64(f.bytes())
              + "\",\"encoding\":\"base64\"}", false, false)));
    }
    // One tree with exactly the files, their paths and modes, and no base_tree.
    wm.verify(1, postRequestedFor(urlPathEqualTo("/repos/octo/my-app/git/trees"))
        .withRequestBody(equalToJson(TREE_JSON, false, false)));
    wm.verify(1, postRequestedFor(urlPathEqualTo("/repos/octo/my-app/git/commits"))
        .withRequestBody(equalToJson("{\"tree\":\"tree1\",\"parents\":[\"commit0\"],"
            + "\"message\":\"Publish 3 files with deploykit\"}", false, false)));
    wm.verify(1, patchRequestedFor(urlPathEqualTo("/repos/octo/my-app/git/refs/heads/main"))
        .withRequestBody(equalToJson("{\"sha\":\"commit1\",\"force\":false}", false, false)));

    List<String> lines = requestLines();
    assertThat(lines.subList(0, 5)).containsExactly(
        "GET /user", "GET /repos/octo/my-app", "POST /user/repos",
        "GET /repos/octo/my-app/git/ref/heads/main", "GET /repos/octo/my-app/git/commits/commit0");
    assertThat(lines.subList(5, 8)).containsOnly("POST /repos/octo/my-app/git/blobs");
    assertThat(lines.subList(8, lines.size())).containsExactly(
        "POST /repos/octo/my-app/git/trees", "POST /repos/octo/my-app/git/commits",
        "PATCH /repos/octo/my-app/git/refs/heads/main");
  }

  @Test
  void repository_whenItExistsAndTokenCanPush_reusesItWithoutCreating() {
    stubUser();
    wm.stubFor(get("/repos/octo/my-app").willReturn(okJson(repoJson("octo", "my-app", true))));

    GitHubRepository repo = join(publisher().repository("my-app"));

    assertThat(repo.created()).isFalse();
    assertThat(repo.fullName()).isEqualTo("octo/my-app");
    wm.verify(0, postRequestedFor(urlPathEqualTo("/user/repos")));
  }

  @Test
  void repository_whenItExistsButTokenCannotPush_failsProjectNameTaken() {
    stubUser();
    wm.stubFor(get("/repos/octo/my-app").willReturn(okJson(repoJson("octo", "my-app", false))));

    DeploymentException e = failure(publisher().repository("my-app"));

    assertThat(e.code()).isEqualTo(ErrorCode.PROJECT_NAME_TAKEN);
    assertThat(e.getMessage()).contains("octo/my-app").contains("cannot push");
    wm.verify(0, postRequestedFor(urlPathEqualTo("/user/repos")));
  }

  @Test
  void repository_whenOrganizationAnswers422NameExists_failsProjectNameTaken() {
    wm.stubFor(get("/repos/acme/my-app").willReturn(notFound()));
    wm.stubFor(post("/orgs/acme/repos").willReturn(aResponse().withStatus(422)
        .withHeader("Content-Type", "application/json")
        .withHeader("x-github-request-id", "ABCD:1234")
        .withBody("{\"message\":\"Repository creation failed.\",\"errors\":[{\"resource\":"
            + "\"Repository\",\"code\":\"custom\",\"field\":\"name\",\"message\":"
            + "\"name already exists on this account\"}],\"documentation_url\":\"https://docs\"}")));

    DeploymentException e = failure(GitHubPublisher.create(context(Map.of("org", "acme",
        "private", "false"))).repository("my-app"));

    assertThat(e.code()).isEqualTo(ErrorCode.PROJECT_NAME_TAKEN);
    assertThat(e.error().httpStatus()).isEqualTo(422);
    assertThat(e.error().requestId()).isEqualTo("ABCD:1234");
    assertThat(e.getMessage()).contains("acme/my-app");
    wm.verify(postRequestedFor(urlPathEqualTo("/orgs/acme/repos"))
        .withRequestBody(equalToJson("{\"name\":\"my-app\",\"private\":false,\"auto_init\":true}",
            true, true)));
    wm.verify(2, getRequestedFor(urlPathEqualTo("/repos/acme/my-app")));
    wm.verify(0, getRequestedFor(urlPathEqualTo("/user")));
  }

  @Test
  void repository_whenNameIsNotARepositoryName_failsInvalidConfigWithoutARequest() {
    DeploymentException e = failure(publisher().repository("my app/../x"));

    assertThat(e.code()).isEqualTo(ErrorCode.INVALID_CONFIG);
    assertThat(e.getMessage()).contains("letters, digits");
    assertThat(wm.getAllServeEvents()).isEmpty();
  }

  @Test
  void publish_whenRepositoryIsEmpty_seedsItWithContentsApiThenCommitsOnTheSeed() {
    wm.stubFor(get("/repos/octo/my-app/git/ref/heads/main").inScenario("empty")
        .whenScenarioStateIs(Scenario.STARTED)
        .willReturn(aResponse().withStatus(409).withHeader("Content-Type", "application/json")
            .withBody("{\"message\":\"Git Repository is empty.\"}")));
    wm.stubFor(put("/repos/octo/my-app/contents/README.md").inScenario("empty")
        .willSetStateTo("seeded").willReturn(aResponse().withStatus(201)
            .withHeader("Content-Type", "application/json")
            .withBody("{\"content\":{\"sha\":\"r1\"},\"commit\":{\"sha\":\"seed1\"}}")));
    wm.stubFor(get("/repos/octo/my-app/git/ref/heads/main").inScenario("empty")
        .whenScenarioStateIs("seeded").willReturn(okJson(
            "{\"ref\":\"refs/heads/main\",\"object\":{\"sha\":\"seed1\"}}")));
    wm.stubFor(get("/repos/octo/my-app/git/commits/seed1").willReturn(okJson(
        "{\"sha\":\"seed1\",\"tree\":{\"sha\":\"seedtree\"}}")));
    stubBlobsTreeCommitRef("tree1");

    PublishResult result = join(publisher().publish(existing(), files(), p -> {}));

    assertThat(result.commitSha()).isEqualTo("commit1");
    wm.verify(putRequestedFor(urlPathEqualTo("/repos/octo/my-app/contents/README.md"))
        .withRequestBody(equalToJson("{\"message\":\"Initialise the repository\",\"content\":\""
            + b64("# my-app\n".getBytes()) + "\",\"branch\":\"main\"}", false, false)));
    wm.verify(postRequestedFor(urlPathEqualTo("/repos/octo/my-app/git/commits"))
        .withRequestBody(matchingJsonPath("$.parents[0]", equalTo("seed1"))));
  }

  @Test
  void publish_whenBlobsAnswer409Empty_failsUploadFailedNotNameTaken() {
    stubHead("commit0", "tree0");
    wm.stubFor(post("/repos/octo/my-app/git/blobs").willReturn(aResponse().withStatus(409)
        .withHeader("Content-Type", "application/json")
        .withBody("{\"message\":\"Git Repository is empty.\"}")));

    DeploymentException e = failure(publisher().publish(existing(), files(), p -> {}));

    assertThat(e.code()).isEqualTo(ErrorCode.UPLOAD_FAILED);
    assertThat(e.getMessage()).contains("Git Repository is empty");
    wm.verify(0, postRequestedFor(urlPathEqualTo("/repos/octo/my-app/git/trees")));
  }

  @Test
  void publish_whenBranchMovedMeanwhile_failsUploadFailedAndNeverForces() {
    stubHead("commit0", "tree0");
    stubBlobsTreeCommitRef("tree1");
    wm.stubFor(patch(urlPathEqualTo("/repos/octo/my-app/git/refs/heads/main")).willReturn(
        aResponse().withStatus(422).withHeader("Content-Type", "application/json")
            .withBody("{\"message\":\"Update is not a fast forward\"}")));

    DeploymentException e = failure(publisher().publish(existing(), files(), p -> {}));

    assertThat(e.code()).isEqualTo(ErrorCode.UPLOAD_FAILED);
    assertThat(e.error().httpStatus()).isEqualTo(422);
    assertThat(e.getMessage()).contains("not a fast-forward").contains("Nothing was overwritten");
    wm.verify(1, patchRequestedFor(urlPathEqualTo("/repos/octo/my-app/git/refs/heads/main")));
    wm.verify(0, patchRequestedFor(urlPathEqualTo("/repos/octo/my-app/git/refs/heads/main"))
        .withRequestBody(matchingJsonPath("$.force", equalTo("true"))));
  }

  @Test
  void publish_whenForceIsAsked_sendsForceTrue() {
    stubHead("commit0", "tree0");
    stubBlobsTreeCommitRef("tree1");

    join(GitHubPublisher.builder(context(Map.of())).force(true).build()
        .publish(existing(), files(), p -> {}));

    wm.verify(patchRequestedFor(urlPathEqualTo("/repos/octo/my-app/git/refs/heads/main"))
        .withRequestBody(equalToJson("{\"sha\":\"commit1\",\"force\":true}", false, false)));
  }

  @Test
  void publish_whenBranchAlreadyHoldsTheseFiles_makesNoCommit() {
    stubHead("commit0", "tree1");
    stubBlobsTreeCommitRef("tree1");

    PublishResult result = join(publisher().publish(existing(), files(), p -> {}));

    assertThat(result.changed()).isFalse();
    assertThat(result.commitSha()).isEqualTo("commit0");
    wm.verify(0, postRequestedFor(urlPathEqualTo("/repos/octo/my-app/git/commits")));
    wm.verify(0, patchRequestedFor(urlPathEqualTo("/repos/octo/my-app/git/refs/heads/main")));
  }

  @Test
  void publish_whenBranchDoesNotExist_makesARootCommitAndCreatesTheRef() {
    wm.stubFor(get(urlPathEqualTo("/repos/octo/my-app/git/ref/heads/deploy")).willReturn(notFound()));
    wm.stubFor(get(urlPathEqualTo("/repos/octo/my-app/git/refs/heads/deploy")).willReturn(notFound()));
    stubBlobsTreeCommitRef("tree1");
    wm.stubFor(post("/repos/octo/my-app/git/refs").willReturn(aResponse().withStatus(201)
        .withHeader("Content-Type", "application/json").withBody("{\"ref\":\"refs/heads/deploy\"}")));

    PublishResult result = join(GitHubPublisher.create(context(Map.of("branch", "deploy")))
        .publish(existing(), files(), p -> {}));

    assertThat(result.branch()).isEqualTo("deploy");
    wm.verify(postRequestedFor(urlPathEqualTo("/repos/octo/my-app/git/commits"))
        .withRequestBody(matchingJsonPath("$.parents.size()", equalTo("0"))));
    wm.verify(postRequestedFor(urlPathEqualTo("/repos/octo/my-app/git/refs"))
        .withRequestBody(equalToJson("{\"ref\":\"refs/heads/deploy\",\"sha\":\"commit1\"}")));
  }

  @Test
  void publish_whenOnlyTheOlderRefsPathAnswers_readsTheExactRefFromItsList() {
    wm.stubFor(get("/repos/octo/my-app/git/ref/heads/main").willReturn(notFound()));
    wm.stubFor(get("/repos/octo/my-app/git/refs/heads/main").willReturn(okJson("["
        + "{\"ref\":\"refs/heads/main-old\",\"object\":{\"sha\":\"wrong\"}},"
        + "{\"ref\":\"refs/heads/main\",\"object\":{\"sha\":\"commit0\"}}]")));
    wm.stubFor(get("/repos/octo/my-app/git/commits/commit0").willReturn(okJson(
        "{\"sha\":\"commit0\",\"tree\":{\"sha\":\"tree0\"}}")));
    stubBlobsTreeCommitRef("tree1");

    join(publisher().publish(existing(), files(), p -> {}));

    wm.verify(postRequestedFor(urlPathEqualTo("/repos/octo/my-app/git/commits"))
        .withRequestBody(matchingJsonPath("$.parents[0]", equalTo("commit0"))));
  }

  @Test
  void publish_withBlobConcurrencyTwo_neverRunsMoreThanTwoBlobsAtOnce() {
    stubHead("commit0", "tree0");
    wm.stubFor(post("/repos/octo/my-app/git/blobs").willReturn(aResponse().withStatus(201)
        .withFixedDelay(150).withHeader("Content-Type", "application/json")
        .withBody("{\"sha\":\"b\"}")));
    wm.stubFor(post("/repos/octo/my-app/git/trees").willReturn(okJson("{\"sha\":\"tree0\"}")));
    List<GeneratedFile> six = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      six.add(GeneratedFile.text("f" + i + ".txt", "file " + i));
    }
    long start = System.nanoTime();

    join(GitHubPublisher.builder(context(Map.of())).blobConcurrency(2).build()
        .publish(existing(), six, p -> {}));

    // Six 150 ms blobs two at a time take at least three rounds.
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(
        Duration.ofMillis(450));
    wm.verify(6, postRequestedFor(urlPathEqualTo("/repos/octo/my-app/git/blobs")));
  }

  @Test
  void publish_whenTwoFilesShareAPath_failsInvalidConfigWithoutARequest() {
    DeploymentException e = failure(publisher().publish(existing(),
        List.of(GeneratedFile.text("a.txt", "1"), GeneratedFile.text("a.txt", "2")), p -> {}));

    assertThat(e.code()).isEqualTo(ErrorCode.INVALID_CONFIG);
    assertThat(wm.getAllServeEvents()).isEmpty();
  }

  // ---- errors ------------------------------------------------------------------------

  @Test
  void repository_when401_failsAuthFailed() {
    wm.stubFor(get("/user").willReturn(aResponse().withStatus(401)
        .withHeader("Content-Type", "application/json")
        .withBody("{\"message\":\"Bad credentials " + TOKEN + "\"}")));

    DeploymentException e = failure(publisher().repository("my-app"));

    assertThat(e.code()).isEqualTo(ErrorCode.AUTH_FAILED);
    assertThat(e.error().platform()).isEqualTo("github");
    assertThat(e.getMessage()).contains("Bad credentials").doesNotContain(CANARY);
  }

  @Test
  void publish_when403WithAcceptedPermissions_failsInsufficientPermissionsNamingThem() {
    stubHead("commit0", "tree0");
    wm.stubFor(post("/repos/octo/my-app/git/blobs").willReturn(aResponse().withStatus(403)
        .withHeader("Content-Type", "application/json")
        .withHeader("X-Accepted-GitHub-Permissions", "contents=write")
        .withBody("{\"message\":\"Resource not accessible by personal access token\"}")));

    DeploymentException e = failure(publisher().publish(existing(), files(), p -> {}));

    assertThat(e.code()).isEqualTo(ErrorCode.INSUFFICIENT_PERMISSIONS);
    assertThat(e.getMessage()).contains("Resource not accessible").contains("contents=write");
  }

  @Test
  void publish_when404OnAPrivateRepository_failsInsufficientPermissions() {
    wm.stubFor(get(urlPathEqualTo("/repos/octo/my-app/git/ref/heads/main")).willReturn(okJson(
        "{\"object\":{\"sha\":\"commit0\"}}")));
    wm.stubFor(get("/repos/octo/my-app/git/commits/commit0").willReturn(aResponse()
        .withStatus(404).withHeader("X-Accepted-GitHub-Permissions", "contents=read")
        .withHeader("Content-Type", "application/json").withBody("{\"message\":\"Not Found\"}")));

    DeploymentException e = failure(publisher().publish(existing(), files(), p -> {}));

    assertThat(e.code()).isEqualTo(ErrorCode.INSUFFICIENT_PERMISSIONS);
    assertThat(e.error().httpStatus()).isEqualTo(404);
    assertThat(e.getMessage()).contains("private").contains("contents=read");
  }

  @Test
  void repository_when403RateLimitRemainingZero_failsRateLimitWithResetTime() {
    Instant reset = Instant.now().plusSeconds(120).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
    wm.stubFor(get("/user").willReturn(aResponse().withStatus(403)
        .withHeader("Content-Type", "application/json")
        .withHeader("x-ratelimit-remaining", "0")
        .withHeader("x-ratelimit-reset", String.valueOf(reset.getEpochSecond()))
        .withBody("{\"message\":\"API rate limit exceeded for user ID 1.\"}")));

    DeploymentException e = failure(publisher().repository("my-app"));

    assertThat(e.code()).isEqualTo(ErrorCode.RATE_LIMIT_EXCEEDED);
    assertThat(e.error().retryAfter()).isBetween(Duration.ofSeconds(100), Duration.ofSeconds(121));
    assertThat(e.getMessage()).contains("resets at " + reset);
  }

  @Test
  void repository_when429WithRetryAfter_failsRateLimitWithThatWait() {
    wm.stubFor(get("/user").willReturn(aResponse().withStatus(429)
        .withHeader("Retry-After", "60").withHeader("Content-Type", "application/json")
        .withBody("{\"message\":\"You have exceeded a secondary rate limit.\"}")));

    DeploymentException e = failure(publisher().repository("my-app"));

    assertThat(e.code()).isEqualTo(ErrorCode.RATE_LIMIT_EXCEEDED);
    assertThat(e.error().retryAfter()).isEqualTo(Duration.ofSeconds(60));
  }

  @Test
  void repository_when500_failsPlatformUnavailable() {
    wm.stubFor(get("/user").willReturn(aResponse().withStatus(502).withBody("<html>bad</html>")));

    DeploymentException e = failure(publisher().repository("my-app"));

    assertThat(e.code()).isEqualTo(ErrorCode.PLATFORM_UNAVAILABLE);
    assertThat(e.getMessage()).doesNotContain("<html>");
  }

  @Test
  void publish_whenAnswerLacksSha_failsPlatformUnavailableNotAJacksonError() {
    stubHead("commit0", "tree0");
    wm.stubFor(post("/repos/octo/my-app/git/blobs").willReturn(okJson("{\"nope\":true}")));

    DeploymentException e = failure(publisher().publish(existing(), files(), p -> {}));

    assertThat(e.code()).isEqualTo(ErrorCode.PLATFORM_UNAVAILABLE);
    assertThat(e.getMessage()).contains("without 'sha'");
  }

  @Test
  void create_whenSettingsAreInvalid_throwsInvalidConfig() {
    assertThatThrownBy(() -> GitHubPublisher.create(context(Map.of("private", "yes"))))
        .isInstanceOf(DeploymentException.class).hasMessageContaining("github.private")
        .extracting(t -> ((DeploymentException) t).code()).isEqualTo(ErrorCode.INVALID_CONFIG);
    assertThatThrownBy(() -> GitHubPublisher.create(context(Map.of("blobConcurrency", "0"))))
        .isInstanceOf(DeploymentException.class).hasMessageContaining("blobConcurrency");
    assertThatThrownBy(() -> GitHubPublisher.create(context(Map.of("branch", "a..b"))))
        .isInstanceOf(DeploymentException.class).hasMessageContaining("branch");
  }

  static GitHubRepository existing() {
    return new GitHubRepository("octo", "my-app",
        java.net.URI.create("https://github.com/octo/my-app"), "main", true, false);
  }

}
