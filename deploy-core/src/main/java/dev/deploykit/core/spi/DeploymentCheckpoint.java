package dev.deploykit.core.spi;

import dev.deploykit.core.DeploymentConfig;
import dev.deploykit.core.DeploymentStatus;
import dev.deploykit.core.DeploymentTarget;
import dev.deploykit.core.GeneratedFile;
import dev.deploykit.env.EnvironmentVariable;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What a deployment has done so far on its platform, beyond its {@link dev.deploykit.core.Deployment}
 * snapshot: the value each deployment step takes and returns, and what a durable {@link
 * DeploymentStore} keeps so that a deployment can continue after a restart.
 *
 * <p>It never holds a secret: variables are kept by name only, and a resumed deployment gets its
 * token from the orchestrator's {@link CredentialsProvider}. The per-deployment adapter {@link
 * #settings()} and the project's {@link PlatformProject#attributes() attributes} are kept as they
 * are, so neither may hold a secret. Immutable.
 *
 * @param deploymentId deploykit's id for the deployment
 * @param step the last step that started
 * @param target production or preview
 * @param settings the config's per-deployment adapter settings (without the orchestrator's)
 * @param variableNames the names of the deployment's environment variables, never their values
 * @param verifyUrl whether the URL is fetched once after success
 * @param healthPath the path fetched when verifying
 * @param timeout the config's own timeout, or {@code null} for the orchestrator's default
 * @param manifestHash a SHA-256 over the paths and contents of the files, once they are ready
 * @param project the platform project, once created (or found)
 * @param platformDeployment the platform deployment, once started
 * @param updatedAt when this checkpoint was made
 */
public record DeploymentCheckpoint(
    String deploymentId,
    DeploymentStatus step,
    DeploymentTarget target,
    Map<String, String> settings,
    List<String> variableNames,
    boolean verifyUrl,
    String healthPath,
    @Nullable Duration timeout,
    @Nullable String manifestHash,
    @Nullable PlatformProject project,
    @Nullable PlatformDeployment platformDeployment,
    Instant updatedAt) {

  /** Checks the arguments and copies the collections. */
  public DeploymentCheckpoint {
    Objects.requireNonNull(deploymentId, "deploymentId");
    Objects.requireNonNull(step, "step");
    Objects.requireNonNull(target, "target");
    settings = settings == null ? Map.of() : Map.copyOf(settings);
    variableNames = variableNames == null ? List.of() : List.copyOf(variableNames);
    Objects.requireNonNull(healthPath, "healthPath");
    Objects.requireNonNull(updatedAt, "updatedAt");
  }

  /** Returns the first checkpoint of a deployment of {@code config}: nothing done yet. */
  public static DeploymentCheckpoint start(String deploymentId, DeploymentConfig config, Instant now) {
    return new DeploymentCheckpoint(deploymentId, DeploymentStatus.PENDING, config.target(),
        config.settings(), config.environmentVariables().stream().map(EnvironmentVariable::key).toList(),
        config.verifyUrl(), config.healthPath(), config.timeout(), null, null, null, now);
  }

  /** Returns a copy at {@code newStep}. */
  public DeploymentCheckpoint withStep(DeploymentStatus newStep, Instant now) {
    return new DeploymentCheckpoint(deploymentId, newStep, target, settings, variableNames,
        verifyUrl, healthPath, timeout, manifestHash, project, platformDeployment, now);
  }

  /** Returns a copy with the names of {@code variables} (their values are dropped). */
  public DeploymentCheckpoint withVariables(List<EnvironmentVariable> variables) {
    return new DeploymentCheckpoint(deploymentId, step, target, settings,
        variables.stream().map(EnvironmentVariable::key).toList(), verifyUrl, healthPath, timeout,
        manifestHash, project, platformDeployment, updatedAt);
  }

  /** Returns a copy with the manifest hash of {@code files}. */
  public DeploymentCheckpoint withFiles(List<GeneratedFile> files) {
    return new DeploymentCheckpoint(deploymentId, step, target, settings, variableNames, verifyUrl,
        healthPath, timeout, manifestHash(files), project, platformDeployment, updatedAt);
  }

  /** Returns a copy with the platform project. */
  public DeploymentCheckpoint withProject(PlatformProject newProject) {
    return new DeploymentCheckpoint(deploymentId, step, target, settings, variableNames, verifyUrl,
        healthPath, timeout, manifestHash, Objects.requireNonNull(newProject, "newProject"),
        platformDeployment, updatedAt);
  }

  /** Returns a copy with the platform deployment. */
  public DeploymentCheckpoint withPlatformDeployment(PlatformDeployment deployment) {
    return new DeploymentCheckpoint(deploymentId, step, target, settings, variableNames, verifyUrl,
        healthPath, timeout, manifestHash, project,
        Objects.requireNonNull(deployment, "deployment"), updatedAt);
  }

  /**
   * Returns the SHA-256 (hex) over every file's path and SHA-1, in order: equal for equal files,
   * so a resumed deployment can tell whether its files changed.
   */
  public static String manifestHash(List<GeneratedFile> files) {
    MessageDigest digest;
    try {
      digest = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError("Every JDK has SHA-256", e);
    }
    for (GeneratedFile f : files) {
      digest.update(f.path().getBytes(StandardCharsets.UTF_8));
      digest.update((byte) 0);
      digest.update(f.sha1().getBytes(StandardCharsets.US_ASCII));
      digest.update((byte) '\n');
    }
    return HexFormat.of().formatHex(digest.digest());
  }
}
