package dev.deploykit.platform.railway;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs {@link Tarball#build} in a child JVM whose classpath is only what a user's application gets:
 * target/classes and this module's runtime-scope dependencies (written by maven-dependency-plugin to
 * target/runtime-classpath.txt), plus target/test-classes for {@link TarballMain}. A class the
 * archiver needs that only a test-scope dependency brings (commons-io, through WireMock) fails it.
 */
class TarballRuntimeClasspathTest {
  private static final Path TARGET = Path.of(System.getProperty("basedir", ".")).resolve("target");

  @Test
  void build_runsWithOnlyTheRuntimeClasspath(@TempDir Path dir) throws Exception {
    Path classpathFile = TARGET.resolve("runtime-classpath.txt");
    assertThat(classpathFile).as("written by maven-dependency-plugin at generate-test-resources")
        .exists();
    List<String> runtime = Arrays.stream(
            Files.readString(classpathFile, StandardCharsets.UTF_8).trim().split(File.pathSeparator))
        .filter(s -> !s.isEmpty()).toList();
    List<String> classpath = new ArrayList<>();
    classpath.add(TARGET.resolve("classes").toString());
    classpath.addAll(runtime);
    classpath.add(TARGET.resolve("test-classes").toString());
    Path archive = dir.resolve("out.tar.gz");
    Path output = dir.resolve("output.txt");
    Process p = new ProcessBuilder(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-cp", String.join(File.pathSeparator, classpath),
            TarballMain.class.getName(), archive.toString())
        .redirectErrorStream(true).redirectOutput(output.toFile()).start();

    boolean exited = p.waitFor(30, TimeUnit.SECONDS);
    if (!exited) {
      p.destroyForcibly();
    }

    String printed = Files.readString(output);
    assertThat(exited).as("child JVM exited; output:%n%s", printed).isTrue();
    assertThat(p.exitValue()).as("exit code; output:%n%s", printed).isZero();
    byte[] expected = Tarball.build(TarballMain.trickyFiles(), TarballMain.MODIFIED);
    assertThat(printed.trim()).isEqualTo("archive " + expected.length + " bytes");
    assertThat(Files.readAllBytes(archive)).as("the same bytes as in this JVM").isEqualTo(expected);
    // Issue 9: nothing beyond deploykit, slf4j-api, Jackson and Failsafe at runtime.
    assertThat(runtime).as("runtime classpath").anyMatch(s -> s.contains("deploy-core"))
        .noneMatch(s -> s.contains("commons-") || s.contains("wiremock") || s.contains("junit"));
  }
}
