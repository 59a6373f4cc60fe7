package dev.deploykit.github;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads the DEBUG log the tests write (see simplelogger.properties). */
final class TestLogs {
  static final Path FILE = Path.of("target", "test-logs.txt");

  private TestLogs() {}

  static String read() {
    try {
      return Files.exists(FILE) ? Files.readString(FILE, StandardCharsets.UTF_8) : "";
    } catch (IOException e) {
      throw new AssertionError("Cannot read " + FILE, e);
    }
  }

  /** Asserts the log holds our request lines (so it is captured at all) and never the canary. */
  static void assertNoCanary(String canary) {
    String log = read();
    assertThat(log).as("captured DEBUG log").contains("dev.deploykit");
    assertThat(log).as("captured DEBUG log").doesNotContain(canary);
  }
}
