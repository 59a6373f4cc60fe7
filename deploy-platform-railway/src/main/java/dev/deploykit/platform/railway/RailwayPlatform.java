package dev.deploykit.platform.railway;

import dev.deploykit.core.spi.PlatformContext;
import dev.deploykit.core.spi.PlatformProvider;
import dev.deploykit.core.spi.PlatformService;
import java.util.Objects;

/**
 * Deploys to <a href="https://railway.com">Railway</a>: the {@link PlatformProvider} with id {@code
 * railway}, found by {@link java.util.ServiceLoader} or registered explicitly with {@code
 * DeploymentOrchestrator.builder().platform(RailwayPlatform.create())}.
 *
 * <p>A deployment speaks GraphQL to {@code https://backboard.railway.com/graphql/v2} and uploads the
 * generated files the way {@code railway up} does: one gzip-compressed tar, {@code POST}ed to {@code
 * /project/{projectId}/environment/{environmentId}/up?serviceId=...} on the same host, which starts
 * the deployment. The steps:
 *
 * <ol>
 *   <li><b>createProject</b> finds a project of the requested name the token can see and, in it, a
 *       service of the same name, and reuses them; otherwise it creates the project ({@code
 *       projectCreate}) and an empty service ({@code serviceCreate}, no source). It then makes sure
 *       the service has a Railway domain ({@code serviceDomainCreate}). Railway project names are
 *       per account, so another account's project of the same name is invisible and never adopted;
 *       a service name Railway refuses as taken is {@code PROJECT_NAME_TAKEN}.
 *   <li><b>setEnvironmentVariables</b> sets every variable in one {@code variableCollectionUpsert}
 *       on the service, with {@code skipDeploys: true}; variables not in the list are left alone.
 *   <li><b>uploadFiles</b> builds the archive once per file list (retries resend the same bytes)
 *       and uploads it; the answer's {@code deploymentId} is the deployment, which
 *       <b>triggerDeployment</b> returns. Given an upload that started nothing, triggerDeployment
 *       calls {@code serviceInstanceDeployV2}.
 *   <li><b>getDeploymentStatus</b> maps {@code SUCCESS} (and {@code SLEEPING}) to success at
 *       {@code https://<staticUrl>}, {@code FAILED} and {@code CRASHED} to {@code BUILD_FAILED},
 *       {@code REMOVED} and {@code SKIPPED} to a failure ({@code UNKNOWN}) that says why, and every
 *       other status to building.
 *   <li><b>streamBuildLogs</b> polls {@code buildLogs} with a moving {@code startDate}, delivers
 *       each line once, and ends after the deployment is terminal. <b>cancelDeployment</b> calls
 *       {@code deploymentCancel}.
 * </ol>
 *
 * <p><b>Credentials.</b> The credential's {@linkplain dev.deploykit.core.spi.Credentials#type()
 * type} chooses the header: {@code default}, {@code account}, {@code personal}, {@code user},
 * {@code oauth} and {@code bearer} are sent as {@code Authorization: Bearer <token>}; {@code project} as {@code
 * Project-Access-Token} (such a token is scoped to one environment of one project: createProject
 * then deploys a service named after the project into that project and environment); {@code
 * workspace} and {@code team} as {@code Team-Access-Token}. Any other type fails {@link
 * #create(PlatformContext)} with {@code INVALID_CONFIG}. The token is sent only to the API URL's
 * host and never appears in a message or a log line.
 *
 * <p><b>Settings</b> ({@code railway.<key>} on the orchestrator's builder):
 *
 * <ul>
 *   <li>{@code apiUrl}: the GraphQL endpoint; default {@code https://backboard.railway.com/graphql/v2}.
 *       A URL without a path gets {@code /graphql/v2}. Uploads go to the same scheme, host and port.
 *   <li>{@code workspaceId} (or {@code teamId}): the workspace to look projects up in and create
 *       them in; default none (the token's own projects).
 *   <li>{@code environment}: the environment's name; default {@code production}, falling back to
 *       the project's first environment when the default is absent.
 *   <li>{@code logPollInterval}: how often build logs are polled, an ISO-8601 duration ({@code
 *       PT1S}) or milliseconds; default 1 second.
 *   <li>{@code uploadTimeout}: how long an upload may take, same formats; default 5 minutes.
 * </ul>
 *
 * <p><b>Errors.</b> Railway answers most failures with HTTP 200 and a GraphQL {@code errors} array;
 * every answer is checked for {@code errors} before {@code data}, whatever its status, and the
 * GraphQL message is kept in the error's message: "not authorized" and similar give {@code
 * AUTH_FAILED}, permission and two-factor messages {@code INSUFFICIENT_PERMISSIONS}, "already
 * exists" {@code PROJECT_NAME_TAKEN}, "not found" and any other message {@code INVALID_CONFIG}.
 * HTTP 401 is {@code AUTH_FAILED}, 413 on upload {@code UPLOAD_FAILED} naming the archive size, 429
 * {@code RATE_LIMIT_EXCEEDED} with the {@code Retry-After} wait (GraphQL requests are retried up to
 * twice when the wait is at most 30 seconds), 5xx and connection failures {@code
 * PLATFORM_UNAVAILABLE}.
 *
 * <p>This class is a stateless factory: it does no I/O and holds no state, so one instance may be
 * shared by any number of threads. The services it creates are thread-safe and own no threads:
 * they use the context's HTTP client, scheduler and executor.
 */
public final class RailwayPlatform implements PlatformProvider {
  /** The platform id, {@code railway}. */
  public static final String ID = "railway";

  /** The GraphQL endpoint used when the {@code apiUrl} setting is absent. */
  public static final String DEFAULT_API_URL = "https://backboard.railway.com/graphql/v2";

  /** Creates the provider; the constructor {@link java.util.ServiceLoader} uses. Does no I/O. */
  public RailwayPlatform() {}

  /** Returns a new provider, for explicit registration. */
  public static RailwayPlatform create() {
    return new RailwayPlatform();
  }

  @Override
  public String id() {
    return ID;
  }

  @Override
  public String displayName() {
    return "Railway";
  }

  /**
   * Returns a service for one deployment, speaking to Railway with the context's credentials. Does
   * no I/O.
   *
   * @throws NullPointerException if {@code context} is null
   * @throws dev.deploykit.core.DeploymentException {@code INVALID_CONFIG} if the credential type is
   *     not one listed above, or a setting is malformed (its message names the setting)
   */
  @Override
  public PlatformService create(PlatformContext context) {
    Objects.requireNonNull(context, "context");
    return new RailwayService(context, RailwaySettings.from(context));
  }

  @Override
  public String toString() {
    return "RailwayPlatform";
  }
}
