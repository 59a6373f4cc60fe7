package dev.deploykit.examples.web;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Starts the system's Chromium ({@code /usr/bin/chromium}) headless through the system's
 * chromedriver ({@code /usr/bin/chromedriver}): Debian's {@code chromium} and {@code
 * chromium-driver} packages, which {@code .ci/run} installs when missing. Selenium Manager is never
 * asked for anything, so nothing is downloaded at run time.
 *
 * <p>When the browser or the driver is missing the test FAILS if the environment variable {@code
 * CI} is set (a CI run must never pass by skipping), and is skipped otherwise (a developer without
 * Chromium can still run {@code mvn verify}).
 */
final class HeadlessChromium {
  static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

  private HeadlessChromium() {}

  /** Fails (under CI) or skips (elsewhere) unless Chromium and chromedriver are installed. */
  static void requireInstalled() {
    boolean present = Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
    String message = "Chromium and chromedriver are needed at " + CHROMIUM + " and " + CHROMEDRIVER
        + ": apt-get install -y chromium chromium-driver (.ci/run does this)";
    if (!present && System.getenv("CI") != null) {
      fail(message);
    }
    assumeTrue(present, message + "; skipped because CI is not set");
  }

  /** Starts a headless browser with a fresh profile that saves downloads into {@code downloads}. */
  static ChromeDriver start(Path profile, Path downloads) throws IOException {
    System.setProperty("webdriver.chrome.driver", CHROMEDRIVER.toString());
    System.setProperty("SE_AVOID_BROWSER_DOWNLOAD", "true");
    Files.createDirectories(downloads);
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments(
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--window-size=1280,900",
        "--user-data-dir=" + profile.toAbsolutePath());
    options.setExperimentalOption("prefs", Map.of(
        "download.default_directory", downloads.toAbsolutePath().toString(),
        "download.prompt_for_download", false,
        "safebrowsing.enabled", false));
    ChromeDriverService service = new ChromeDriverService.Builder()
        .usingDriverExecutable(new File(CHROMEDRIVER.toString()))
        .usingAnyFreePort()
        .withTimeout(Duration.ofSeconds(20))
        .build();
    return new ChromeDriver(service, options);
  }
}
