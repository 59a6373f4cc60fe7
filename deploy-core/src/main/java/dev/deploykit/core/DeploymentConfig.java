package dev.deploykit.core;

import dev.deploykit.env.EnvironmentVariable;
import dev.deploykit.env.ScaffoldConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What to deploy, where, and how.
 *
 * <p>The files come from exactly one source: a {@link ScaffoldConfig} (the orchestrator's {@link
 * dev.deploykit.core.spi.ScaffoldGenerator} writes the app), an existing folder ({@link
 * #sourceDirectory()}), or files given directly ({@link #files()}). Immutable; build one with {@link
 * #builder(String, String)}. {@link #toString()} never shows a sensitive value.
 *
 * @param projectName the project's name on the platform
 * @param platform the platform id: {@code vercel}, {@code railway}, {@code render}, {@code memory}, or
 *     a vendor's
 * @param scaffoldConfig what to generate, or {@code null} when the files come from elsewhere
 * @param sourceDirectory a folder to deploy as it is, or {@code null}
 * @param files files to deploy as they are (empty unless they are the source)
 * @param environmentVariables the variables to set, with their values
 * @param target production or preview; default production
 * @param timeout how long the whole deployment may take, or {@code null} for the orchestrator's
 *     default (5 minutes)
 * @param idempotencyKey a key that makes a repeated {@code deploy} return the first deployment, or
 *     {@code null}
 * @param onConcurrentDeploy what to do while another deployment of this project runs; default wait
 * @param verifyUrl whether to GET the URL once after the platform reports success; default true
 * @param healthPath the path to GET when verifying, default {@code /}
 * @param settings per-deployment adapter settings (team, region...), added to the orchestrator's
 */
public record DeploymentConfig(
    String projectName,
    String platform,
    @Nullable ScaffoldConfig scaffoldConfig,
    @Nullable Path sourceDirectory,
    List<GeneratedFile> files,
    List<EnvironmentVariable> environmentVariables,
    DeploymentTarget target,
    @Nullable Duration timeout,
    @Nullable String idempotencyKey,
    ConcurrentDeployPolicy onConcurrentDeploy,
    boolean verifyUrl,
    String healthPath,
    Map<String, String> settings) {

  /**
   * Checks the config and copies its collections.
   *
   * @throws DeploymentException with {@link ErrorCode#INVALID_CONFIG} naming the field that is wrong
   */
  public DeploymentConfig {
    projectName = Objects.requireNonNull(projectName, "projectName").trim();
    platform = Objects.requireNonNull(platform, "platform").trim();
    if (projectName.isEmpty()) {
      throw invalid("projectName is empty: give the project a name such as my-app");
    }
    if (projectName.length() > 100) {
      throw invalid("projectName is " + projectName.length() + " characters long; at most 100");
    }
    if (platform.isEmpty()) {
      throw invalid("platform is empty: choose vercel, railway, render or memory");
    }
    files = files == null ? List.of() : List.copyOf(files);
    int sources = (scaffoldConfig != null ? 1 : 0) + (sourceDirectory != null ? 1 : 0)
        + (files.isEmpty() ? 0 : 1);
    if (sources != 1) {
      throw invalid("Give exactly one source of files: a scaffoldConfig, a sourceDirectory or files"
          + " (found " + sources + ")");
    }
    environmentVariables =
        environmentVariables == null ? List.of() : List.copyOf(environmentVariables);
    target = target == null ? DeploymentTarget.PRODUCTION : target;
    onConcurrentDeploy = onConcurrentDeploy == null ? ConcurrentDeployPolicy.WAIT : onConcurrentDeploy;
    if (timeout != null && (timeout.isNegative() || timeout.isZero())) {
      throw invalid("timeout must be positive, was " + timeout);
    }
    if (idempotencyKey != null && idempotencyKey.isBlank()) {
      idempotencyKey = null;
    }
    healthPath = healthPath == null || healthPath.isBlank() ? "/" : healthPath;
    if (!healthPath.startsWith("/")) {
      throw invalid("healthPath must start with '/', was '" + healthPath + "'");
    }
    settings = settings == null ? Map.of() : Map.copyOf(settings);
  }

  private static DeploymentException invalid(String message) {
    return new DeploymentException(ErrorCode.INVALID_CONFIG, message);
  }

  /** Returns a builder for a deployment of {@code projectName} to {@code platform}. */
  public static Builder builder(String projectName, String platform) {
    return new Builder(projectName, platform);
  }

  /** Returns a builder initialised from this config. */
  public Builder toBuilder() {
    Builder b = new Builder(projectName, platform);
    b.scaffoldConfig = scaffoldConfig;
    b.sourceDirectory = sourceDirectory;
    b.files.addAll(files);
    b.environmentVariables.addAll(environmentVariables);
    b.target = target;
    b.timeout = timeout;
    b.idempotencyKey = idempotencyKey;
    b.onConcurrentDeploy = onConcurrentDeploy;
    b.verifyUrl = verifyUrl;
    b.healthPath = healthPath;
    b.settings.putAll(settings);
    return b;
  }

  @Override
  public String toString() {
    return "DeploymentConfig[projectName=" + projectName + ", platform=" + platform
        + ", source=" + (scaffoldConfig != null ? scaffoldConfig
            : sourceDirectory != null ? sourceDirectory : files.size() + " files")
        + ", variables=" + environmentVariables.stream().map(EnvironmentVariable::key).toList()
        + ", target=" + target + ", timeout=" + timeout
        + (idempotencyKey == null ? "" : ", idempotencyKey=" + idempotencyKey) + "]";
  }

  /** Builds a {@link DeploymentConfig}. Not thread-safe. */
  public static final class Builder {
    private final String projectName;
    private final String platform;
    private @Nullable ScaffoldConfig scaffoldConfig;
    private @Nullable Path sourceDirectory;
    private final List<GeneratedFile> files = new ArrayList<>();
    private final List<EnvironmentVariable> environmentVariables = new ArrayList<>();
    private DeploymentTarget target = DeploymentTarget.PRODUCTION;
    private @Nullable Duration timeout;
    private @Nullable String idempotencyKey;
    private ConcurrentDeployPolicy onConcurrentDeploy = ConcurrentDeployPolicy.WAIT;
    private boolean verifyUrl = true;
    private String healthPath = "/";
    private final Map<String, String> settings = new LinkedHashMap<>();

    private Builder(String projectName, String platform) {
      this.projectName = projectName;
      this.platform = platform;
    }

    /** Generates the app from {@code config}. */
    public Builder scaffold(ScaffoldConfig config) {
      this.scaffoldConfig = Objects.requireNonNull(config, "config");
      return this;
    }

    /** Deploys the folder {@code dir} as it is. */
    public Builder sourceDirectory(Path dir) {
      this.sourceDirectory = Objects.requireNonNull(dir, "dir");
      return this;
    }

    /** Deploys {@code files} as they are. */
    public Builder files(List<GeneratedFile> files) {
      this.files.clear();
      this.files.addAll(files);
      return this;
    }

    /** Sets the environment variables, replacing any set before. */
    public Builder environmentVariables(List<EnvironmentVariable> variables) {
      environmentVariables.clear();
      environmentVariables.addAll(variables);
      return this;
    }

    /** Sets the target; default production. */
    public Builder target(DeploymentTarget target) {
      this.target = Objects.requireNonNull(target, "target");
      return this;
    }

    /** Sets this deployment's timeout; default the orchestrator's. */
    public Builder timeout(Duration timeout) {
      this.timeout = Objects.requireNonNull(timeout, "timeout");
      return this;
    }

    /** Sets an idempotency key; default none. */
    public Builder idempotencyKey(@Nullable String key) {
      this.idempotencyKey = key;
      return this;
    }

    /** Sets what to do while another deployment of the project runs; default wait. */
    public Builder onConcurrentDeploy(ConcurrentDeployPolicy policy) {
      this.onConcurrentDeploy = Objects.requireNonNull(policy, "policy");
      return this;
    }

    /** Sets whether to GET the URL after success; default true. */
    public Builder verifyUrl(boolean verify) {
      this.verifyUrl = verify;
      return this;
    }

    /** Sets the path GET when verifying; default {@code /}. */
    public Builder healthPath(String path) {
      this.healthPath = Objects.requireNonNull(path, "path");
      return this;
    }

    /** Adds an adapter setting for this deployment, e.g. {@code vercel.teamId}. */
    public Builder setting(String key, String value) {
      settings.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
      return this;
    }

    /**
     * Returns the config.
     *
     * @throws DeploymentException with {@link ErrorCode#INVALID_CONFIG} if a field is wrong
     */
    public DeploymentConfig build() {
      return new DeploymentConfig(
          projectName, platform, scaffoldConfig, sourceDirectory, files, environmentVariables,
          target, timeout, idempotencyKey, onConcurrentDeploy, verifyUrl, healthPath, settings);
    }
  }
}
