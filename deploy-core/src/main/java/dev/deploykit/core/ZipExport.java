package dev.deploykit.core;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Writes a project's files as a ZIP archive: the {@link FallbackOption#ZIP} fallback.
 *
 * <p>The archive is reproducible: entries are in path order, every entry has the fixed timestamp
 * 1980-02-01 00:00 (stored as a DOS time, without time-zone dependent extra fields) and is deflated
 * with the default level. Only file entries are written; directories are implied by the paths.
 *
 * <p>Unix modes are <em>not</em> kept: {@code java.util.zip} cannot set an entry's external
 * attributes, so an executable script is extracted as an ordinary file. Every entry name is checked
 * again with {@link GeneratedFile#checkPath}, so no entry can leave the folder it is extracted to.
 *
 * <p>Stateless and thread-safe.
 */
public final class ZipExport {
  /** The timestamp of every entry. */
  static final LocalDateTime ENTRY_TIME = LocalDateTime.of(1980, 2, 1, 0, 0);

  private ZipExport() {}

  /**
   * Writes {@code files} as a ZIP archive to {@code out}. The stream is flushed, not closed.
   *
   * @throws DeploymentException with {@link ErrorCode#INVALID_CONFIG} naming the path, if two files
   *     have the same path
   * @throws IOException if writing to {@code out} fails
   */
  public static void write(List<GeneratedFile> files, OutputStream out) throws IOException {
    Objects.requireNonNull(out, "out");
    List<GeneratedFile> sorted = sortedUnique(files);
    ZipOutputStream zip = new ZipOutputStream(new FilterOutputStream(out) {
      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        out.write(b, off, len);
      }

      @Override
      public void close() throws IOException {
        flush();
      }
    });
    try (zip) {
      for (GeneratedFile file : sorted) {
        ZipEntry entry = new ZipEntry(GeneratedFile.checkPath(file.path()));
        entry.setTimeLocal(ENTRY_TIME);
        entry.setMethod(ZipEntry.DEFLATED);
        zip.putNextEntry(entry);
        file.openStream().transferTo(zip);
        zip.closeEntry();
      }
    }
  }

  /**
   * Writes {@code files} as a ZIP archive to {@code zipFile} and returns it. Creates the parent
   * folders; writes a temporary file beside the target and moves it into place (atomically where the
   * file system can), so a reader never sees half an archive. Replaces an existing file.
   *
   * @throws DeploymentException with {@link ErrorCode#INVALID_CONFIG} naming the path, if two files
   *     have the same path
   * @throws IOException if the archive cannot be written
   */
  public static Path write(List<GeneratedFile> files, Path zipFile) throws IOException {
    Objects.requireNonNull(zipFile, "zipFile");
    sortedUnique(files);
    Path target = zipFile.toAbsolutePath();
    Path parent = target.getParent();
    if (parent == null) {
      throw new IOException("ZIP file " + zipFile + " has no parent folder");
    }
    Files.createDirectories(parent);
    Path temp = Files.createTempFile(parent, "." + target.getFileName(), ".tmp");
    try {
      try (OutputStream out = Files.newOutputStream(temp)) {
        write(files, out);
      }
      try {
        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE,
            StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(temp);
    }
    return zipFile;
  }

  private static List<GeneratedFile> sortedUnique(List<GeneratedFile> files) {
    Objects.requireNonNull(files, "files");
    List<GeneratedFile> sorted = new ArrayList<>(files);
    for (int i = 0; i < sorted.size(); i++) {
      Objects.requireNonNull(sorted.get(i), "files[" + i + "]");
    }
    sorted.sort(Comparator.comparing(GeneratedFile::path));
    for (int i = 1; i < sorted.size(); i++) {
      if (sorted.get(i).path().equals(sorted.get(i - 1).path())) {
        throw new DeploymentException(ErrorCode.INVALID_CONFIG, "Two files have the path '"
            + sorted.get(i).path() + "': each path may appear once in a ZIP archive.");
      }
    }
    return sorted;
  }
}
