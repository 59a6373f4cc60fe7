package dev.deploykit.examples.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.deploykit.core.DeploymentStatus;
import dev.deploykit.env.EnvironmentSchema;
import dev.deploykit.env.EnvironmentVariableDetector;
import dev.deploykit.env.ScaffoldConfig;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The console's HTTP API without a browser: exact answers, refusals, SSE replay, the ZIP. */
class WebConsoleHttpTest {
  static final String CANARY = "CanaryHttp5Vb8";
  static final String DATABASE_URL =
      "postgresql://app_user:" + CANARY + "@db.internal:5432/app_db?sslmode=require";
  static final String ANTHROPIC_KEY =
      "sk-ant-api03-" + CANARY + "Xq8Rb2Nw5Tz1Hc7Jf3Pv6Ld0Ks4Mg9Ay2Ue5Io8Wr1";
  static final String SAMPLE = "{\"database\":\"prisma-postgres\",\"auth\":\"nextauth\","
      + "\"aiTemplate\":\"chatbot\",\"aiProvider\":\"anthropic\"}";
  static final List<String> BUILD_LOG = List.of("one", "two", "three");

  static WebConsole console;
  static final HttpClient http = HttpClient.newHttpClient();
  static final ObjectMapper mapper = new ObjectMapper();

  @BeforeAll
  static void start() throws IOException {
    console = WebConsole.start(WebConsole.Options.defaults().withPort(0)
        .withBuild(Duration.ofMillis(150), BUILD_LOG).withDiscoverPlatforms(false));
  }

  @AfterAll
  static void stop() {
    console.close();
  }

  @Test
  void options_listTheScaffoldChoicesAndThePlatforms() throws Exception {
    JsonNode body = json(get("/api/options"), 200);
    assertThat(body.at("/scaffold/database").toString())
        .isEqualTo("[\"prisma-postgres\",\"drizzle-postgres\",\"mongodb\",\"supabase\"]");
    assertThat(body.at("/scaffold/aiProvider").toString()).contains("\"anthropic\"", "\"openai\"");
    assertThat(body.at("/scaffold/services").toString()).contains("\"redis\"");
    assertThat(body.get("platforms").toString()).isEqualTo("[\"memory\"]");
    assertThat(body.get("defaultPlatform").asText()).isEqualTo("memory");
  }

  @Test
  void schema_isTheLibrarysJsonSchemaExportForTheScaffold() throws Exception {
    JsonNode body = json(post("/api/schema", "{\"scaffold\":" + SAMPLE + "}"), 200);
    ScaffoldConfig scaffold = ScaffoldConfig.builder().database("prisma-postgres").auth("nextauth")
        .aiTemplate("chatbot").aiProvider("anthropic").build();
    JsonNode expected = mapper.readTree(
        EnvironmentSchema.toJson(EnvironmentVariableDetector.create().detect(scaffold)));
    assertThat(body.get("schema")).isEqualTo(expected);
    assertThat(body.at("/schema/properties/DATABASE_URL/x-sensitive").asBoolean()).isTrue();
  }

  @Test
  void schema_whenTheScaffoldDoesNotFit_namesTheFieldAndTheChoices() throws Exception {
    JsonNode body = json(post("/api/schema", "{\"scaffold\":{\"aiTemplate\":\"chatbot\"}}"), 400);
    assertThat(body.at("/error/code").asText()).isEqualTo("INVALID_SCAFFOLD");
    assertThat(body.at("/error/field").asText()).isEqualTo("aiProvider");
    assertThat(body.at("/error/message").asText()).contains("needs an aiProvider", "anthropic");

    JsonNode unknown = json(post("/api/schema", "{\"scaffold\":{\"database\":\"oracle\"}}"), 400);
    assertThat(unknown.at("/error/field").asText()).isEqualTo("database");
  }

  @Test
  void validate_returnsTheValidatorsMessages_neverTheSensitiveValue() throws Exception {
    String bad = "mysql://app_user:" + CANARY + "@db.internal/app";
    HttpResponse<String> response = post("/api/validate", "{\"scaffold\":" + SAMPLE
        + ",\"values\":{\"DATABASE_URL\":\"" + bad + "\"}}");
    JsonNode body = json(response, 200);
    assertThat(body.get("valid").asBoolean()).isFalse();
    assertThat(body.at("/errors/DATABASE_URL").asText()).contains("must start with postgres");
    assertThat(body.at("/errors/NEXTAUTH_SECRET").asText()).contains("is required");
    assertThat(response.body()).doesNotContain(CANARY);

    JsonNode good = json(post("/api/validate", validForm(generateHandle())), 200);
    assertThat(good.get("valid").asBoolean()).isTrue();
    assertThat(good.get("errors").size()).isZero();
  }

  @Test
  void generate_keepsTheSecretOnTheServer_andAnUnknownHandleIsAFieldError() throws Exception {
    HttpResponse<String> response = post("/api/generate",
        "{\"scaffold\":" + SAMPLE + ",\"key\":\"NEXTAUTH_SECRET\"}");
    JsonNode body = json(response, 200);
    assertThat(body.get("handle").asText()).matches("gen_[0-9a-f]{32}");
    assertThat(body.get("length").asInt()).isEqualTo(44);
    assertThat(body.fieldNames()).toIterable().containsExactlyInAnyOrder("key", "handle", "length");

    JsonNode notGeneratable = json(post("/api/generate",
        "{\"scaffold\":" + SAMPLE + ",\"key\":\"DATABASE_URL\"}"), 400);
    assertThat(notGeneratable.at("/error/message").asText()).contains("not generatable");
    assertThat(json(post("/api/generate", "{\"scaffold\":" + SAMPLE + ",\"key\":\"NOPE\"}"), 400)
        .at("/error/code").asText()).isEqualTo("UNKNOWN_VARIABLE");

    JsonNode expired = json(post("/api/validate", validForm("gen_00000000000000000000000000000000")), 200);
    assertThat(expired.at("/errors/NEXTAUTH_SECRET").asText()).contains("press Generate again");
  }

  @Test
  void deploy_refusesBadInputWithATypedMessage() throws Exception {
    JsonNode invalid = json(post("/api/deploy", "{\"projectName\":\"x\",\"scaffold\":" + SAMPLE
        + ",\"values\":{\"DATABASE_URL\":\"" + DATABASE_URL + "\"}}"), 422);
    assertThat(invalid.at("/error/code").asText()).isEqualTo("INVALID_VARIABLES");
    assertThat(invalid.at("/errors/ANTHROPIC_API_KEY").asText()).contains("is required");

    String form = validForm(generateHandle());
    JsonNode platform = json(post("/api/deploy", withFields(form, "\"platform\":\"heroku\","
        + "\"projectName\":\"x\"")), 400);
    assertThat(platform.at("/error/message").asText()).contains("Unknown platform 'heroku'", "memory");
    JsonNode name = json(post("/api/deploy", withFields(form, "\"projectName\":\" \"")), 400);
    assertThat(name.at("/error/code").asText()).isEqualTo("INVALID_CONFIG");
    assertThat(name.at("/error/field").asText()).isEqualTo("projectName");
    ObjectNode extra = (ObjectNode) mapper.readTree(withFields(form, "\"projectName\":\"x\""));
    ((ObjectNode) extra.get("generated")).put("OTHER_KEY", "gen_1");
    JsonNode unknownKey = json(post("/api/deploy", extra.toString()), 400);
    assertThat(unknownKey.at("/error/code").asText()).isEqualTo("UNKNOWN_VARIABLE");

    HttpResponse<String> notJson = http.send(request("/api/deploy")
        .POST(HttpRequest.BodyPublishers.ofString("projectName=x")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(notJson.statusCode()).isEqualTo(415);
    HttpResponse<String> broken = post("/api/deploy", "{\"values\":{\"K\":\"" + CANARY);
    assertThat(json(broken, 400).at("/error/message").asText())
        .isEqualTo("The request body is not valid JSON");
    assertThat(broken.body()).doesNotContain(CANARY);
  }

  @Test
  void events_replayAfterLastEventId_thenEndWith204_andTheStatusHasNoPlanAfterSuccess()
      throws Exception {
    String id = deploy("http-success", false);
    await().atMost(Duration.ofSeconds(10)).until(() -> console.orchestrator().find(id)
        .map(d -> d.status() == DeploymentStatus.SUCCESS).orElse(false));

    HttpResponse<String> all = get("/api/deployments/" + id + "/events");
    assertThat(all.statusCode()).isEqualTo(200);
    assertThat(all.headers().firstValue("Content-Type")).hasValue("text/event-stream; charset=utf-8");
    List<Long> ids = frameIds(all.body());
    assertThat(ids.get(0)).isEqualTo(1);
    long last = ids.get(ids.size() - 1);
    assertThat(ids).as("one frame per sequence, in order").hasSize((int) last);
    assertThat(all.body()).startsWith("retry: 1000\n\n").contains("event: success\n")
        .contains("\"logLines\":[\"one\"]", "\"logLines\":[\"three\"]").doesNotContain(CANARY);

    HttpResponse<String> resumed = http.send(request("/api/deployments/" + id + "/events")
        .header("Last-Event-ID", String.valueOf(last - 2)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(frameIds(resumed.body())).containsExactly(last - 1, last);

    HttpResponse<String> done = http.send(request("/api/deployments/" + id + "/events")
        .header("Last-Event-ID", String.valueOf(last)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(done.statusCode()).as("nothing left: EventSource must not reconnect").isEqualTo(204);

    JsonNode status = json(get("/api/deployments/" + id), 200);
    assertThat(status.get("status").asText()).isEqualTo("SUCCESS");
    assertThat(status.get("deploymentUrl").asText()).matches("http://127\\.0\\.0\\.1:\\d+/http-success/");
    assertThat(status.get("recoveryPlan").isNull()).isTrue();
    assertThat(status.get("zipUrl").isNull()).isTrue();
    assertThat(json(get("/api/deployments/" + id + "/zip"), 404).at("/error/code").asText())
        .isEqualTo("NOT_KEPT");
    assertThat(get("/api/deployments/dep_unknown/events").statusCode()).isEqualTo(404);
    assertThat(get("/api/deployments/dep_unknown").statusCode()).isEqualTo(404);
  }

  @Test
  void failedDeployment_hasARecoveryPlanAndAZipOfItsFiles() throws Exception {
    String id = deploy("http-failure", true);
    await().atMost(Duration.ofSeconds(10)).until(() -> console.orchestrator().find(id)
        .map(d -> d.status() == DeploymentStatus.FAILED).orElse(false));

    JsonNode status = json(get("/api/deployments/" + id), 200);
    assertThat(status.at("/error/code").asText()).isEqualTo("BUILD_FAILED");
    assertThat(status.at("/recoveryPlan/userMessage").asText()).isNotBlank();
    assertThat(status.at("/recoveryPlan/suggestions").size()).isPositive();
    assertThat(status.at("/recoveryPlan/fallbackOptions").toString()).contains("ZIP");
    assertThat(status.get("zipUrl").asText()).isEqualTo("/api/deployments/" + id + "/zip");

    HttpResponse<byte[]> zip = http.send(request("/api/deployments/" + id + "/zip").build(),
        HttpResponse.BodyHandlers.ofByteArray());
    assertThat(zip.statusCode()).isEqualTo(200);
    assertThat(zip.headers().firstValue("Content-Type")).hasValue("application/zip");
    assertThat(zip.headers().firstValue("Content-Disposition"))
        .hasValue("attachment; filename=\"http-failure.zip\"");
    List<String> names = new ArrayList<>();
    try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip.body()))) {
      for (ZipEntry e; (e = in.getNextEntry()) != null; ) {
        names.add(e.getName());
      }
    }
    assertThat(names).contains("package.json");
  }

  @Test
  void staticFiles_areServedFromTheJarWithAStrictContentSecurityPolicy() throws Exception {
    HttpResponse<String> page = get("/");
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
    assertThat(page.headers().firstValue("Content-Security-Policy").orElseThrow())
        .contains("default-src 'none'", "script-src 'self'", "connect-src 'self'");
    assertThat(page.body()).contains("/static/console.js", "/static/console.css")
        .doesNotContain("http://", "https://");
    assertThat(get("/static/console.js").headers().firstValue("Content-Type"))
        .hasValue("text/javascript; charset=utf-8");
    assertThat(get("/static/console.css").statusCode()).isEqualTo(200);
    assertThat(get("/static/other.js").statusCode()).isEqualTo(404);
    HttpResponse<String> wrongMethod = post("/", "{}");
    assertThat(wrongMethod.statusCode()).isEqualTo(405);
    assertThat(wrongMethod.headers().firstValue("Allow")).hasValue("GET");
  }

  @Test
  void requests_forAnotherHostOrFromAnotherOrigin_areRefused() throws Exception {
    // java.net.http will not send a forged Host header: write the request by hand.
    assertThat(rawStatus("GET /api/options HTTP/1.1\r\nHost: attacker.example:80\r\n"
        + "Connection: close\r\n\r\n")).isEqualTo(421);
    assertThat(rawStatus("GET /api/options HTTP/1.1\r\nHost: localhost:" + console.uri().getPort()
        + "\r\nConnection: close\r\n\r\n")).isEqualTo(200);

    HttpResponse<String> foreign = http.send(request("/api/validate")
        .header("Content-Type", "application/json").header("Origin", "https://attacker.example")
        .POST(HttpRequest.BodyPublishers.ofString("{\"scaffold\":{}}")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(foreign.statusCode()).isEqualTo(403);
  }

  // ---------------------------------------------------------------------------------- helpers

  private static String deploy(String projectName, boolean fail) throws Exception {
    JsonNode body = json(post("/api/deploy", withFields(validForm(generateHandle()),
        "\"projectName\":\"" + projectName + "\",\"simulateFailure\":" + fail)), 202);
    String id = body.get("id").asText();
    assertThat(body.get("events").asText()).isEqualTo("/api/deployments/" + id + "/events");
    return id;
  }

  private static String generateHandle() throws Exception {
    return json(post("/api/generate", "{\"scaffold\":" + SAMPLE + ",\"key\":\"NEXTAUTH_SECRET\"}"), 200)
        .get("handle").asText();
  }

  private static String validForm(String handle) {
    ObjectNode form = mapper.createObjectNode();
    try {
      form.set("scaffold", mapper.readTree(SAMPLE));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    form.putObject("values").put("DATABASE_URL", DATABASE_URL).put("ANTHROPIC_API_KEY", ANTHROPIC_KEY);
    form.putObject("generated").put("NEXTAUTH_SECRET", handle);
    return form.toString();
  }

  private static String withFields(String json, String fields) {
    return "{" + fields + "," + json.substring(1);
  }

  private static List<Long> frameIds(String stream) {
    List<Long> ids = new ArrayList<>();
    Matcher m = Pattern.compile("(?m)^id: (\\d+)$").matcher(stream);
    while (m.find()) {
      ids.add(Long.parseLong(m.group(1)));
    }
    return ids;
  }

  private static int rawStatus(String request) throws IOException {
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), console.uri().getPort())) {
      socket.setSoTimeout(5000);
      OutputStream out = socket.getOutputStream();
      out.write(request.getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      String statusLine = new String(in.readNBytes(12), StandardCharsets.US_ASCII);
      return Integer.parseInt(statusLine.substring(9, 12));
    }
  }

  private static HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(URI.create(console.uri().toString()).resolve(path))
        .timeout(Duration.ofSeconds(10));
  }

  private static HttpResponse<String> get(String path) throws Exception {
    return http.send(request(path).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> post(String path, String body) throws Exception {
    return http.send(request(path).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static JsonNode json(HttpResponse<String> response, int expectedStatus) throws IOException {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(expectedStatus);
    assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json; charset=utf-8");
    return mapper.readTree(response.body());
  }
}
