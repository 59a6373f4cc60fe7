package dev.deploykit.core;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One file of a project to deploy: a path relative to the project root, its bytes and its Unix mode.
 *
 * <p>Immutable. The path is checked when the file is made: relative, {@code /}-separated, no {@code
 * ..}, no absolute or drive path, no backslash, NUL or empty segment, at most 1024 characters. The
 * SHA-1 of the contents is computed once, on first use, and cached.
 */
public final class GeneratedFile {
  /** The mode of an ordinary file, {@code 0644}. */
  public static final int REGULAR = 0644;
  /** The mode of an executable file, {@code 0755}. */
  public static final int EXECUTABLE = 0755;
  /** The longest path accepted. */
  public static final int MAX_PATH_LENGTH = 1024;

  private final String path;
  private final byte[] content;
  private final int mode;
  private volatile @Nullable String sha1;

  private GeneratedFile(String path, byte[] content, int mode) {
    this.path = checkPath(path);
    this.content = content;
    if (mode < 0 || mode > 07777) {
      throw new IllegalArgumentException("File mode of " + path + " must be between 0 and 07777, was "
          + Integer.toOctalString(mode));
    }
    this.mode = mode;
  }

  /**
   * Returns a file with a copy of {@code content}.
   *
   * @throws InvalidPathException if the path would leave the project
   */
  public static GeneratedFile of(String path, byte[] content, int mode) {
    return new GeneratedFile(path, content.clone(), mode);
  }

  /** Returns an ordinary file ({@code 0644}) holding {@code text} as UTF-8. */
  public static GeneratedFile text(String path, String text) {
    return new GeneratedFile(path, text.getBytes(StandardCharsets.UTF_8), REGULAR);
  }

  /**
   * Checks {@code path} stays inside a project and returns it.
   *
   * @throws InvalidPathException naming the path and what is wrong with it
   */
  public static String checkPath(String path) {
    Objects.requireNonNull(path, "path");
    if (path.isEmpty()) {
      throw new InvalidPathException(path, "it is empty");
    }
    if (path.length() > MAX_PATH_LENGTH) {
      throw new InvalidPathException(path.substring(0, 64), "it is longer than " + MAX_PATH_LENGTH
          + " characters");
    }
    if (path.indexOf('\0') >= 0) {
      throw new InvalidPathException(path, "it contains a NUL character");
    }
    if (path.indexOf('\\') >= 0) {
      throw new InvalidPathException(path, "it contains a backslash; use '/'");
    }
    if (path.startsWith("/")) {
      throw new InvalidPathException(path, "it is absolute");
    }
    if (path.length() >= 2 && path.charAt(1) == ':' && Character.isLetter(path.charAt(0))) {
      throw new InvalidPathException(path, "it starts with a drive letter");
    }
    for (int i = 0; i < path.length(); i++) {
      char c = path.charAt(i);
      if (c < 0x20 || c == 0x7f) {
        throw new InvalidPathException(path, "it contains a control character");
      }
      if (Character.isHighSurrogate(c) && i + 1 < path.length()
          && Character.isLowSurrogate(path.charAt(i + 1))) {
        i++; // a valid pair
      } else if (Character.isSurrogate(c)) {
        // No UTF-8 encoding exists for it: a ZIP entry, a tarball or a platform could not hold it.
        throw new InvalidPathException(path.replace(c, '?'),
            "it is not valid Unicode (an unpaired surrogate)");
      }
    }
    for (String segment : path.split("/", -1)) {
      if (segment.isEmpty()) {
        throw new InvalidPathException(path, "it has an empty segment");
      }
      if (segment.equals("..")) {
        throw new InvalidPathException(path, "it contains '..'");
      }
      if (segment.equals(".")) {
        throw new InvalidPathException(path, "it contains '.' as a segment");
      }
    }
    return path;
  }

  /** Returns the path relative to the project root, {@code /}-separated. */
  public String path() {
    return path;
  }

  /** Returns the Unix mode, e.g. {@code 0644}. */
  public int mode() {
    return mode;
  }

  /** Returns the size in bytes. */
  public long size() {
    return content.length;
  }

  /** Returns a copy of the contents. */
  public byte[] bytes() {
    return content.clone();
  }

  /** Returns a read-only view of the contents, without copying. */
  public ByteBuffer contents() {
    return ByteBuffer.wrap(content).asReadOnlyBuffer();
  }

  /** Returns a stream over the contents, without copying. */
  public InputStream openStream() {
    return new ByteArrayInputStream(content);
  }

  /** Returns the contents decoded as UTF-8. */
  public String text() {
    return new String(content, StandardCharsets.UTF_8);
  }

  /** Returns the SHA-1 of the contents as 40 lower-case hex digits; computed once. */
  public String sha1() {
    String s = sha1;
    if (s == null) {
      try {
        s = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(content));
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException("SHA-1 is missing from this JVM", e);
      }
      sha1 = s;
    }
    return s;
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof GeneratedFile f && path.equals(f.path) && mode == f.mode
        && Arrays.equals(content, f.content);
  }

  @Override
  public int hashCode() {
    return 31 * path.hashCode() + Arrays.hashCode(content);
  }

  @Override
  public String toString() {
    return "GeneratedFile[" + path + ", " + content.length + " bytes, mode "
        + Integer.toOctalString(mode) + "]";
  }
}
