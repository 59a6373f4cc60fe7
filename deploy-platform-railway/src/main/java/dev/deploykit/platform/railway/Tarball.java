package dev.deploykit.platform.railway;

import dev.deploykit.core.DeploymentError;
import dev.deploykit.core.DeploymentException;
import dev.deploykit.core.ErrorCode;
import dev.deploykit.core.GeneratedFile;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.zip.GZIPOutputStream;

/**
 * Builds the gzip-compressed tar {@code railway up} sends: entry names relative with the {@code ./}
 * prefix, a directory entry for {@code ./} and every parent directory (sorted, before the files),
 * each file's mode kept. Long and non-ASCII names use POSIX (PAX) headers. Owner names are left
 * empty and ids 0: nothing of the machine that builds the archive goes into it.
 *
 * <p>Written here rather than with commons-compress, whose tar writer needs commons-io and
 * commons-lang3 at runtime (issue 9: the runtime dependency list stays deploy-core's). The format is
 * POSIX.1-2001 ustar: 512-byte headers and blocks, names that do not fit the 100-byte name field
 * split into the 155-byte prefix when they are ASCII and a {@code /} allows it, otherwise a PAX
 * extended header ({@code x}) with a {@code path} record; two zero blocks end the archive, padded to
 * a 10240-byte record as GNU tar does. The output is deterministic: the same files and instant give
 * the same bytes (the gzip header carries no time), so a retried upload sends the same bytes.
 */
final class Tarball {
  /** Mode of every directory entry. */
  static final int DIRECTORY_MODE = 0755;

  private static final int BLOCK = 512;
  private static final int RECORD = 20 * BLOCK;
  private static final int NAME_LENGTH = 100;
  private static final int PREFIX_LENGTH = 155;
  /** The largest value of an 11-digit octal field (size, mtime): 8 GiB - 1. */
  private static final long MAX_OCTAL_11 = 077777777777L;
  private static final byte REGULAR = '0';
  private static final byte DIRECTORY = '5';
  private static final byte PAX_HEADER = 'x';

  private Tarball() {}

  /**
   * Returns the archive of {@code files}, every entry dated {@code modified} (whole seconds).
   *
   * @throws DeploymentException {@code INVALID_CONFIG} if two files have one path, or a path is both
   *     a file and a directory
   */
  static byte[] build(List<GeneratedFile> files, Instant modified) {
    checkPaths(files);
    long mtime = modified.getEpochSecond();
    Set<String> directories = new TreeSet<>();
    for (GeneratedFile f : files) {
      String path = f.path();
      for (int i = path.indexOf('/'); i >= 0; i = path.indexOf('/', i + 1)) {
        directories.add(path.substring(0, i));
      }
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gzip = new GZIPOutputStream(out, 1 << 16)) {
      Writer tar = new Writer(gzip);
      tar.entry("./", DIRECTORY, DIRECTORY_MODE, mtime, new byte[0]);
      for (String dir : directories) {
        tar.entry("./" + dir + "/", DIRECTORY, DIRECTORY_MODE, mtime, new byte[0]);
      }
      for (GeneratedFile f : files) {
        tar.entry("./" + f.path(), REGULAR, f.mode(), mtime, f.bytes());
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

  /** Writes tar blocks to a stream and counts them for the final record padding. */
  private static final class Writer {
    private final OutputStream out;
    private long written;

    Writer(OutputStream out) {
      this.out = out;
    }

    void entry(String name, byte type, int mode, long mtime, byte[] content) throws IOException {
      byte[] utf8 = name.getBytes(StandardCharsets.UTF_8);
      boolean ascii = isAscii(utf8);
      int split = ascii ? ustarSplit(utf8) : -1;
      boolean fitsMtime = mtime >= 0 && mtime <= MAX_OCTAL_11;
      if (content.length > MAX_OCTAL_11) {
        // Unreachable for an in-memory file (arrays stop at 2 GiB); kept with the field's limit.
        throw invalid(name.substring(2) + " is larger than 8 GiB; a tar entry cannot hold it");
      }
      byte[] nameField;
      byte[] prefixField;
      if (ascii && utf8.length <= NAME_LENGTH) {
        nameField = utf8;
        prefixField = new byte[0];
      } else if (split > 0) {
        prefixField = Arrays.copyOfRange(utf8, 0, split);
        nameField = Arrays.copyOfRange(utf8, split + 1, utf8.length);
      } else {
        nameField = fallbackName(utf8);
        prefixField = new byte[0];
      }
      boolean pathRecord = !(ascii && (utf8.length <= NAME_LENGTH || split > 0));
      if (pathRecord || !fitsMtime) {
        ByteArrayOutputStream records = new ByteArrayOutputStream();
        if (pathRecord) {
          paxRecord(records, "path", utf8);
        }
        if (!fitsMtime) {
          paxRecord(records, "mtime",
              Long.toString(mtime).getBytes(StandardCharsets.US_ASCII));
        }
        byte[] pax = records.toByteArray();
        byte[] paxName = concat("./PaxHeaders/".getBytes(StandardCharsets.US_ASCII),
            fallbackName(lastSegment(utf8)));
        header(Arrays.copyOf(paxName, Math.min(paxName.length, NAME_LENGTH)), new byte[0],
            PAX_HEADER, 0644, pax.length, fitsMtime ? mtime : 0);
        data(pax);
      }
      header(nameField, prefixField, type, mode, content.length, fitsMtime ? mtime : 0);
      data(content);
    }

    void finish() throws IOException {
      write(new byte[2 * BLOCK]);
      int rest = (int) (written % RECORD);
      if (rest != 0) {
        write(new byte[RECORD - rest]);
      }
      out.flush();
    }

    private void header(byte[] name, byte[] prefix, byte type, int mode, long size, long mtime)
        throws IOException {
      byte[] h = new byte[BLOCK];
      System.arraycopy(name, 0, h, 0, name.length);
      octal(h, 100, 8, mode);
      octal(h, 108, 8, 0); // uid
      octal(h, 116, 8, 0); // gid
      octal(h, 124, 12, size);
      octal(h, 136, 12, mtime);
      h[156] = type;
      ascii(h, 257, "ustar\0");
      ascii(h, 263, "00");
      // uname (265) and gname (297) stay empty.
      octal(h, 329, 8, 0); // devmajor
      octal(h, 337, 8, 0); // devminor
      System.arraycopy(prefix, 0, h, 345, prefix.length);
      Arrays.fill(h, 148, 156, (byte) ' ');
      long sum = 0;
      for (byte b : h) {
        sum += b & 0xff;
      }
      // Six octal digits, NUL, space: the form GNU tar writes.
      octal(h, 148, 7, sum);
      h[155] = ' ';
      write(h);
    }

    private void data(byte[] content) throws IOException {
      write(content);
      int rest = content.length % BLOCK;
      if (rest != 0) {
        write(new byte[BLOCK - rest]);
      }
    }

    private void write(byte[] bytes) throws IOException {
      out.write(bytes);
      written += bytes.length;
    }
  }

  /**
   * Writes {@code value} as zero-padded octal digits filling {@code length - 1} bytes of the field,
   * then a NUL.
   */
  static void octal(byte[] h, int offset, int length, long value) {
    String digits = Long.toOctalString(value);
    if (value < 0 || digits.length() > length - 1) {
      // The callers keep every value in range (sizes and times are checked before); a bug if not.
      throw new DeploymentException(DeploymentError.of(ErrorCode.UNKNOWN,
          "Could not build the archive to upload to Railway: " + value + " does not fit a "
              + length + "-byte tar field").withPlatform(RailwayPlatform.ID));
    }
    int pad = length - 1 - digits.length();
    Arrays.fill(h, offset, offset + pad, (byte) '0');
    ascii(h, offset + pad, digits);
    h[offset + length - 1] = 0;
  }

  private static void ascii(byte[] h, int offset, String s) {
    byte[] b = s.getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(b, 0, h, offset, b.length);
  }

  /**
   * Returns where to split an ASCII {@code name} of more than 100 bytes into a ustar prefix (at
   * most 155 bytes) and name (1 to 100 bytes) at a {@code /}, or -1 if no split holds it.
   */
  static int ustarSplit(byte[] name) {
    if (name.length <= NAME_LENGTH || name.length > PREFIX_LENGTH + 1 + NAME_LENGTH) {
      return -1;
    }
    // A directory's trailing '/' belongs to its name part, so it is not a split point.
    for (int i = Math.min(PREFIX_LENGTH, name.length - 2); i > 0; i--) {
      if (name[i] == '/') {
        int rest = name.length - i - 1;
        return rest <= NAME_LENGTH ? i : -1;
      }
    }
    return -1;
  }

  /**
   * Appends the PAX record {@code "<len> key=value\n"}, whose decimal length counts every byte of
   * the record, its own digits included.
   */
  static void paxRecord(ByteArrayOutputStream records, String key, byte[] value) {
    int base = 1 + key.length() + 1 + value.length + 1; // space, key, '=', value, '\n'
    int length = base + 1;
    while (String.valueOf(length).length() + base != length) {
      length = String.valueOf(length).length() + base;
    }
    records.writeBytes((length + " " + key + "=").getBytes(StandardCharsets.US_ASCII));
    records.writeBytes(value);
    records.write('\n');
  }

  /** The name field when a PAX path holds the real name: ASCII only, at most 100 bytes. */
  private static byte[] fallbackName(byte[] utf8) {
    byte[] b = Arrays.copyOf(utf8, Math.min(utf8.length, NAME_LENGTH));
    for (int i = 0; i < b.length; i++) {
      if (b[i] < 0) { // part of a non-ASCII character
        b[i] = '_';
      }
    }
    return b;
  }

  private static byte[] lastSegment(byte[] utf8) {
    int end = utf8.length;
    if (end > 0 && utf8[end - 1] == '/') {
      end--;
    }
    int start = end;
    while (start > 0 && utf8[start - 1] != '/') {
      start--;
    }
    return start == end ? "root".getBytes(StandardCharsets.US_ASCII)
        : Arrays.copyOfRange(utf8, start, end);
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] c = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, c, a.length, b.length);
    return c;
  }

  private static boolean isAscii(byte[] utf8) {
    for (byte b : utf8) {
      if (b < 0) {
        return false;
      }
    }
    return true;
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
