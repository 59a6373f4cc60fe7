package dev.deploykit.core.spi;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A project on a platform, as its adapter created or found it.
 *
 * @param id the platform's id for the project
 * @param name the project's name
 * @param attributes further ids the adapter needs later (an environment id, a service id...)
 */
public record PlatformProject(String id, String name, Map<String, String> attributes) {

  /** Checks the arguments and copies the attributes. */
  public PlatformProject {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(name, "name");
    attributes = attributes == null ? Map.of() : Map.copyOf(attributes);
  }

  /** Returns a project without attributes. */
  public static PlatformProject of(String id, String name) {
    return new PlatformProject(id, name, Map.of());
  }

  /** Returns an attribute. */
  public Optional<String> attribute(String key) {
    return Optional.ofNullable(attributes.get(key));
  }
}
