package dev.deploykit.testing;

import dev.deploykit.core.GeneratedFile;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/** A project's mutable state inside an {@link InMemoryPlatform}. Thread-safe. */
final class MemoryProject {
  static final String OTHER_OWNER = "another-account";

  private final String name;
  private final String id;
  private final String owner;
  private volatile Map<String, GeneratedFile> files = Map.of();
  private final Map<String, String> variables = new ConcurrentHashMap<>();
  private final List<String> deploymentIds = new CopyOnWriteArrayList<>();

  MemoryProject(String name, String id, String owner) {
    this.name = name;
    this.id = id;
    this.owner = owner;
  }

  String name() {
    return name;
  }

  String id() {
    return id;
  }

  String owner() {
    return owner;
  }

  Map<String, GeneratedFile> files() {
    return files;
  }

  /** Replaces the files with those of an upload (an upload is a full snapshot). */
  void replaceFiles(List<GeneratedFile> uploaded) {
    Map<String, GeneratedFile> map = new LinkedHashMap<>();
    for (GeneratedFile f : uploaded) {
      map.put(f.path(), f);
    }
    files = java.util.Collections.unmodifiableMap(map);
  }

  Map<String, String> variables() {
    return variables;
  }

  void addDeployment(String deploymentId) {
    deploymentIds.add(deploymentId);
  }

  InMemoryPlatform.ProjectState snapshot() {
    return new InMemoryPlatform.ProjectState(name, id, owner, files, Map.copyOf(variables),
        List.copyOf(deploymentIds));
  }
}
