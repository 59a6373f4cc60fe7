package dev.deploykit.core.spi;

import dev.deploykit.core.DeploymentTarget;
import dev.deploykit.core.GeneratedFile;
import java.util.List;
import java.util.Objects;

/**
 * What {@link PlatformService#createProject} is asked for.
 *
 * @param projectName the name to create the project under
 * @param files the project's files (already generated), so an adapter can detect the framework
 * @param target production or preview
 */
public record CreateProjectRequest(String projectName, List<GeneratedFile> files, DeploymentTarget target) {

  /** Checks the arguments and copies the list. */
  public CreateProjectRequest {
    Objects.requireNonNull(projectName, "projectName");
    files = List.copyOf(files);
    Objects.requireNonNull(target, "target");
  }
}
