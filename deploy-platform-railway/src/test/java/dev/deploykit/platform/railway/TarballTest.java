package dev.deploykit.platform.railway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.quicktheories.QuickTheory.qt;

import dev.deploykit.core.DeploymentException;
import dev.deploykit.core.ErrorCode;
import dev.deploykit.core.GeneratedFile;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quicktheories.core.Gen;
import org.quicktheories.impl.Constraint;

/**
 * Tarball's own tar writer, read back by two independent readers: commons-compress (test scope
 * only) for generated file sets, and the system's GNU tar for a fixed tricky set.
 */
class TarballTest {
  private static final Instant MODIFIED = Instant.parse("2025-01-02T03:04:05Z");
  /** ASCII letters and characters of 2, 3 and 4 UTF-8 bytes. */
  private static final String[] ALPHABET = {"a", "b", "z", "0", "9", "-", "_", ".", "é", "ß", "ж",
      "日", "本", "\uD83D\uDE80"};
  private static final int[] MODES = {0644, 0755, 0600};

  record Entry(String name, boolean directory, int mode, byte[] bytes, long mtime, long uid,
      long gid, String user, String group) {}

  // ---------------------------------------------------------------- property: commons-compress

  @Test
  void build_anyFileSet_readsBackWithCommonsCompress() {
    qt().withExamples(400).forAll(fileSets(), instants()).checkAssert((files, modified) -> {
      byte[] archive = Tarball.build(files, modified);
      assertReadsBack(files, modified, archive);
      assertThat(Tarball.build(files, modified)).as("deterministic").isEqualTo(archive);
    });
  }

  @Test
  void build_trickyFiles_readsBackWithCommonsCompress() throws IOException {
    byte[] archive = Tarball.build(TarballMain.trickyFiles(), TarballMain.MODIFIED);
    assertReadsBack(TarballMain.trickyFiles(), TarballMain.MODIFIED, archive);
  }

  private static void assertReadsBack(List<GeneratedFile> files, Instant modified, byte[] archive) {
    byte[] tar = gunzip(archive);
    assertThat(tar.length % 10240).as("padded to 10240-byte records").isZero();
    List<Entry> entries = readWithCommonsCompress(archive);
    List<String> expectedNames = new ArrayList<>();
    expectedNames.add("./");
    Set<String> dirs = new TreeSet<>();
    for (GeneratedFile f : files) {
      String p = f.path();
      for (int i = p.indexOf('/'); i >= 0; i = p.indexOf('/', i + 1)) {
        dirs.add(p.substring(0, i));
      }
    }
    dirs.forEach(d -> expectedNames.add("./" + d + "/"));
    files.forEach(f -> expectedNames.add("./" + f.path()));
    assertThat(entries).extracting(Entry::name).containsExactlyElementsOf(expectedNames);
    for (int i = 0; i < entries.size(); i++) {
      Entry e = entries.get(i);
      assertThat(e.mtime()).as("mtime of %s", e.name()).isEqualTo(modified.getEpochSecond());
      assertThat(List.of(e.uid(), e.gid())).as("owner of %s", e.name()).containsOnly(0L);
      assertThat(List.of(e.user(), e.group())).as("owner names of %s", e.name()).containsOnly("");
      if (i <= dirs.size()) {
        assertThat(e.directory()).as("%s is a directory", e.name()).isTrue();
        assertThat(e.mode()).isEqualTo(0755);
        assertThat(e.bytes()).isEmpty();
      } else {
        GeneratedFile f = files.get(i - dirs.size() - 1);
        assertThat(e.directory()).isFalse();
        assertThat(e.mode()).as("mode of %s", f.path()).isEqualTo(f.mode());
        assertThat(e.bytes()).as("bytes of %s", f.path()).isEqualTo(f.bytes());
      }
    }
  }

  // ---------------------------------------------------------------- GNU tar

  @Test
  void build_trickyFiles_listsAndExtractsWithGnuTar(@TempDir Path dir) throws Exception {
    assumeTrue(onPath("tar"), "tar is not on the PATH");
    assumeTrue("UTF-8".equalsIgnoreCase(System.getProperty("sun.jnu.encoding")),
        "file names are not UTF-8 in this JVM");
    List<GeneratedFile> files = TarballMain.trickyFiles();
    Path archive = dir.resolve("a.tar.gz");
    Files.write(archive, Tarball.build(files, TarballMain.MODIFIED));
    Path out = Files.createDirectory(dir.resolve("out"));

    Result list = run(dir, "tar", "--quoting-style=literal", "-tzf", archive.toString());
    Result extract = run(dir, "tar", "-xzpf", archive.toString(), "--no-same-owner", "-C",
        out.toString());

    assertThat(list.exit()).as("tar -t: %s", list.stderr()).isZero();
    assertThat(list.stderr()).as("tar -t warnings").isEmpty();
    List<String> expected = new ArrayList<>();
    expected.add("./");
    Set<String> dirs = new TreeSet<>();
    for (GeneratedFile f : files) {
      for (int i = f.path().indexOf('/'); i >= 0; i = f.path().indexOf('/', i + 1)) {
        dirs.add(f.path().substring(0, i));
      }
    }
    dirs.forEach(d -> expected.add("./" + d + "/"));
    files.forEach(f -> expected.add("./" + f.path()));
    assertThat(list.stdout().lines().toList()).containsExactlyElementsOf(expected);

    assertThat(extract.exit()).as("tar -x: %s", extract.stderr()).isZero();
    assertThat(extract.stderr()).as("tar -x warnings").isEmpty();
    Map<String, byte[]> extracted = new TreeMap<>();
    Set<String> extractedDirs = new TreeSet<>();
    try (Stream<Path> walk = Files.walk(out)) {
      for (Path p : (Iterable<Path>) walk::iterator) {
        String rel = out.relativize(p).toString().replace(File.separatorChar, '/');
        if (Files.isDirectory(p)) {
          if (!rel.isEmpty()) {
            extractedDirs.add(rel);
          }
        } else {
          extracted.put(rel, Files.readAllBytes(p));
        }
      }
    }
    assertThat(extractedDirs).isEqualTo(dirs);
    assertThat(extracted.keySet())
        .containsExactlyInAnyOrderElementsOf(files.stream().map(GeneratedFile::path).toList());
    for (GeneratedFile f : files) {
      Path p = out.resolve(f.path());
      assertThat(extracted.get(f.path())).as("bytes of %s", f.path()).isEqualTo(f.bytes());
      assertThat(permissions(p)).as("mode of %s", f.path()).isEqualTo(f.mode());
      assertThat(Files.getLastModifiedTime(p).toInstant())
          .isEqualTo(Instant.ofEpochSecond(TarballMain.MODIFIED.getEpochSecond()));
    }
  }

  // ---------------------------------------------------------------- determinism and format details

  @Test
  void build_twice_givesTheSameBytes_andAGzipHeaderWithoutTime() {
    byte[] a = Tarball.build(TarballMain.trickyFiles(), TarballMain.MODIFIED);
    byte[] b = Tarball.build(TarballMain.trickyFiles(), TarballMain.MODIFIED);

    assertThat(b).isEqualTo(a);
    assertThat(a[0] & 0xff).isEqualTo(0x1f);
    assertThat(a[1] & 0xff).isEqualTo(0x8b);
    assertThat(new byte[] {a[4], a[5], a[6], a[7]}).as("gzip MTIME").containsOnly(0);
    assertThat(Tarball.build(TarballMain.trickyFiles(), TarballMain.MODIFIED.plusSeconds(1)))
        .isNotEqualTo(a);
  }

  @Test
  void build_headers_haveTheUstarLayoutAndTheChecksumTarRequires() {
    byte[] tar = gunzip(Tarball.build(List.of(GeneratedFile.of("x.sh", new byte[] {1, 2, 3},
        0755)), MODIFIED));

    // "./", then "./x.sh"
    assertThat(tar.length).isEqualTo(10240);
    byte[] h = java.util.Arrays.copyOfRange(tar, 512, 1024);
    assertThat(field(h, 0, 7)).isEqualTo("./x.sh\0");
    assertThat(field(h, 100, 8)).isEqualTo("0000755\0");
    assertThat(field(h, 108, 16)).isEqualTo("0000000\0" + "0000000\0");
    assertThat(field(h, 124, 12)).isEqualTo("00000000003\0");
    assertThat(field(h, 136, 12))
        .isEqualTo(String.format("%011o\0", MODIFIED.getEpochSecond()));
    assertThat((char) h[156]).isEqualTo('0');
    assertThat(field(h, 257, 8)).isEqualTo("ustar\0" + "00");
    assertThat(field(h, 265, 64)).isEqualTo("\0".repeat(64));
    long sum = 0;
    for (int i = 0; i < 512; i++) {
      sum += i >= 148 && i < 156 ? ' ' : h[i] & 0xff;
    }
    assertThat(field(h, 148, 8)).isEqualTo(String.format("%06o\0 ", sum));
    assertThat(java.util.Arrays.copyOfRange(tar, 1024, 1027)).containsExactly(1, 2, 3);
    assertThat(java.util.Arrays.copyOfRange(tar, 1027, 10240)).containsOnly(0);
  }

  @Test
  void build_nameOver100Bytes_splitsIntoTheUstarPrefixWhenASlashAllows() {
    String path = "d".repeat(60) + "/" + "f".repeat(60);
    byte[] tar = gunzip(Tarball.build(List.of(GeneratedFile.text(path, "x")), MODIFIED));

    // "./", "./ddd/", "./ddd/fff": no PAX header in between
    byte[] h = java.util.Arrays.copyOfRange(tar, 1024, 1536);
    assertThat(field(h, 0, 61)).isEqualTo("f".repeat(60) + "\0");
    assertThat(field(h, 345, 63)).isEqualTo("./" + "d".repeat(60) + "\0");
    assertThat((char) h[156]).isEqualTo('0');
  }

  @Test
  void build_longOrNonAsciiName_writesAPaxPathRecordWithItsOwnLength() {
    String path = "é/" + "n".repeat(150);
    byte[] tar = gunzip(Tarball.build(List.of(GeneratedFile.text(path, "x")), MODIFIED));

    // "./", "./é/" (PAX + header), then the file's PAX header
    assertThat((char) tar[512 + 156]).isEqualTo('x');
    String dirRecord = "14 path=./é/\n";
    assertThat(dirRecord.getBytes(StandardCharsets.UTF_8)).hasSize(14);
    assertThat(new String(tar, 1024, 14, StandardCharsets.UTF_8)).isEqualTo(dirRecord);
    byte[] fileHeader = java.util.Arrays.copyOfRange(tar, 2048, 2560);
    assertThat((char) fileHeader[156]).isEqualTo('x');
    String record = "./" + path;
    int len = record.getBytes(StandardCharsets.UTF_8).length + " path=\n".length() + 3;
    assertThat(new String(tar, 2560, len, StandardCharsets.UTF_8))
        .isEqualTo(len + " path=" + record + "\n");
  }

  @Test
  void paxRecord_lengthCountsItsOwnDigits_acrossDigitBoundaries() {
    qt().forAll(org.quicktheories.generators.SourceDSL.integers().between(0, 20_000))
        .checkAssert(n -> {
          ByteArrayOutputStream out = new ByteArrayOutputStream();
          Tarball.paxRecord(out, "path", "v".repeat(n).getBytes(StandardCharsets.US_ASCII));
          String r = out.toString(StandardCharsets.US_ASCII);
          int space = r.indexOf(' ');
          assertThat(Integer.parseInt(r.substring(0, space))).isEqualTo(r.length());
          assertThat(r).endsWith("\n").contains(" path=");
        });
  }

  @Test
  void build_timeOutsideTheOctalField_writesAPaxMtime() {
    Instant early = Instant.parse("1960-01-01T00:00:00Z");
    byte[] archive = Tarball.build(List.of(GeneratedFile.text("a", "x")), early);

    assertThat(readWithCommonsCompress(archive)).extracting(Entry::mtime)
        .containsOnly(early.getEpochSecond());
  }

  @Test
  void build_duplicateOrFileAndDirectoryPaths_failsWithInvalidConfig() {
    assertThatThrownBy(() -> Tarball.build(
        List.of(GeneratedFile.text("a", "1"), GeneratedFile.text("a", "2")), MODIFIED))
        .isInstanceOfSatisfying(DeploymentException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_CONFIG))
        .hasMessageContaining("Two files have the path a");
    assertThatThrownBy(() -> Tarball.build(
        List.of(GeneratedFile.text("a", "1"), GeneratedFile.text("a/b", "2")), MODIFIED))
        .isInstanceOfSatisfying(DeploymentException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_CONFIG))
        .hasMessageContaining("a is both a file and the directory of a/b");
  }

  // ---------------------------------------------------------------- generators

  /** 1 to 8 files; paths of 1-6 segments, 1..300 UTF-8 bytes; modes; 0..3000 bytes each. */
  static Gen<List<GeneratedFile>> fileSets() {
    return in -> {
      int count = (int) in.next(Constraint.between(1, 8));
      List<GeneratedFile> files = new ArrayList<>();
      Set<String> taken = new HashSet<>();
      Set<String> dirs = new HashSet<>();
      for (int n = 0; n < count; n++) {
        int bytes = (int) in.next(Constraint.between(1, 300));
        int segments = (int) in.next(Constraint.between(1, Math.min(6, (bytes + 1) / 2)));
        String path = path(in, bytes, segments);
        if (conflicts(path, taken, dirs)) {
          continue;
        }
        taken.add(path);
        for (int i = path.indexOf('/'); i >= 0; i = path.indexOf('/', i + 1)) {
          dirs.add(path.substring(0, i));
        }
        int mode = MODES[(int) in.next(Constraint.between(0, MODES.length - 1))];
        byte[] content = new byte[(int) in.next(Constraint.between(0, 3000))];
        for (int i = 0; i < content.length; i++) {
          content[i] = (byte) in.next(Constraint.between(0, 255));
        }
        files.add(GeneratedFile.of(path, content, mode));
      }
      return files;
    };
  }

  static Gen<Instant> instants() {
    return in -> {
      long pick = in.next(Constraint.between(0, 9));
      if (pick == 0) {
        return Instant.ofEpochSecond(in.next(Constraint.between(-5_000_000_000L, -1)));
      }
      if (pick == 1) {
        return Instant.ofEpochSecond(in.next(
            Constraint.between(077777777777L - 2, 077777777777L + 100)));
      }
      return Instant.ofEpochSecond(in.next(Constraint.between(0, 4_000_000_000L)),
          in.next(Constraint.between(0, 999_999_999)));
    };
  }

  /** A path of exactly {@code bytes} UTF-8 bytes in {@code segments} non-empty segments. */
  private static String path(org.quicktheories.core.RandomnessSource in, int bytes,
      int segments) {
    int letters = bytes - (segments - 1);
    StringBuilder path = new StringBuilder();
    for (int s = 0; s < segments; s++) {
      int left = segments - s - 1;
      int size = s == segments - 1 ? letters
          : (int) in.next(Constraint.between(1, letters - left));
      letters -= size;
      StringBuilder segment = new StringBuilder();
      int room = size;
      while (room > 0) {
        String c = ALPHABET[(int) in.next(Constraint.between(0, ALPHABET.length - 1))];
        int len = c.getBytes(StandardCharsets.UTF_8).length;
        if (len > room) {
          c = "a";
          len = 1;
        }
        segment.append(c);
        room -= len;
      }
      String seg = segment.toString();
      if (seg.chars().allMatch(ch -> ch == '.')) {
        seg = "a" + seg.substring(1);
      }
      if (s > 0) {
        path.append('/');
      }
      path.append(seg);
    }
    return path.toString();
  }

  private static boolean conflicts(String path, Set<String> files, Set<String> dirs) {
    if (files.contains(path) || dirs.contains(path)) {
      return true;
    }
    for (int i = path.indexOf('/'); i >= 0; i = path.indexOf('/', i + 1)) {
      if (files.contains(path.substring(0, i))) {
        return true;
      }
    }
    return false;
  }

  // ---------------------------------------------------------------- readers and helpers

  static List<Entry> readWithCommonsCompress(byte[] archive) {
    List<Entry> out = new ArrayList<>();
    try (TarArchiveInputStream tar = new TarArchiveInputStream(
        new GzipCompressorInputStream(new ByteArrayInputStream(archive)), "UTF-8")) {
      TarArchiveEntry e;
      while ((e = tar.getNextEntry()) != null) {
        out.add(new Entry(e.getName(), e.isDirectory(), e.getMode(), tar.readAllBytes(),
            e.getLastModifiedTime().toInstant().getEpochSecond(), e.getLongUserId(),
            e.getLongGroupId(), e.getUserName(), e.getGroupName()));
      }
    } catch (IOException e) {
      throw new AssertionError("commons-compress could not read the archive", e);
    }
    return out;
  }

  private static byte[] gunzip(byte[] archive) {
    try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(archive))) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  private static String field(byte[] h, int offset, int length) {
    return new String(h, offset, length, StandardCharsets.UTF_8);
  }

  private static int permissions(Path p) throws IOException {
    int mode = 0;
    for (PosixFilePermission perm : Files.getPosixFilePermissions(p)) {
      mode |= 1 << (8 - perm.ordinal());
    }
    return mode;
  }

  record Result(int exit, String stdout, String stderr) {}

  private static Result run(Path dir, String... command) throws Exception {
    Path stdout = dir.resolve("stdout-" + System.nanoTime());
    Path stderr = dir.resolve("stderr-" + System.nanoTime());
    ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile())
        .redirectOutput(stdout.toFile()).redirectError(stderr.toFile());
    pb.environment().put("LC_ALL", "C.UTF-8");
    Process p = pb.start();
    if (!p.waitFor(30, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("timed out: " + String.join(" ", command));
    }
    return new Result(p.exitValue(), Files.readString(stdout, StandardCharsets.UTF_8),
        Files.readString(stderr, StandardCharsets.UTF_8));
  }

  private static boolean onPath(String command) {
    String path = System.getenv("PATH");
    if (path == null) {
      return false;
    }
    for (String d : path.split(File.pathSeparator)) {
      if (Files.isExecutable(Path.of(d, command))) {
        return true;
      }
    }
    return false;
  }
}
