package dev.deploykit.platform.railway;

import dev.deploykit.core.DeploymentError;
import dev.deploykit.core.DeploymentException;
import dev.deploykit.core.ErrorCode;
import dev.deploykit.core.GeneratedFile;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Instant;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;

/**
 * Builds the gzip-compressed tar {@code railway up} sends: entry names relative with the {@code ./}
 * prefix, a directory entry for {@code ./} and every parent directory, each file's mode kept. Long
 * and non-ASCII names use POSIX (PAX) headers. Owner names are left empty: nothing of the machine
 * that builds the archive goes into it.
 */
final class Tarball {
  static final int DIRECTORY_MODE = 040755;
  private static final int REGULAR_FILE_TYPE = 0100000;

  private Tarball() {}

  /**
   * Returns the archive of {@code files}, every entry dated {@code modified}.
   *
   * @throws DeploymentException {@code INVALID_CONFIG} if two files have one path, or a path is both
   *     a file and a directory
   */
  static byte[] build(List<GeneratedFile> files, Instant modified) {
    checkPaths(files);
    Date date = Date.from(modified);
    Set<String> directories = new TreeSet<>();
    for (GeneratedFile f : files) {
      String path = f.path();
      for (int i = path.indexOf('/'); i >= 0; i = path.indexOf('/', i + 1)) {
        directories.add(path.substring(0, i));
      }
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GzipCompressorOutputStream gzip = new GzipCompressorOutputStream(out);
        TarArchiveOutputStream tar = new TarArchiveOutputStream(gzip, "UTF-8")) {
      tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
      tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
      tar.setAddPaxHeadersForNonAsciiNames(true);
      putDirectory(tar, "./", date);
      for (String dir : directories) {
        putDirectory(tar, "./" + dir + "/", date);
      }
      for (GeneratedFile f : files) {
        TarArchiveEntry entry = new TarArchiveEntry("./" + f.path());
        owner(entry);
        entry.setMode(REGULAR_FILE_TYPE | f.mode());
        entry.setSize(f.size());
        entry.setModTime(date);
        tar.putArchiveEntry(entry);
        f.openStream().transferTo(tar);
        tar.closeArchiveEntry();
      }
      tar.finish();
    } catch (IOException e) {
      // Writing to memory does not fail; a failure here is a bug in the archiver.
      throw new DeploymentException(DeploymentError.of(ErrorCode.UNKNOWN,
          "Could not build the archive to upload to Railway (" + e.getClass().getSimpleName() + ")")
          .withPlatform(RailwayPlatform.ID), e);
    }
    return out.toByteArray();
  }

  private static void putDirectory(TarArchiveOutputStream tar, String name, Date date)
      throws IOException {
    TarArchiveEntry entry = new TarArchiveEntry(name);
    owner(entry);
    entry.setMode(DIRECTORY_MODE);
    entry.setModTime(date);
    tar.putArchiveEntry(entry);
    tar.closeArchiveEntry();
  }

  private static void owner(TarArchiveEntry entry) {
    entry.setUserId(0);
    entry.setGroupId(0);
    entry.setUserName("");
    entry.setGroupName("");
  }

  private static void checkPaths(List<GeneratedFile> files) {
    Set<String> paths = new HashSet<>();
    for (GeneratedFile f : files) {
      if (!paths.add(f.path())) {
        throw invalid("Two files have the path " + f.path() + "; give each file once");
      }
    }
    for (String path : paths) {
      for (int i = path.indexOf('/'); i >= 0; i = path.indexOf('/', i + 1)) {
        String parent = path.substring(0, i);
        if (paths.contains(parent)) {
          throw invalid(parent + " is both a file and the directory of " + path
              + "; rename one of them");
        }
      }
    }
  }

  private static DeploymentException invalid(String message) {
    return new DeploymentException(
        DeploymentError.of(ErrorCode.INVALID_CONFIG, message).withPlatform(RailwayPlatform.ID));
  }
}
