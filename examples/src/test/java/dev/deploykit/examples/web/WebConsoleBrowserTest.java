package dev.deploykit.examples.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.IntStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The web console end to end, in headless Chromium: the form, inline validation, deploying to the
 * in-memory platform, a dropped progress stream resuming, a failure with its recovery plan and ZIP.
 * Screenshots of each view go to {@code target/screenshots/}. Needs {@code /usr/bin/chromium} and
 * {@code /usr/bin/chromedriver}; see {@link HeadlessChromium} for when it fails and when it skips.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(60)
class WebConsoleBrowserTest {
  /** Canaries typed into sensitive fields: none may ever come back in a page, frame or log line. */
  static final String DB_CANARY = "CanaryDbPw7Q2x";
  static final String KEY_CANARY = "CanaryKey9Lm4";
  static final String DATABASE_URL =
      "postgresql://app_user:" + DB_CANARY + "@db.internal:5432/app_db?sslmode=require";
  static final String ANTHROPIC_KEY =
      "sk-ant-api03-" + KEY_CANARY + "Xq8Rb2Nw5Tz1Hc7Jf3Pv6Ld0Ks4Mg9Ay2Ue5Io8Wr1";

  /** 16 lines over 3.2 s: one every 200 ms, so a dropped stream misses some. */
  static final List<String> BUILD_LOG =
      IntStream.rangeClosed(1, 16).mapToObj(i -> String.format("build step %02d of 16", i)).toList();

  static final Path TARGET = Path.of("target");
  static final Path SCREENSHOTS = TARGET.resolve("screenshots");

  static WebConsole console;
  static ChromeDriver driver;
  static Path downloads;
  static final ByteArrayOutputStream capturedErr = new ByteArrayOutputStream();
  static PrintStream originalErr;
  static final Set<String> deploymentIds = new LinkedHashSet<>();

  @BeforeAll
  static void start() throws IOException {
    HeadlessChromium.requireInstalled();
    // slf4j-simple writes to System.err, looked up at each write: tee it to see the server's log.
    originalErr = System.err;
    System.setErr(new PrintStream(new TeeStream(originalErr, capturedErr), true,
        StandardCharsets.UTF_8));
    console = WebConsole.start(WebConsole.Options.defaults()
        .withPort(0)
        .withBuild(Duration.ofMillis(3200), BUILD_LOG)
        .withDiscoverPlatforms(false)
        .withSseRetry(Duration.ofMillis(1200)));
    Files.createDirectories(SCREENSHOTS);
    Path work = Files.createTempDirectory(TARGET.toAbsolutePath().toFile().exists()
        ? TARGET.toAbsolutePath() : Path.of(System.getProperty("java.io.tmpdir")), "chromium-");
    downloads = work.resolve("downloads");
    driver = HeadlessChromium.start(work.resolve("profile"), downloads);
    driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(10));
  }

  @AfterAll
  static void stop() {
    if (driver != null) {
      driver.quit();
    }
    if (console != null) {
      console.close();
    }
    if (originalErr != null) {
      System.setErr(originalErr);
    }
  }

  @BeforeEach
  void laptop() {
    driver.manage().window().setSize(new Dimension(1280, 900));
  }

  @Test
  @Order(1)
  void form_whenInvalidThenValidValue_showsTheServersMessageThenClearsIt() {
    openForm();
    screenshot("01-form");

    WebElement deploy = driver.findElement(By.id("deploy-button"));
    assertThat(deploy.isEnabled()).as("Deploy while required values are missing").isFalse();

    // The schema drives the form: description, example as placeholder, masking, markers.
    WebElement db = driver.findElement(By.id("var-DATABASE_URL"));
    assertThat(db.getAttribute("type")).isEqualTo("password");
    assertThat(db.getAttribute("placeholder")).startsWith("postgresql://");
    assertThat(driver.findElement(By.cssSelector("#field-DATABASE_URL .req")).getText()).isEqualTo("*");
    assertThat(driver.findElement(By.cssSelector("#field-DATABASE_URL .badge")).getText())
        .isEqualToIgnoringCase("secret");
    assertThat(driver.findElement(By.id("desc-DATABASE_URL")).getText()).contains("PostgreSQL");
    assertThat(driver.findElements(By.id("generate-DATABASE_URL"))).isEmpty();
    assertThat(driver.findElements(By.id("generate-NEXTAUTH_SECRET"))).hasSize(1);

    db.sendKeys("mysql://app_user:" + DB_CANARY + "@db.internal/app");
    WebElement message = driver.findElement(By.id("msg-DATABASE_URL"));
    waitFor().until(d -> message.getText().contains("must start with postgres"));
    assertThat(message.getAttribute("class")).contains("invalid");
    assertThat(message.getText()).doesNotContain(DB_CANARY);
    screenshot("02-form-invalid");

    db.clear();
    db.sendKeys(DATABASE_URL);
    waitFor().until(d -> message.getText().equals("Looks good"));
    assertThat(driver.findElement(By.id("field-DATABASE_URL")).getAttribute("class"))
        .contains("valid").doesNotContain("invalid");

    // The show toggle unmasks and masks again.
    driver.findElement(By.id("show-DATABASE_URL")).click();
    assertThat(db.getAttribute("type")).isEqualTo("text");
    driver.findElement(By.id("show-DATABASE_URL")).click();
    assertThat(db.getAttribute("type")).isEqualTo("password");

    driver.findElement(By.id("var-ANTHROPIC_API_KEY")).sendKeys(ANTHROPIC_KEY);
    driver.findElement(By.id("generate-NEXTAUTH_SECRET")).click();
    waitFor().until(d -> d.findElement(By.id("msg-NEXTAUTH_SECRET")).getText().startsWith("Generated"));
    assertThat(driver.findElement(By.id("var-NEXTAUTH_SECRET")).getAttribute("value"))
        .as("a generated secret stays on the server").isEmpty();

    waitFor().until(ExpectedConditions.elementToBeClickable(By.id("deploy-button")));
    assertThat(driver.findElement(By.id("form-status")).getText()).isEqualTo("Ready to deploy");
    screenshot("03-form-valid");
    phoneScreenshot("04-form-phone");
    assertNoSecretInPage();
    assertEverythingCameFromTheConsole();
  }

  @Test
  @Order(2)
  void deploy_toTheInMemoryPlatform_showsStepsLogLinesAndTheUrl() throws Exception {
    fillValidForm("web-success");
    driver.findElement(By.id("deploy-button")).click();
    String id = awaitProgressView();
    waitFor().until(d -> logLines().size() >= 3);
    screenshot("05-progress");
    assertNoSecretInPage();

    awaitStatus("SUCCESS");
    assertThat(logLines()).containsExactlyElementsOf(BUILD_LOG);
    assertThat(driver.findElements(By.cssSelector("#steps li")))
        .extracting(e -> e.getAttribute("data-state")).containsOnly("done").hasSize(6);
    assertThat(driver.findElement(By.id("bar")).getAttribute("aria-valuenow")).isEqualTo("100");
    assertThat(driver.findElement(By.id("elapsed")).getText()).matches("\\d+\\.\\d s");
    WebElement link = driver.findElement(By.id("deployment-url"));
    assertThat(link.isDisplayed()).isTrue();
    assertThat(link.getAttribute("href")).matches("http://127\\.0\\.0\\.1:\\d+/web-success/");
    assertThat(link.getText()).isEqualTo(link.getAttribute("href"));
    HttpResponse<String> live = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create(link.getAttribute("href"))).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(live.statusCode()).isEqualTo(200);
    assertThat(live.body()).doesNotContain(DB_CANARY, KEY_CANARY);
    assertThat(attribute("duplicates")).isEqualTo("0");
    screenshot("06-success");
    phoneScreenshot("07-success-phone");
    assertNoSecretInPage();
    assertThat(id).startsWith("dep_");
  }

  @Test
  @Order(3)
  void progress_whenTheStreamIsDroppedMidBuild_resumesWithoutDuplicateOrMissingLines() {
    fillValidForm("web-resume");
    driver.findElement(By.id("deploy-button")).click();
    awaitProgressView();
    waitFor().until(d -> logLines().size() >= 3);
    assertThat(attribute("status")).isEqualTo("BUILDING");
    long seenAtDrop = Long.parseLong(attribute("lastSequence"));

    assertThat(console.streams().dropAll()).as("open streams dropped").isEqualTo(1);
    waitFor().until(d -> Integer.parseInt(attribute("reconnects")) >= 1);
    screenshot("08-reconnecting");

    awaitStatus("SUCCESS");
    assertThat(logLines()).as("every build line once, in order").containsExactlyElementsOf(BUILD_LOG);
    assertThat(attribute("duplicates")).isEqualTo("0");
    // The browser came back with Last-Event-ID; the server replayed what it missed meanwhile.
    assertThat(console.streams().resumes()).anySatisfy(resume -> {
      long last = Long.parseLong(resume.lastEventId());
      assertThat(last).isGreaterThanOrEqualTo(seenAtDrop);
      assertThat(resume.firstFrameId()).isEqualTo(last + 1);
      assertThat(resume.latestAtOpen()).as("frames made while disconnected").isGreaterThan(last);
    });
    assertNoSecretInPage();
  }

  @Test
  @Order(4)
  void failedDeployment_showsTheRecoveryPlan_andTheZipLinkDownloadsTheFiles() throws Exception {
    fillValidForm("web-failure");
    driver.findElement(By.id("simulate-failure")).click();
    driver.findElement(By.id("deploy-button")).click();
    awaitProgressView();
    awaitStatus("FAILED");
    waitFor().until(d -> "true".equals(d.findElement(By.id("failure")).getAttribute("data-loaded")));

    assertThat(driver.findElement(By.id("progress-title")).getText()).isEqualTo("Deployment failed");
    assertThat(driver.findElement(By.id("failure-message")).getText()).isNotBlank();
    assertThat(driver.findElement(By.id("recovery-message")).getText()).isNotBlank();
    assertThat(driver.findElements(By.cssSelector("#recovery-suggestions li"))).isNotEmpty();
    assertThat(driver.findElements(By.cssSelector("#steps li[data-state=failed]"))).hasSize(1);
    assertThat(driver.findElement(By.cssSelector("#steps li[data-state=failed]"))
        .getAttribute("data-step")).isEqualTo("BUILDING");
    WebElement zip = driver.findElement(By.id("zip-link"));
    assertThat(zip.isDisplayed()).isTrue();
    assertThat(zip.getText()).isEqualTo("Download ZIP");
    screenshot("09-failure");
    phoneScreenshot("10-failure-phone");
    assertNoSecretInPage();

    zip.click();
    Path archive = downloads.resolve("web-failure.zip");
    await().atMost(Duration.ofSeconds(10)).until(() -> Files.isRegularFile(archive)
        && !Files.exists(downloads.resolve("web-failure.zip.crdownload")) && Files.size(archive) > 0);
    List<String> names = new ArrayList<>();
    try (ZipInputStream in = new ZipInputStream(Files.newInputStream(archive))) {
      for (ZipEntry e; (e = in.getNextEntry()) != null; ) {
        names.add(e.getName());
        in.readAllBytes();
      }
    }
    assertThat(names).contains("package.json").allSatisfy(n -> assertThat(n).doesNotStartWith("/"));
  }

  @Test
  @Order(5)
  void sensitiveValues_neverAppearInAnySseFrameOrServerLogLine() throws Exception {
    assertThat(deploymentIds).hasSize(3);
    HttpClient http = HttpClient.newHttpClient();
    for (String id : deploymentIds) {
      // No Last-Event-ID: the whole retained history, every frame the browser could have seen.
      String frames = http.send(HttpRequest.newBuilder(console.uri().resolve(
          "/api/deployments/" + id + "/events")).build(), HttpResponse.BodyHandlers.ofString()).body();
      assertThat(frames).contains("id: 1\n", "event: ").doesNotContain(DB_CANARY, KEY_CANARY);
      String status = http.send(HttpRequest.newBuilder(console.uri().resolve(
          "/api/deployments/" + id)).build(), HttpResponse.BodyHandlers.ofString()).body();
      assertThat(status).doesNotContain(DB_CANARY, KEY_CANARY);
    }
    String log = capturedErr.toString(StandardCharsets.UTF_8);
    assertThat(log).as("the capture sees the console's log")
        .contains("Deployment " + deploymentIds.iterator().next() + " of web-success to memory started");
    assertThat(log).doesNotContain(DB_CANARY, KEY_CANARY);
  }

  // ---------------------------------------------------------------------------------- helpers

  private static void openForm() {
    driver.get(console.uri().toString());
    waitFor().until(ExpectedConditions.visibilityOfElementLocated(By.id("var-DATABASE_URL")));
  }

  private static void fillValidForm(String projectName) {
    openForm();
    driver.findElement(By.id("var-DATABASE_URL")).sendKeys(DATABASE_URL);
    driver.findElement(By.id("var-ANTHROPIC_API_KEY")).sendKeys(ANTHROPIC_KEY);
    driver.findElement(By.id("generate-NEXTAUTH_SECRET")).click();
    WebElement name = driver.findElement(By.id("project-name"));
    name.clear();
    name.sendKeys(projectName);
    waitFor().until(ExpectedConditions.elementToBeClickable(By.id("deploy-button")));
  }

  private static String awaitProgressView() {
    waitFor().until(ExpectedConditions.visibilityOfElementLocated(By.id("progress-view")));
    String id = attribute("deploymentId");
    assertThat(driver.getCurrentUrl()).endsWith("#/deployments/" + id);
    deploymentIds.add(id);
    return id;
  }

  private static void awaitStatus(String status) {
    new WebDriverWait(driver, Duration.ofSeconds(20))
        .until(d -> status.equals(attribute("status")));
  }

  private static String attribute(String name) {
    return driver.findElement(By.id("progress-view")).getDomAttribute("data-" + kebab(name));
  }

  private static String kebab(String camel) {
    return camel.replaceAll("([A-Z])", "-$1").toLowerCase(Locale.ROOT);
  }

  private static List<String> logLines() {
    return driver.findElements(By.cssSelector("#log li")).stream().map(WebElement::getText).toList();
  }

  private static WebDriverWait waitFor() {
    return new WebDriverWait(driver, Duration.ofSeconds(10));
  }

  private static void assertNoSecretInPage() {
    assertThat(driver.getPageSource()).doesNotContain(DB_CANARY, KEY_CANARY);
  }

  private static void assertEverythingCameFromTheConsole() {
    @SuppressWarnings("unchecked")
    List<String> urls = (List<String>) ((JavascriptExecutor) driver).executeScript(
        "return performance.getEntriesByType('resource').map(e => e.name)"
            + ".concat([location.href]);");
    String origin = console.uri().toString();
    assertThat(urls).isNotEmpty().allSatisfy(u -> assertThat(u).startsWith(origin));
  }

  private static void screenshot(String name) {
    // The whole page, not only the viewport: grow the window to the document's height.
    Dimension before = driver.manage().window().getSize();
    long height = (Long) ((JavascriptExecutor) driver).executeScript(
        "return Math.ceil(document.documentElement.scrollHeight)");
    driver.manage().window().setSize(new Dimension(before.getWidth(),
        (int) Math.min(4000, Math.max(before.getHeight(), height + 140))));
    try {
      Files.write(SCREENSHOTS.resolve(name + ".png"), driver.getScreenshotAs(OutputType.BYTES));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      driver.manage().window().setSize(before);
    }
  }

  private static void phoneScreenshot(String name) {
    Dimension before = driver.manage().window().getSize();
    driver.manage().window().setSize(new Dimension(390, 844));
    try {
      Boolean fits = (Boolean) ((JavascriptExecutor) driver).executeScript(
          "return document.documentElement.scrollWidth <= window.innerWidth");
      assertThat(fits).as("no horizontal scrolling at a phone's width").isTrue();
      screenshot(name);
    } finally {
      driver.manage().window().setSize(before);
    }
  }

  /** Writes to two streams. */
  private static final class TeeStream extends OutputStream {
    private final OutputStream a;
    private final OutputStream b;

    TeeStream(OutputStream a, OutputStream b) {
      this.a = a;
      this.b = b;
    }

    @Override
    public synchronized void write(int c) throws IOException {
      a.write(c);
      b.write(c);
    }

    @Override
    public synchronized void write(byte[] buf, int off, int len) throws IOException {
      a.write(buf, off, len);
      b.write(buf, off, len);
    }

    @Override
    public void flush() throws IOException {
      a.flush();
      b.flush();
    }
  }
}
