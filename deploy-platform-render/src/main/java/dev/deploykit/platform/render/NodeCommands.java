package dev.deploykit.platform.render;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.deploykit.core.DeploymentError;
import dev.deploykit.core.DeploymentException;
import dev.deploykit.core.ErrorCode;
import dev.deploykit.core.GeneratedFile;
import java.io.IOException;
import java.util.List;
import java.util.Optional;

/** The build and start commands of a Node app, read from its {@code package.json}. */
record NodeCommands(String buildCommand, String startCommand) {

  /**
   * Reads the root {@code package.json}: installs with the package manager its lock file names
   * (npm by default), runs {@code build} when there is such a script, starts with {@code start}
   * (or {@code node <main>}). The {@code buildCommand} and {@code startCommand} settings win.
   *
   * @throws DeploymentException INVALID_CONFIG without a usable package.json
   */
  static NodeCommands of(List<GeneratedFile> files, ObjectMapper mapper,
      Optional<String> buildSetting, Optional<String> startSetting) {
    Optional<GeneratedFile> packageJson = find(files, "package.json");
    if (buildSetting.isPresent() && startSetting.isPresent()) {
      return new NodeCommands(buildSetting.get(), startSetting.get());
    }
    if (packageJson.isEmpty()) {
      throw invalid("Render runs this app with its Node runtime, which needs a package.json at the"
          + " project root with a start script; add one, or set render.buildCommand and"
          + " render.startCommand");
    }
    JsonNode root;
    try {
      root = mapper.readTree(packageJson.get().bytes());
    } catch (IOException e) {
      throw new DeploymentException(DeploymentError.of(ErrorCode.INVALID_CONFIG,
          "package.json is not valid JSON; fix it, or set render.buildCommand and"
              + " render.startCommand").withPlatform("render"), e);
    }
    if (root == null || !root.isObject()) {
      throw invalid("package.json must hold a JSON object; fix it, or set render.buildCommand and"
          + " render.startCommand");
    }
    JsonNode scripts = root.path("scripts");
    String install;
    String run;
    if (find(files, "pnpm-lock.yaml").isPresent()) {
      install = "pnpm install --frozen-lockfile";
      run = "pnpm run ";
    } else if (find(files, "yarn.lock").isPresent()) {
      install = "yarn install --frozen-lockfile";
      run = "yarn run ";
    } else if (find(files, "package-lock.json").isPresent()) {
      install = "npm ci";
      run = "npm run ";
    } else {
      install = "npm install";
      run = "npm run ";
    }
    String build = scripts.hasNonNull("build") ? install + " && " + run + "build" : install;
    String start;
    if (scripts.hasNonNull("start")) {
      start = run + "start";
    } else if (root.path("main").isTextual() && !root.path("main").asText().isBlank()) {
      start = "node " + root.path("main").asText().strip();
    } else if (startSetting.isEmpty()) {
      throw invalid("package.json has no start script (and no main file), so Render would not"
          + " know how to start the app; add \"scripts\": {\"start\": ...}, or set"
          + " render.startCommand");
    } else {
      start = startSetting.get();
    }
    return new NodeCommands(buildSetting.orElse(build), startSetting.orElse(start));
  }

  private static Optional<GeneratedFile> find(List<GeneratedFile> files, String path) {
    return files.stream().filter(f -> f.path().equals(path)).findFirst();
  }

  private static DeploymentException invalid(String message) {
    return new DeploymentException(
        DeploymentError.of(ErrorCode.INVALID_CONFIG, message).withPlatform("render"));
  }
}
