package dev.deploykit.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProjectFilesTest {
  @TempDir Path dir;

  private void write(String rel, String text) throws IOException {
    Path p = dir.resolve(rel);
    Files.createDirectories(p.getParent());
    Files.writeString(p, text, StandardCharsets.UTF_8);
  }

  private static List<String> paths(List<GeneratedFile> files) {
    return files.stream().map(GeneratedFile::path).toList();
  }

  private void link(String rel, Path target) throws IOException {
    Path p = dir.resolve(rel);
    Files.createDirectories(p.getParent());
    try {
      Files.createSymbolicLink(p, target);
    } catch (UnsupportedOperationException | FileSystemException e) {
      Assumptions.abort("symbolic links cannot be created here: " + e);
    }
  }

  @Test
  void fromDirectory_readsFilesSortedWithSlashPaths() throws IOException {
    write("package.json", "{}");
    write("app/page.tsx", "page");
    write("app/api/chat/route.ts", "route");
    List<GeneratedFile> files = ProjectFiles.fromDirectory(dir);
    assertThat(paths(files)).containsExactly("app/api/chat/route.ts", "app/page.tsx", "package.json");
    assertThat(files.get(1).text()).isEqualTo("page");
    assertThat(files.get(1).mode()).isEqualTo(GeneratedFile.REGULAR);
  }

  @Test
  void fromDirectory_skipsGitNodeModulesAndDsStore() throws IOException {
    write("index.js", "x");
    write(".git/HEAD", "ref");
    write("node_modules/next/package.json", "{}");
    write("app/node_modules/x.js", "x");
    write(".DS_Store", "junk");
    write("app/.DS_Store", "junk");
    assertThat(paths(ProjectFiles.fromDirectory(dir))).containsExactly("index.js");
  }

  @Test
  void fromDirectory_appliesDeployIgnore() throws IOException {
    write(".deployignore", "# comment\n\n*.log\n/dist\ncoverage/\n!keep.log\n");
    write("a.log", "x");
    write("src/b.log", "x");
    write("keep.log", "x");
    write("dist/out.js", "x");
    write("src/dist/in.js", "x");
    write("coverage/index.html", "x");
    write("src/app.ts", "x");
    assertThat(paths(ProjectFiles.fromDirectory(dir)))
        .containsExactly(".deployignore", "keep.log", "src/app.ts", "src/dist/in.js");
  }

  @Test
  void fromDirectory_withOnlyVercelIgnore_appliesIt() throws IOException {
    write(".vercelignore", "secret/\n");
    write("secret/data.txt", "x");
    write("ok.txt", "x");
    assertThat(paths(ProjectFiles.fromDirectory(dir))).containsExactly(".vercelignore", "ok.txt");
  }

  @Test
  void fromDirectory_keepsTheExecutableBit() throws IOException {
    write("run.sh", "#!/bin/sh\n");
    write("data.txt", "x");
    try {
      Files.setPosixFilePermissions(dir.resolve("run.sh"), PosixFilePermissions.fromString("rwxr-xr-x"));
    } catch (UnsupportedOperationException e) {
      Assumptions.abort("no POSIX permissions here");
    }
    List<GeneratedFile> files = ProjectFiles.fromDirectory(dir);
    assertThat(files).extracting(GeneratedFile::path, GeneratedFile::mode)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("data.txt", GeneratedFile.REGULAR),
            org.assertj.core.groups.Tuple.tuple("run.sh", GeneratedFile.EXECUTABLE));
  }

  @Test
  void fromDirectory_linkInsideTheFolder_isReadAsItsTarget() throws IOException {
    write("real/config.json", "{\"a\":1}");
    link("config.json", Path.of("real/config.json"));
    List<GeneratedFile> files = ProjectFiles.fromDirectory(dir);
    assertThat(paths(files)).containsExactly("config.json", "real/config.json");
    assertThat(files.get(0).text()).isEqualTo("{\"a\":1}");
  }

  @Test
  void fromDirectory_linkOutOfTheFolder_isRefusedNamingTheLink(@TempDir Path outside)
      throws IOException {
    Path secret = Files.writeString(outside.resolve("passwd"), "root:x");
    write("ok.txt", "x");
    link("etc/passwd", secret);
    assertThatThrownBy(() -> ProjectFiles.fromDirectory(dir))
        .isInstanceOf(DeploymentException.class)
        .hasMessageContaining("etc/passwd")
        .hasMessageContaining("outside")
        .hasMessageNotContaining("root:x")
        .extracting(e -> ((DeploymentException) e).code()).isEqualTo(ErrorCode.INVALID_CONFIG);
  }

  @Test
  void fromDirectory_brokenLink_isRefused() throws IOException {
    link("gone.txt", Path.of("does-not-exist.txt"));
    assertThatThrownBy(() -> ProjectFiles.fromDirectory(dir))
        .isInstanceOf(DeploymentException.class)
        .hasMessageContaining("gone.txt");
  }

  @Test
  void fromDirectory_ignoredLinkOut_isNotAnError(@TempDir Path outside) throws IOException {
    write(".deployignore", "*.lnk\n");
    link("x.lnk", Files.writeString(outside.resolve("f"), "f"));
    assertThat(paths(ProjectFiles.fromDirectory(dir))).containsExactly(".deployignore");
  }

  @Test
  void fromDirectory_limitsExceeded_failNamingTheFileOrLimit() throws IOException {
    write("big.bin", "0123456789");
    write("small.txt", "1");
    assertThatThrownBy(() -> ProjectFiles.fromDirectory(dir, 5, 100, 100))
        .isInstanceOf(DeploymentException.class).hasMessageContaining("big.bin")
        .hasMessageContaining("5 bytes");
    assertThatThrownBy(() -> ProjectFiles.fromDirectory(dir, 100, 100, 1))
        .isInstanceOf(DeploymentException.class).hasMessageContaining("more than 1 files");
    assertThatThrownBy(() -> ProjectFiles.fromDirectory(dir, 100, 10, 100))
        .isInstanceOf(DeploymentException.class).hasMessageContaining("limit of 10 bytes");
    assertThat(ProjectFiles.fromDirectory(dir, 10, 11, 2)).hasSize(2);
  }

  @Test
  void fromDirectory_missingOrNotAFolder_failsNamingThePath() throws IOException {
    Path missing = dir.resolve("nope");
    assertThatThrownBy(() -> ProjectFiles.fromDirectory(missing))
        .isInstanceOf(DeploymentException.class).hasMessageContaining(missing.toString())
        .hasMessageContaining("does not exist");
    write("file.txt", "x");
    assertThatThrownBy(() -> ProjectFiles.fromDirectory(dir.resolve("file.txt")))
        .isInstanceOf(DeploymentException.class).hasMessageContaining("file.txt")
        .hasMessageContaining("not a folder");
  }

  @Test
  void fromDirectory_emptyFolder_givesNoFiles() {
    assertThat(ProjectFiles.fromDirectory(dir)).isEmpty();
  }
}
