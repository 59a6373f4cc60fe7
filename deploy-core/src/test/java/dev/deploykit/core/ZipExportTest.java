package dev.deploykit.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;
import static org.quicktheories.generators.SourceDSL.strings;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quicktheories.core.Gen;

class ZipExportTest {

  private static Map<String, byte[]> read(InputStream in) throws IOException {
    Map<String, byte[]> out = new LinkedHashMap<>();
    try (ZipInputStream zip = new ZipInputStream(in)) {
      ZipEntry e;
      while ((e = zip.getNextEntry()) != null) {
        out.put(e.getName(), zip.readAllBytes());
      }
    }
    return out;
  }

  private static byte[] zip(List<GeneratedFile> files) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      ZipExport.write(files, out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  @Test
  void write_toStream_entriesInPathOrderWithTheirBytes() throws IOException {
    List<GeneratedFile> files = List.of(
        GeneratedFile.text("package.json", "{}"),
        GeneratedFile.of("bin/run.sh", "#!/bin/sh\n".getBytes(StandardCharsets.UTF_8), 0755),
        GeneratedFile.text("app/page.tsx", "export default 1"));
    Map<String, byte[]> read = read(new ByteArrayInputStream(zip(files)));
    assertThat(read.keySet()).containsExactly("app/page.tsx", "bin/run.sh", "package.json");
    assertThat(new String(read.get("bin/run.sh"), StandardCharsets.UTF_8)).isEqualTo("#!/bin/sh\n");
  }

  @Test
  void write_sameFilesInAnyOrder_sameBytes() {
    GeneratedFile a = GeneratedFile.text("a.txt", "a");
    GeneratedFile b = GeneratedFile.text("b/c.txt", "c");
    assertThat(zip(List.of(a, b))).isEqualTo(zip(List.of(b, a)));
  }

  @Test
  void write_entriesHaveTheFixedTimestamp() throws IOException {
    byte[] bytes = zip(List.of(GeneratedFile.text("a.txt", "a")));
    try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(bytes))) {
      assertThat(zip.getNextEntry().getTimeLocal()).isEqualTo(ZipExport.ENTRY_TIME);
    }
  }

  @Test
  void write_withDuplicatePaths_failsNamingThePath() {
    List<GeneratedFile> files =
        List.of(GeneratedFile.text("x/y.txt", "1"), GeneratedFile.text("x/y.txt", "2"));
    assertThatThrownBy(() -> zip(files))
        .isInstanceOf(DeploymentException.class)
        .hasMessageContaining("x/y.txt")
        .extracting(e -> ((DeploymentException) e).code()).isEqualTo(ErrorCode.INVALID_CONFIG);
  }

  @Test
  void write_toPath_createsParentsAndLeavesNoTempFile(@TempDir Path dir) throws IOException {
    Path target = dir.resolve("out/nested/app.zip");
    Path written = ZipExport.write(List.of(GeneratedFile.text("README.md", "hi")), target);
    assertThat(written).isEqualTo(target);
    try (InputStream in = Files.newInputStream(target)) {
      assertThat(read(in)).containsOnlyKeys("README.md");
    }
    try (var listing = Files.list(target.getParent())) {
      assertThat(listing).containsExactly(target);
    }
    ZipExport.write(List.of(GeneratedFile.text("other.md", "x")), target);
    try (InputStream in = Files.newInputStream(target)) {
      assertThat(read(in)).containsOnlyKeys("other.md");
    }
  }

  @Test
  void write_toPath_withDuplicates_writesNothing(@TempDir Path dir) {
    Path target = dir.resolve("app.zip");
    assertThatThrownBy(() -> ZipExport.write(
        List.of(GeneratedFile.text("a", "1"), GeneratedFile.text("a", "2")), target))
        .isInstanceOf(DeploymentException.class);
    assertThat(target).doesNotExist();
  }

  private static Gen<String> segments() {
    return strings().betweenCodePoints(0x20, 0x2ff).ofLengthBetween(1, 4)
        .map(s -> s.replace('/', '_').replace('\\', '_').replace(':', '_').replace('\u007f', '_'))
        .map(s -> s.equals(".") || s.equals("..") ? "_" + s : s);
  }

  @Test
  void write_arbitraryValidFiles_roundTripWithSafeNames() {
    Gen<String> paths = lists().of(segments()).ofSizeBetween(1, 3).map(l -> String.join("/", l));
    Gen<GeneratedFile> files = paths.zip(strings().ascii().ofLengthBetween(0, 40),
        integers().between(0, 1),
        (p, body, x) -> GeneratedFile.of(p, body.getBytes(StandardCharsets.UTF_8),
            x == 0 ? 0644 : 0755));
    qt().withExamples(200).forAll(lists().of(files).ofSizeBetween(0, 8))
        .checkAssert(list -> {
          Map<String, GeneratedFile> unique = new TreeMap<>();
          list.forEach(f -> unique.putIfAbsent(f.path(), f));
          List<GeneratedFile> input = List.copyOf(unique.values());
          Map<String, byte[]> read;
          try {
            read = read(new ByteArrayInputStream(zip(input)));
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
          assertThat(read.keySet()).containsExactlyElementsOf(unique.keySet());
          for (Map.Entry<String, byte[]> e : read.entrySet()) {
            assertThat(e.getKey()).doesNotStartWith("/").doesNotContain("\\");
            assertThat(e.getKey().split("/")).doesNotContain("..", "", ".");
            assertThat(e.getValue()).isEqualTo(unique.get(e.getKey()).bytes());
          }
        });
  }
}
