package dev.deploykit.examples.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Files the tests write: a scaffold config and env files with values shaped like real ones. */
final class Fixtures {
  static final String SCAFFOLD_JSON = "{\"database\":\"prisma-postgres\",\"auth\":\"nextauth\","
      + "\"aiTemplate\":\"chatbot\",\"aiProvider\":\"anthropic\"}";
  static final String DATABASE_URL =
      "postgresql://app:Xk29fLq8Zr@db.internal.example.com:5432/app?sslmode=require";
  static final String ANTHROPIC_KEY = "sk-ant-api03-" + "Q7x".repeat(27);
  static final String NEXTAUTH_SECRET = "Zx8vQm2pL4nR7tY1wE5uI9oA3sD6fG0hJ2kL4zX7cQ9=";

  private Fixtures() {}

  static Path scaffold(Path dir) throws IOException {
    return Files.writeString(dir.resolve("scaffold.json"), SCAFFOLD_JSON);
  }

  /** An env file holding every required value of {@link #SCAFFOLD_JSON}. */
  static Path completeEnv(Path dir) throws IOException {
    return Files.writeString(dir.resolve(".env"), String.join("\n",
        "# the app's database",
        "DATABASE_URL=" + DATABASE_URL,
        "NEXTAUTH_SECRET=" + NEXTAUTH_SECRET,
        "export ANTHROPIC_API_KEY=\"" + ANTHROPIC_KEY + "\"  # from the console",
        ""));
  }

  static Path site(Path dir) throws IOException {
    Path site = Files.createDirectories(dir.resolve("site"));
    Files.writeString(site.resolve("index.html"), "<h1>hello</h1>\n");
    Files.writeString(site.resolve("about.html"), "<h1>about</h1>\n");
    return site;
  }
}
