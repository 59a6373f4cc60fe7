package dev.deploykit.core;

import dev.deploykit.core.internal.IgnoreRules;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.FileVisitor;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads an existing project folder as {@link GeneratedFile}s, to deploy it as it is.
 *
 * <p>The folder is walked once, without following links. Skipped: {@code .git} and {@code
 * node_modules} folders, {@code .DS_Store} files, anything other than files, folders and links
 * (sockets, pipes), and what the root's ignore file excludes: {@code .deployignore}, or {@code
 * .vercelignore} when there is no {@code .deployignore}. The ignore file follows a gitignore subset:
 * blank lines and {@code #} comments are skipped; {@code dir/} matches only folders; {@code *} and
 * {@code ?} match within a name and {@code **} across folders; a leading {@code /} (or a {@code /}
 * inside the pattern) anchors it to the root, otherwise it matches a name in any folder; {@code !}
 * re-includes a path (the last matching line wins) unless a parent folder is excluded. Character
 * classes ({@code [abc]}) are not supported.
 *
 * <p>A link whose target is inside the folder is read as a file with its target's contents; a link
 * to a folder inside it is skipped (its files are read where they really are). A link that leaves the
 * folder, or points nowhere, is refused. Files keep their executable bit: mode {@code 0755} when the
 * owner may execute the file (POSIX file systems only), else {@code 0644}. Paths are relative and
 * {@code /}-separated; the list is sorted by path.
 *
 * <p>Stateless and thread-safe. Every failure is a {@link DeploymentException} with {@link
 * ErrorCode#INVALID_CONFIG} naming the path and what is wrong.
 */
public final class ProjectFiles {
  /** The default limit of one file's size: 50 MiB. */
  public static final long DEFAULT_MAX_FILE_BYTES = 50L * 1024 * 1024;
  /** The default limit of all files' sizes together: 500 MiB. */
  public static final long DEFAULT_MAX_TOTAL_BYTES = 500L * 1024 * 1024;
  /** The default limit of the number of files: 20,000. */
  public static final int DEFAULT_MAX_FILES = 20_000;

  private static final Logger LOG = LoggerFactory.getLogger(ProjectFiles.class);
  private static final Set<String> SKIPPED_FOLDERS = Set.of(".git", "node_modules");
  private static final Set<String> SKIPPED_FILES = Set.of(".DS_Store");
  private static final List<String> IGNORE_FILES = List.of(".deployignore", ".vercelignore");

  private ProjectFiles() {}

  /**
   * Returns the files of {@code dir} with the default limits (50 MiB a file, 500 MiB in all, 20,000
   * files).
   *
   * @throws DeploymentException with {@link ErrorCode#INVALID_CONFIG} if {@code dir} is not a
   *     folder, a link leaves it, a limit is exceeded or a file cannot be read
   */
  public static List<GeneratedFile> fromDirectory(Path dir) {
    return fromDirectory(dir, DEFAULT_MAX_FILE_BYTES, DEFAULT_MAX_TOTAL_BYTES, DEFAULT_MAX_FILES);
  }

  /**
   * Returns the files of {@code dir}, refusing a file larger than {@code maxFileBytes}, more than
   * {@code maxTotalBytes} in all, or more than {@code maxFiles} files.
   *
   * @throws IllegalArgumentException if a limit is not positive
   * @throws DeploymentException with {@link ErrorCode#INVALID_CONFIG} if {@code dir} is not a
   *     folder, a link leaves it, a limit is exceeded or a file cannot be read
   */
  public static List<GeneratedFile> fromDirectory(
      Path dir, long maxFileBytes, long maxTotalBytes, int maxFiles) {
    Objects.requireNonNull(dir, "dir");
    if (maxFileBytes <= 0 || maxTotalBytes <= 0 || maxFiles <= 0) {
      throw new IllegalArgumentException("Limits must be positive: maxFileBytes=" + maxFileBytes
          + ", maxTotalBytes=" + maxTotalBytes + ", maxFiles=" + maxFiles);
    }
    if (!Files.exists(dir)) {
      throw invalid("Source folder " + dir + " does not exist.", null);
    }
    if (!Files.isDirectory(dir)) {
      throw invalid("Source folder " + dir + " is not a folder.", null);
    }
    Path root;
    try {
      root = dir.toRealPath();
    } catch (IOException e) {
      throw invalid("Could not read source folder " + dir + ": " + e, e);
    }
    Walker walker = new Walker(root, readIgnoreRules(root), maxFileBytes, maxTotalBytes, maxFiles);
    try {
      Files.walkFileTree(root, EnumSet.noneOf(java.nio.file.FileVisitOption.class),
          Integer.MAX_VALUE, walker);
    } catch (IOException e) {
      throw invalid("Could not read source folder " + dir + ": " + e.getMessage(), e);
    }
    walker.files.sort(Comparator.comparing(GeneratedFile::path));
    return List.copyOf(walker.files);
  }

  private static IgnoreRules readIgnoreRules(Path root) {
    for (String name : IGNORE_FILES) {
      Path file = root.resolve(name);
      if (Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
        try {
          return IgnoreRules.parse(Files.readString(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
          throw invalid("Could not read " + name + ": " + e.getMessage(), e);
        }
      }
    }
    return IgnoreRules.NONE;
  }

  private static DeploymentException invalid(String message, @Nullable Throwable cause) {
    return new DeploymentException(DeploymentError.of(ErrorCode.INVALID_CONFIG, message), cause);
  }

  private static String relative(Path root, Path path) {
    Path rel = root.relativize(path);
    StringBuilder sb = new StringBuilder();
    for (Path part : rel) {
      if (sb.length() > 0) {
        sb.append('/');
      }
      sb.append(part.toString());
    }
    return sb.toString();
  }

  private static final class Walker extends SimpleFileVisitor<Path> implements FileVisitor<Path> {
    private final Path root;
    private final IgnoreRules ignore;
    private final long maxFileBytes;
    private final long maxTotalBytes;
    private final int maxFiles;
    private final List<GeneratedFile> files = new ArrayList<>();
    private long totalBytes;

    Walker(Path root, IgnoreRules ignore, long maxFileBytes, long maxTotalBytes, int maxFiles) {
      this.root = root;
      this.ignore = ignore;
      this.maxFileBytes = maxFileBytes;
      this.maxTotalBytes = maxTotalBytes;
      this.maxFiles = maxFiles;
    }

    @Override
    public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
      if (dir.equals(root)) {
        return FileVisitResult.CONTINUE;
      }
      String rel = relative(root, dir);
      if (SKIPPED_FOLDERS.contains(dir.getFileName().toString()) || ignore.ignored(rel, true)) {
        return FileVisitResult.SKIP_SUBTREE;
      }
      return FileVisitResult.CONTINUE;
    }

    @Override
    public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
      String rel = relative(root, file);
      if (SKIPPED_FILES.contains(file.getFileName().toString()) || ignore.ignored(rel, false)) {
        return FileVisitResult.CONTINUE;
      }
      Path source = file;
      BasicFileAttributes sourceAttrs = attrs;
      if (attrs.isSymbolicLink()) {
        Path target;
        try {
          target = file.toRealPath();
        } catch (NoSuchFileException e) {
          throw invalid("Link '" + rel + "' points to a file that does not exist, so it points"
              + " outside the project; replace it with the file or remove it.", e);
        }
        if (!target.startsWith(root)) {
          throw invalid("Link '" + rel + "' points outside the project folder; copy the file into"
              + " the project or remove the link.", null);
        }
        sourceAttrs = Files.readAttributes(target, BasicFileAttributes.class);
        if (sourceAttrs.isDirectory()) {
          LOG.debug("Skipping link {} to a folder inside the project", rel);
          return FileVisitResult.CONTINUE;
        }
        source = target;
      }
      if (!sourceAttrs.isRegularFile()) {
        LOG.debug("Skipping {}: not a regular file", rel);
        return FileVisitResult.CONTINUE;
      }
      long size = sourceAttrs.size();
      if (size > maxFileBytes) {
        throw invalid("File '" + rel + "' is " + size + " bytes, more than the limit of "
            + maxFileBytes + " bytes per file; add it to .deployignore or make it smaller.", null);
      }
      if (files.size() + 1 > maxFiles) {
        throw invalid("The project has more than " + maxFiles + " files (the limit was reached at '"
            + rel + "'); exclude generated folders in .deployignore.", null);
      }
      if (totalBytes + size > maxTotalBytes) {
        throw invalid("The project is larger than the limit of " + maxTotalBytes
            + " bytes (reached at '" + rel + "'); exclude large files in .deployignore.", null);
      }
      byte[] bytes = Files.readAllBytes(source);
      if (bytes.length > maxFileBytes || totalBytes + bytes.length > maxTotalBytes) {
        throw invalid("File '" + rel + "' grew past the size limit while it was read.", null);
      }
      totalBytes += bytes.length;
      files.add(GeneratedFile.of(rel, bytes, executable(source, sourceAttrs)
          ? GeneratedFile.EXECUTABLE : GeneratedFile.REGULAR));
      return FileVisitResult.CONTINUE;
    }

    @Override
    public FileVisitResult visitFileFailed(Path file, IOException exc) {
      throw invalid("Could not read '" + relative(root, file) + "': " + exc.getMessage(), exc);
    }

    private static boolean executable(Path file, BasicFileAttributes attrs) {
      PosixFileAttributes posix = null;
      if (attrs instanceof PosixFileAttributes p) {
        posix = p;
      } else {
        try {
          posix = Files.readAttributes(file, PosixFileAttributes.class);
        } catch (UnsupportedOperationException | IOException e) {
          return false;
        }
      }
      return posix.permissions().contains(PosixFilePermission.OWNER_EXECUTE);
    }
  }
}
