package dev.deploykit.platform.vercel;

import dev.deploykit.core.spi.PlatformContext;
import dev.deploykit.core.spi.PlatformProvider;
import dev.deploykit.core.spi.PlatformService;
import java.util.Objects;

/**
 * Deploys to <a href="https://vercel.com">Vercel</a> over its REST API: the {@link
 * PlatformProvider} with id {@code vercel}. Found by {@link java.util.ServiceLoader}, or registered
 * explicitly with {@code DeploymentOrchestrator.builder().platform(VercelPlatform.create())}.
 *
 * <p>A deployment creates the project ({@code POST /v11/projects}, with the framework detected from
 * {@code package.json}; a name that exists and that this token can read is reused, a name taken by
 * another account fails with {@code PROJECT_NAME_TAKEN}), sets the variables in one request, sends
 * only the files Vercel lacks (SHA-1 content addressing, {@code missing_files}), follows the build
 * events and polls the deployment until it is live.
 *
 * <p>The token (a Vercel access token, from the user's {@code Credentials}) is sent as {@code
 * Authorization: Bearer} to the API host only. Settings, given to the orchestrator's builder with
 * the {@code vercel.} prefix:
 *
 * <table>
 *   <caption>Settings</caption>
 *   <tr><th>key</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>{@code vercel.apiUrl}</td><td>{@code https://api.vercel.com}</td><td>the API's base
 *       URL</td></tr>
 *   <tr><td>{@code vercel.teamId} / {@code vercel.slug}</td><td>none (personal account)</td>
 *       <td>the team every call is scoped to ({@code teamId} wins when both are set)</td></tr>
 *   <tr><td>{@code vercel.uploadConcurrency}</td><td>8</td><td>file uploads in flight, 1 to
 *       64</td></tr>
 *   <tr><td>{@code vercel.uploadTransport}</td><td>{@code http1}</td><td>how files are sent:
 *       {@code http1}, the adapter's own keep-alive HTTP/1.1 connections on blocking sockets (a
 *       tenth of the JDK client's CPU per request; up to 32 upload threads per provider, shared by
 *       its deployments, created on demand and ended after 30 s idle; the client's TLS settings;
 *       the orchestrator's {@code HttpClient} is used instead when its proxy selector picks a
 *       proxy or it has an authenticator), or {@code jdk}, the orchestrator's {@code
 *       HttpClient}</td></tr>
 *   <tr><td>{@code vercel.uploadRetries}</td><td>3</td><td>retries of each file upload on 408,
 *       429, 5xx and connection failures, 0 to 10</td></tr>
 *   <tr><td>{@code vercel.uploadRetryDelayMillis} / {@code uploadRetryMaxDelayMillis}</td>
 *       <td>500 / 10000</td><td>the exponential backoff of those retries (25% jitter);
 *       {@code Retry-After} wins when present</td></tr>
 *   <tr><td>{@code vercel.maxRetryAfterMillis}</td><td>60000</td><td>a longer {@code
 *       Retry-After} fails the upload instead of waiting</td></tr>
 *   <tr><td>{@code vercel.envTargets}</td><td>{@code production,preview}</td><td>the
 *       environments variables are set for; with {@code development}, sensitive variables are
 *       sent as {@code encrypted} (Vercel allows {@code sensitive} only for production and
 *       preview)</td></tr>
 *   <tr><td>{@code vercel.framework}</td><td>detected</td><td>a framework slug to force, or
 *       {@code none}</td></tr>
 *   <tr><td>{@code vercel.logStatusIntervalMillis}</td><td>5000</td><td>how often the log stream
 *       checks whether the deployment has ended</td></tr>
 *   <tr><td>{@code vercel.logReconnectDelayMillis} / {@code logMaxReconnects}</td>
 *       <td>1000 / 10</td><td>reconnecting a dropped build-event stream</td></tr>
 *   <tr><td>{@code vercel.aliasWaitMillis}</td><td>60000</td><td>how long a READY production
 *       deployment waits for its production domain before the deployment's own URL is
 *       used</td></tr>
 * </table>
 *
 * <p>A re-deploy of a project reuses what the provider learnt on an earlier deployment: the
 * project's id, kept for 10 minutes per API URL, team, token (as a one-way fingerprint) and name,
 * and dropped when Vercel answers 404 or 403 for it. A re-deploy of unchanged files then costs
 * three requests: create-deployment (no file is missing), one status read, one build-event stream.
 *
 * <p>Thread-safe; {@link #create(PlatformContext)} does no I/O.
 */
public final class VercelPlatform implements PlatformProvider {
  /** The platform id, {@code vercel}. */
  public static final String ID = "vercel";

  private final ProjectCache projects = new ProjectCache();
  private final Http1Transport uploads = new Http1Transport(Http1Transport.DEFAULT_MAX_THREADS);

  /** Creates the provider; used by {@link java.util.ServiceLoader}. */
  public VercelPlatform() {}

  /** Returns a provider, for explicit registration on the orchestrator's builder. */
  public static VercelPlatform create() {
    return new VercelPlatform();
  }

  @Override
  public String id() {
    return ID;
  }

  @Override
  public String displayName() {
    return "Vercel";
  }

  /**
   * Returns a service speaking to Vercel with the context's credentials, HTTP client and settings.
   *
   * @throws dev.deploykit.core.DeploymentException {@code INVALID_CONFIG} if a setting is invalid
   *     (the message names it and the accepted values)
   */
  @Override
  public PlatformService create(PlatformContext context) {
    return new VercelService(Objects.requireNonNull(context, "context"), projects, uploads);
  }

  /**
   * Ends the upload threads and closes the kept-alive upload connections; a later deployment makes
   * new ones.
   */
  @Override
  public void close() {
    uploads.close();
  }

  /** The upload transport shared by this provider's services; for tests. */
  Http1Transport transport() {
    return uploads;
  }

  @Override
  public String toString() {
    return "VercelPlatform";
  }
}
