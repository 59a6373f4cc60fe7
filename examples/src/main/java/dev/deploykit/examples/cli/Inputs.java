package dev.deploykit.examples.cli;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.deploykit.env.DotEnv;
import dev.deploykit.env.DotEnvFile;
import dev.deploykit.env.DotEnvParseException;
import dev.deploykit.env.EnvironmentVariable;
import dev.deploykit.env.InvalidScaffoldConfigException;
import dev.deploykit.env.ScaffoldConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Reads the files the commands take, turning every problem into a {@link BadInputException}. */
final class Inputs {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int MAX_TOKEN_FILE_BYTES = 16 * 1024;

  private Inputs() {}

  /**
   * Reads a scaffold config JSON file such as {@code {"database":"prisma-postgres","auth":"nextauth"}}.
   *
   * @throws BadInputException naming the file (and line) when it is missing, not JSON, or names an
   *     unknown option
   */
  static ScaffoldConfig readScaffold(Path file) {
    requireReadableFile(file, "Scaffold config",
        "write one such as {\"database\":\"prisma-postgres\",\"auth\":\"nextauth\"}");
    try {
      ScaffoldConfig config = JSON.readValue(file.toFile(), ScaffoldConfig.class);
      if (config == null) {
        throw new BadInputException("Scaffold config " + file + " holds no JSON object: write one"
            + " such as {\"database\":\"prisma-postgres\",\"auth\":\"nextauth\"}");
      }
      return config;
    } catch (JsonProcessingException e) {
      Throwable cause = e.getCause();
      if (cause instanceof InvalidScaffoldConfigException invalid) {
        throw new BadInputException("Scaffold config " + file + ": " + invalid.getMessage(), e);
      }
      JsonLocation at = e.getLocation();
      String where = at == null || at.getLineNr() < 1 ? ""
          : " line " + at.getLineNr() + " column " + at.getColumnNr();
      throw new BadInputException("Scaffold config " + file + where + " is not a valid scaffold"
          + " config: " + firstLine(e.getOriginalMessage()) + ". Expected a JSON object such as"
          + " {\"database\":\"prisma-postgres\",\"auth\":\"nextauth\"}", e);
    } catch (IOException e) {
      throw new BadInputException("Cannot read scaffold config " + file + ": " + e.getMessage(), e);
    }
  }

  /**
   * Reads and parses a {@code .env} file.
   *
   * @throws BadInputException naming the file when it is missing, unreadable, or a line is
   *     malformed (then naming the line too)
   */
  static DotEnvFile readEnvFile(Path file) {
    requireReadableFile(file, "Env file",
        "create it (deploykit detect --format env prints a template) or point --env-file at it");
    try {
      return DotEnv.read(file);
    } catch (DotEnvParseException e) {
      throw new BadInputException(e.getMessage() + " (fix that line of the env file; values may be"
          + " quoted, e.g. KEY=\"a value\")", e);
    } catch (UncheckedIOException e) {
      throw new BadInputException("Cannot read env file " + file + ": " + e.getCause().getMessage()
          + " (it must be UTF-8 text)", e);
    }
  }

  /**
   * Reads a token from a file: the whole file, trimmed.
   *
   * @throws BadInputException when the file is missing, empty, too large or holds more than one
   *     word; the message never quotes the file's content
   */
  static String readToken(Path file) {
    requireReadableFile(file, "Token file", "write the token alone into it");
    byte[] bytes;
    try {
      if (Files.size(file) > MAX_TOKEN_FILE_BYTES) {
        throw new BadInputException("Token file " + file + " is larger than 16 KiB: it must hold"
            + " only the token");
      }
      bytes = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new BadInputException("Cannot read token file " + file + ": " + e.getMessage(), e);
    }
    String token = new String(bytes, StandardCharsets.UTF_8).strip();
    if (token.isEmpty()) {
      throw new BadInputException("Token file " + file + " is empty: write the token into it");
    }
    for (int i = 0; i < token.length(); i++) {
      char c = token.charAt(i);
      if (Character.isWhitespace(c) || Character.isISOControl(c)) {
        throw new BadInputException("Token file " + file + " holds more than the token (blanks or"
            + " several lines): write only the token into it");
      }
    }
    return token;
  }

  /**
   * Returns every variable a {@code .env} file assigns as a variable of its own, sensitive unless
   * Next.js makes it public ({@code NEXT_PUBLIC_}): used when no scaffold says what the variables
   * are.
   */
  static List<EnvironmentVariable> variablesOf(DotEnvFile file) {
    List<EnvironmentVariable> out = new ArrayList<>();
    for (Map.Entry<String, String> e : file.values().entrySet()) {
      out.add(EnvironmentVariable.builder(e.getKey())
          .value(e.getValue())
          .sensitive(!e.getKey().startsWith(EnvironmentVariable.PUBLIC_PREFIX))
          .description("From " + file.sourceName())
          .build());
    }
    return out;
  }

  /**
   * Replaces {@code file}'s content with {@code text}: written beside it and moved into place, so an
   * interrupted write never leaves half a file, keeping the file's POSIX permissions.
   *
   * @throws BadInputException if the file cannot be written
   */
  static void rewrite(Path file, String text) {
    try {
      Path target = file.toRealPath();
      Path parent = target.getParent();
      Path temp = Files.createTempFile(parent, "." + target.getFileName(), ".tmp");
      try {
        PosixFileAttributeView posix =
            Files.getFileAttributeView(target, PosixFileAttributeView.class);
        if (posix != null) {
          Files.setPosixFilePermissions(temp, Set.copyOf(posix.readAttributes().permissions()));
        }
        Files.writeString(temp, text, StandardCharsets.UTF_8);
        try {
          Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE,
              StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
          Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
        }
      } finally {
        Files.deleteIfExists(temp);
      }
    } catch (IOException e) {
      throw new BadInputException("Cannot write " + file + ": " + e.getMessage(), e);
    }
  }

  private static void requireReadableFile(Path file, String what, String hint) {
    if (!Files.exists(file)) {
      throw new BadInputException(what + " " + file + " does not exist: " + hint);
    }
    if (Files.isDirectory(file)) {
      throw new BadInputException(what + " " + file + " is a folder, not a file: " + hint);
    }
    if (!Files.isReadable(file)) {
      throw new BadInputException(what + " " + file + " cannot be read: check its permissions");
    }
  }

  private static String firstLine(String message) {
    int nl = message.indexOf('\n');
    return nl < 0 ? message : message.substring(0, nl);
  }
}
