package dev.deploykit.platform.render;

import dev.deploykit.core.spi.Credentials;
import dev.deploykit.core.spi.PlatformContext;
import dev.deploykit.core.spi.PlatformProvider;
import dev.deploykit.core.spi.PlatformService;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Render platform ({@code render}): deploys a Node web service that Render builds from a GitHub
 * repository. Found with {@link java.util.ServiceLoader}, or registered with {@code
 * builder().platform(RenderPlatform.create())}.
 *
 * <p><b>How a deployment runs.</b> createProject finds the workspace ({@code render.ownerId}, else
 * the only one {@code GET /owners} lists) and an existing service of the project's name;
 * uploadFiles publishes the files to the GitHub repository of the same name as one commit
 * (deploy-github's {@code GitHubPublisher}, with the user's GitHub token); triggerDeployment creates
 * the web service the first time ({@code POST /services}: runtime {@code node}, build and start
 * commands from {@code package.json}, the repository and branch, the variables inline, {@code
 * autoDeploy: no}) and afterwards deploys that commit ({@code POST /services/{id}/deploys}). Status
 * is polled, build logs are read from {@code GET /logs} page by page, and cancel is supported.
 *
 * <p><b>The project.</b> Until the web service exists (before its first deployment), the {@link
 * dev.deploykit.core.spi.PlatformProject}'s id is the project name; afterwards it is the service id
 * ({@code srv-...}). Attributes: {@code ownerId}, and {@code serviceId} and {@code serviceUrl} once
 * the service exists. A web service of the project's name in the workspace is reused when it builds
 * from the same GitHub repository.
 *
 * <p><b>Variables.</b> Render's {@code PUT /services/{id}/env-vars} replaces <em>every</em>
 * variable of the service: the adapter sends the complete list it is given, so a variable set by
 * hand in the Render dashboard and missing from the list is deleted. Render has one set of
 * variables per service, so the deployment target (production or preview) does not change them.
 *
 * <p><b>The GitHub token.</b> The Render context carries only the Render API key, so the provider is
 * given a lookup of the user's GitHub credentials: {@link Builder#githubCredentials(Function)}. It
 * receives the Render deployment's context (its credentials and settings, including those a
 * {@code DeploymentConfig} sets per deployment, so a multi-user application can key the lookup on
 * a setting of its own). The default, of {@link #create()} and the no-argument constructor, reads
 * the {@code GITHUB_TOKEN} environment variable when a deployment starts (never in a constructor).
 * Render must be able to read the repository: a private repository (the default) needs Render's
 * GitHub app installed with access to it; set {@code render.githubPrivate=false} for public ones.
 *
 * <p><b>Settings</b> ({@code render.*} on the orchestrator): {@code apiUrl} (default {@code
 * https://api.render.com/v1}), {@code ownerId} (the workspace), {@code plan} (default {@code
 * free}), {@code region} (Render's default: oregon), {@code buildCommand}, {@code startCommand},
 * {@code githubApiUrl} (default {@code https://api.github.com}), {@code githubOrg}, {@code
 * githubBranch}, {@code githubPrivate} (default true), {@code logPollInterval} (milliseconds,
 * default 2000), {@code requestTimeout} (each request's bound, to Render and to GitHub:
 * milliseconds or ISO-8601; default 30 seconds).
 *
 * <p><b>Errors.</b> Render's {@code {id, message, code}} bodies are quoted (without the key); 401
 * AUTH_FAILED; 402 (payment required) INVALID_CONFIG with a message about the plan; 429
 * RATE_LIMIT_EXCEEDED with {@code Retry-After} or {@code Ratelimit-Reset}; a service of that name
 * that is not a web service building from this repository PROJECT_NAME_TAKEN; no {@code
 * package.json} or start script INVALID_CONFIG; no GitHub token AUTH_FAILED. GitHub's errors keep
 * platform {@code github}.
 *
 * <p>The provider is immutable and thread-safe and does no I/O; each {@link #create} makes a
 * service for one deployment.
 */
public final class RenderPlatform implements PlatformProvider {
  /** The platform id. */
  public static final String ID = "render";
  /** The environment variable the default GitHub lookup reads. */
  public static final String GITHUB_TOKEN_VARIABLE = "GITHUB_TOKEN";

  private static final Logger LOG = LoggerFactory.getLogger(RenderPlatform.class);

  private final Function<PlatformContext, Optional<Credentials>> githubCredentials;

  /** Creates the provider with the default GitHub lookup (the {@code GITHUB_TOKEN} variable). */
  public RenderPlatform() {
    this(new Builder());
  }

  private RenderPlatform(Builder b) {
    this.githubCredentials = b.githubCredentials;
  }

  /** Returns a provider with the defaults; same as the no-argument constructor. */
  public static RenderPlatform create() {
    return new RenderPlatform();
  }

  /** Returns a builder. */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  public String id() {
    return ID;
  }

  @Override
  public String displayName() {
    return "Render";
  }

  /**
   * Returns a service for one deployment. Does no I/O.
   *
   * @throws dev.deploykit.core.DeploymentException INVALID_CONFIG for an invalid setting
   */
  @Override
  public PlatformService create(PlatformContext context) {
    Objects.requireNonNull(context, "context");
    Optional<Credentials> github;
    try {
      github = githubCredentials.apply(context);
    } catch (RuntimeException e) {
      // The exception's message is not logged: it may quote a token.
      LOG.warn("The GitHub credentials lookup of RenderPlatform failed ({}); the deployment will"
          + " fail with AUTH_FAILED", e.getClass().getName());
      github = Optional.empty();
    }
    return new RenderService(context, github == null ? Optional.empty() : github);
  }

  @Override
  public String toString() {
    return "RenderPlatform";
  }

  private static Optional<Credentials> fromEnvironment(PlatformContext context) {
    String token = System.getenv(GITHUB_TOKEN_VARIABLE);
    return token == null || token.isBlank() ? Optional.empty()
        : Optional.of(Credentials.of("github", token.strip()));
  }

  /** Configures a {@link RenderPlatform}. Not thread-safe; {@link #build()} copies it. */
  public static final class Builder {
    private Function<PlatformContext, Optional<Credentials>> githubCredentials =
        RenderPlatform::fromEnvironment;

    private Builder() {}

    /**
     * Sets how the GitHub credentials of a deployment are found, given its Render context. Called
     * once per deployment, on the orchestrator's thread; must not block. An empty result (or a
     * lookup that throws) fails the deployment with AUTH_FAILED at createProject. Default: the
     * {@code GITHUB_TOKEN} environment variable.
     */
    public Builder githubCredentials(Function<PlatformContext, Optional<Credentials>> lookup) {
      this.githubCredentials = Objects.requireNonNull(lookup, "lookup");
      return this;
    }

    /** Builds the provider. */
    public RenderPlatform build() {
      return new RenderPlatform(this);
    }
  }
}
