package dev.deploykit.platform.railway;

import dev.deploykit.core.GeneratedFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

/**
 * Builds the archive of {@link #trickyFiles()} and writes it to the file named by the first
 * argument; run by {@link TarballRuntimeClasspathTest} in a JVM with only the runtime classpath.
 */
final class TarballMain {
  /** The date of every entry: a fixed instant with a fraction of a second. */
  static final Instant MODIFIED = Instant.parse("2024-05-06T07:08:09.750Z");

  private TarballMain() {}

  /** Long names (splittable or not), non-ASCII names, an empty file, nested directories. */
  static List<GeneratedFile> trickyFiles() {
    String seg40 = "abcdefghij".repeat(4);
    return List.of(
        GeneratedFile.text("index.html", "<h1>hi</h1>\n"),
        GeneratedFile.of("empty.txt", new byte[0], 0644),
        GeneratedFile.of("bin/run.sh", "#!/bin/sh\necho hi\n".getBytes(StandardCharsets.UTF_8),
            0755),
        GeneratedFile.of("secret/key.pem", "k".repeat(600).getBytes(StandardCharsets.UTF_8),
            0600),
        GeneratedFile.text("docs/résumé.md", "accents\n"),
        GeneratedFile.text("日本語/ファイル.txt", "こんにちは\n"),
        GeneratedFile.text("emoji/\uD83D\uDE80.txt", "rocket\n"),
        // 150 bytes, splittable into a ustar prefix and name
        GeneratedFile.text(seg40 + "/" + seg40 + "/" + seg40 + "/long.txt", "split\n"),
        // one segment of 120 bytes: no ustar split can hold it
        GeneratedFile.text("one/" + "x".repeat(120), "unsplittable\n"),
        // over 255 bytes
        GeneratedFile.text((seg40 + "/").repeat(7) + "deep.js", "export default 1;\n"),
        // exactly 100 bytes with the ./ prefix
        GeneratedFile.text("a/" + "y".repeat(96), "hundred\n"),
        GeneratedFile.text("a/b/c/d/e/f/g/nested.css", "body{}\n"));
  }

  public static void main(String[] args) throws IOException {
    byte[] archive = Tarball.build(trickyFiles(), MODIFIED);
    Files.write(Path.of(args[0]), archive);
    System.out.println("archive " + archive.length + " bytes");
  }
}
