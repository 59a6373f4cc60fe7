package dev.deploykit.platform.railway;

import com.fasterxml.jackson.databind.JsonNode;
import dev.deploykit.core.DeploymentError;
import dev.deploykit.core.DeploymentException;
import dev.deploykit.core.DeploymentTarget;
import dev.deploykit.core.ErrorCode;
import dev.deploykit.core.GeneratedFile;
import dev.deploykit.core.UploadProgress;
import dev.deploykit.core.spi.BuildState;
import dev.deploykit.core.spi.BuildStatus;
import dev.deploykit.core.spi.CreateProjectRequest;
import dev.deploykit.core.spi.LogSink;
import dev.deploykit.core.spi.LogStream;
import dev.deploykit.core.spi.PlatformContext;
import dev.deploykit.core.spi.PlatformDeployment;
import dev.deploykit.core.spi.PlatformProject;
import dev.deploykit.core.spi.PlatformService;
import dev.deploykit.core.spi.UploadListener;
import dev.deploykit.core.spi.UploadResult;
import dev.deploykit.env.EnvironmentVariable;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Speaks to Railway for one deployment; see {@link RailwayPlatform} for what each step does. */
final class RailwayService implements PlatformService {
  private static final Logger LOG = LoggerFactory.getLogger(RailwayService.class);

  static final String ENVIRONMENT_ID = "environmentId";
  static final String SERVICE_ID = "serviceId";
  static final String DOMAIN = "domain";
  static final String DEPLOYMENT_DOMAIN = "deploymentDomain";
  static final String LOGS_URL = "logsUrl";
  private static final int CHUNK = 64 * 1024;

  private final PlatformContext context;
  private final RailwaySettings settings;
  private final RailwayApi api;

  private final Object archiveLock = new Object();
  private @Nullable List<GeneratedFile> archivedFiles; // guarded by archiveLock
  private byte @Nullable [] archive; // guarded by archiveLock
  private final AtomicInteger archivesBuilt = new AtomicInteger();

  RailwayService(PlatformContext context, RailwaySettings settings) {
    this.context = context;
    this.settings = settings;
    this.api = new RailwayApi(context, settings);
  }

  /** How many archives this service built: a retried upload must not build another. */
  int archivesBuilt() {
    return archivesBuilt.get();
  }

  // ------------------------------------------------------------------------------ project

  @Override
  public CompletableFuture<PlatformProject> createProject(CreateProjectRequest request) {
    Objects.requireNonNull(request, "request");
    String name = request.projectName();
    return Scope.run(scope -> settings.tokenKind() == RailwaySettings.TokenKind.PROJECT
        ? createWithProjectToken(name, scope)
        : createWithAccountToken(name, scope));
  }

  /** A project and an environment with services, as a GraphQL answer lists them. */
  private record ProjectNode(
      String id, String name, List<Named> environments, List<Named> services) {}

  private record Named(String id, String name) {}

  private CompletableFuture<PlatformProject> createWithAccountToken(String name, Scope scope) {
    Map<String, Object> vars = new HashMap<>();
    if (settings.workspaceId() != null) {
      vars.put("workspaceId", settings.workspaceId());
    }
    return api.graphQl("Projects", vars, "list the projects", scope).thenCompose(data -> {
      List<ProjectNode> matches = new ArrayList<>();
      for (JsonNode edge : data.path("projects").path("edges")) {
        ProjectNode p = project(edge.path("node"), "Projects");
        if (p.name().equals(name)) {
          matches.add(p);
        }
      }
      if (matches.isEmpty()) {
        return createNew(name, scope);
      }
      // Prefer the project that already has our service: that is the one an earlier run made.
      ProjectNode chosen = matches.stream()
          .filter(p -> p.services().stream().anyMatch(s -> s.name().equals(name)))
          .findFirst().orElse(matches.get(0));
      String environmentId = environment(chosen, name).id();
      String serviceId = chosen.services().stream().filter(s -> s.name().equals(name))
          .map(Named::id).findFirst().orElse(null);
      LOG.debug("Reusing Railway project {} ({}) for {}", chosen.id(),
          serviceId == null ? "new service" : "service " + serviceId, name);
      return ensureService(chosen.id(), environmentId, serviceId, name, scope);
    });
  }

  private CompletableFuture<PlatformProject> createNew(String name, Scope scope) {
    Map<String, Object> input = new LinkedHashMap<>();
    input.put("name", name);
    if (settings.workspaceId() != null) {
      input.put("workspaceId", settings.workspaceId());
    }
    if (settings.environment() != null) {
      input.put("defaultEnvironmentName", settings.environment());
    }
    return api.graphQl("ProjectCreate", Map.of("input", input), "create the project " + name, scope)
        .thenCompose(data -> {
          ProjectNode created = project(data.path("projectCreate"), "ProjectCreate");
          LOG.debug("Created Railway project {} for {}", created.id(), name);
          return ensureService(created.id(), environment(created, name).id(), null, name, scope);
        });
  }

  private CompletableFuture<PlatformProject> createWithProjectToken(String name, Scope scope) {
    return api.graphQl("ProjectToken", Map.of(), "read the project token's scope", scope)
        .thenCompose(data -> {
          JsonNode token = data.path("projectToken");
          String projectId = api.requiredText(token, "projectId", "ProjectToken");
          String environmentId = api.requiredText(token, "environmentId", "ProjectToken");
          return api.graphQl("Project", Map.of("id", projectId), "read the project", scope)
              .thenCompose(p -> {
                ProjectNode project = project(p.path("project"), "Project");
                String serviceId = project.services().stream()
                    .filter(s -> s.name().equals(name)).map(Named::id).findFirst().orElse(null);
                return ensureService(projectId, environmentId, serviceId, name, scope);
              });
        });
  }

  /** Creates the service if {@code serviceId} is null, then makes sure it has a domain. */
  private CompletableFuture<PlatformProject> ensureService(String projectId, String environmentId,
      @Nullable String serviceId, String name, Scope scope) {
    CompletableFuture<String> service;
    if (serviceId != null) {
      service = CompletableFuture.completedFuture(serviceId);
    } else {
      Map<String, Object> input = Map.of(
          "projectId", projectId, "environmentId", environmentId, "name", name);
      service = api.graphQl("ServiceCreate", Map.of("input", input),
              "create the service " + name, scope)
          .thenApply(data -> api.requiredText(data.path("serviceCreate"), "id", "ServiceCreate"));
    }
    return service.thenCompose(sid -> ensureDomain(projectId, environmentId, sid, scope)
        .thenApply(domain -> {
          Map<String, String> attributes = new HashMap<>();
          attributes.put(ENVIRONMENT_ID, environmentId);
          attributes.put(SERVICE_ID, sid);
          if (domain != null) {
            attributes.put(DOMAIN, domain);
          }
          return new PlatformProject(projectId, name, attributes);
        }));
  }

  private CompletableFuture<@Nullable String> ensureDomain(
      String projectId, String environmentId, String serviceId, Scope scope) {
    Map<String, Object> vars = Map.of(
        "projectId", projectId, "environmentId", environmentId, "serviceId", serviceId);
    return api.graphQl("Domains", vars, "read the service's domains", scope).thenCompose(data -> {
      JsonNode domains = data.path("domains");
      String existing = firstDomain(domains.path("serviceDomains"));
      if (existing == null) {
        existing = firstDomain(domains.path("customDomains"));
      }
      if (existing != null) {
        return CompletableFuture.completedFuture(existing);
      }
      Map<String, Object> ids = Map.of("serviceId", serviceId, "environmentId", environmentId);
      return api.graphQl("ServiceDomainCreate", ids,
              "give the service a domain", scope)
          .thenApply(d -> RailwayApi.text(d.path("serviceDomainCreate").get("domain")));
    });
  }

  private static @Nullable String firstDomain(JsonNode list) {
    for (JsonNode d : list) {
      String domain = RailwayApi.text(d.get("domain"));
      if (domain != null) {
        return domain;
      }
    }
    return null;
  }

  private ProjectNode project(JsonNode node, String operation) {
    if (!node.isObject()) {
      throw new DeploymentException(api.error(ErrorCode.PLATFORM_UNAVAILABLE, "Railway's answer to "
          + operation + " has no project. This is usually temporary; try again later."));
    }
    return new ProjectNode(api.requiredText(node, "id", operation),
        api.requiredText(node, "name", operation),
        named(node.path("environments"), operation), named(node.path("services"), operation));
  }

  private List<Named> named(JsonNode connection, String operation) {
    List<Named> out = new ArrayList<>();
    for (JsonNode edge : connection.path("edges")) {
      JsonNode n = edge.path("node");
      out.add(new Named(api.requiredText(n, "id", operation), api.requiredText(n, "name", operation)));
    }
    return out;
  }

  /** The configured environment, else production, else the first. */
  private Named environment(ProjectNode project, String projectName) {
    String wanted = settings.environment();
    String name = wanted == null ? RailwaySettings.DEFAULT_ENVIRONMENT : wanted;
    for (Named e : project.environments()) {
      if (e.name().equals(name)) {
        return e;
      }
    }
    for (Named e : project.environments()) {
      if (e.name().equalsIgnoreCase(name)) {
        return e;
      }
    }
    if (wanted == null && !project.environments().isEmpty()) {
      return project.environments().get(0);
    }
    List<String> names = project.environments().stream().map(Named::name).toList();
    throw new DeploymentException(api.error(ErrorCode.INVALID_CONFIG, "The Railway project "
        + projectName + " has no environment named " + name
        + (names.isEmpty() ? " (it has none)" : "; it has " + String.join(", ", names))
        + ". Set railway.environment to one of them, or create the environment on Railway."));
  }

  private String attribute(PlatformProject project, String key) {
    return project.attribute(key).orElseThrow(() -> new DeploymentException(api.error(
        ErrorCode.INVALID_CONFIG, "The project " + project.name() + " has no " + key
            + ": pass the project createProject returned (the Railway adapter records the"
            + " environment and service there)")));
  }

  // ------------------------------------------------------------------------------ variables

  @Override
  public CompletableFuture<Void> setEnvironmentVariables(
      PlatformProject project, List<EnvironmentVariable> variables, DeploymentTarget target) {
    Objects.requireNonNull(project, "project");
    Objects.requireNonNull(variables, "variables");
    Objects.requireNonNull(target, "target");
    return Scope.run(scope -> {
      String environmentId = attribute(project, ENVIRONMENT_ID);
      String serviceId = attribute(project, SERVICE_ID);
      Map<String, String> values = new LinkedHashMap<>();
      List<String> missing = new ArrayList<>();
      for (EnvironmentVariable v : variables) {
        Objects.requireNonNull(v, "variable");
        if (v.value() == null) {
          missing.add(v.key());
        } else {
          values.put(v.key(), v.value());
        }
      }
      if (!missing.isEmpty()) {
        throw new DeploymentException(api.error(ErrorCode.INVALID_CONFIG,
            "These environment variables have no value: " + String.join(", ", missing)
                + ". Give each a value, or leave it out.").withDetails(missing));
      }
      if (values.isEmpty()) {
        return CompletableFuture.completedFuture(null);
      }
      Map<String, Object> input = new LinkedHashMap<>();
      input.put("projectId", project.id());
      input.put("environmentId", environmentId);
      input.put("serviceId", serviceId);
      input.put("variables", values);
      input.put("skipDeploys", true);
      return api.graphQl("VariableCollectionUpsert", input,
              "set " + values.size() + " environment variable" + (values.size() == 1 ? "" : "s"),
              scope)
          .thenApply(data -> {
            JsonNode ok = data.get("variableCollectionUpsert");
            if (ok != null && ok.isBoolean() && !ok.booleanValue()) {
              throw new DeploymentException(api.error(ErrorCode.PLATFORM_UNAVAILABLE,
                  "Railway did not set the environment variables (it answered false). Try"
                      + " again later."));
            }
            return null;
          });
    });
  }

  // ------------------------------------------------------------------------------ upload

  @Override
  public CompletableFuture<UploadResult> uploadFiles(
      PlatformProject project, List<GeneratedFile> files, UploadListener listener) {
    Objects.requireNonNull(project, "project");
    Objects.requireNonNull(files, "files");
    Objects.requireNonNull(listener, "listener");
    return Scope.run(scope -> {
      String environmentId = attribute(project, ENVIRONMENT_ID);
      String serviceId = attribute(project, SERVICE_ID);
      if (files.isEmpty()) {
        throw new DeploymentException(api.error(ErrorCode.INVALID_CONFIG,
            "There are no files to upload to Railway"));
      }
      List<GeneratedFile> copy = List.copyOf(files);
      return scope.track(CompletableFuture.supplyAsync(() -> archiveOf(copy), context.executor()))
          .thenCompose(bytes -> upload(project.id(), environmentId, serviceId, copy, bytes,
              listener, scope));
    });
  }

  /** The archive of {@code files}: built once, then reused while the same files are uploaded. */
  private byte[] archiveOf(List<GeneratedFile> files) {
    synchronized (archiveLock) {
      byte[] built = archive;
      if (built != null && files.equals(archivedFiles)) {
        return built;
      }
      built = Tarball.build(files, context.clock().instant());
      archivesBuilt.incrementAndGet();
      archivedFiles = files;
      archive = built;
      return built;
    }
  }

  private CompletableFuture<UploadResult> upload(String projectId, String environmentId,
      String serviceId, List<GeneratedFile> files, byte[] bytes, UploadListener listener,
      Scope scope) {
    String path = "/project/" + encode(projectId) + "/environment/" + encode(environmentId)
        + "/up?serviceId=" + encode(serviceId);
    HttpRequest request = api.http().request(path)
        .timeout(settings.uploadTimeout())
        .header("Content-Type", "application/gzip")
        .POST(HttpRequest.BodyPublishers.fromPublisher(
            HttpRequest.BodyPublishers.ofByteArrays(new Chunks(bytes, files.size(), listener)),
            bytes.length))
        .build();
    LOG.debug("Uploading {} files to Railway as a {} byte archive", files.size(), bytes.length);
    return api.exchange(request, "upload", scope).thenApply(response -> {
      if (!response.isSuccess()) {
        throw new DeploymentException(uploadError(response, files.size(), bytes.length));
      }
      JsonNode body = api.parse(response.body());
      String deploymentId = body == null ? null : RailwayApi.text(body.get("deploymentId"));
      if (deploymentId == null) {
        throw api.malformed("upload", response.status(), response.headers());
      }
      Map<String, String> attributes = new HashMap<>();
      String domain = RailwayApi.text(body.get("deploymentDomain"));
      if (domain != null) {
        attributes.put(DEPLOYMENT_DOMAIN, domain);
      }
      String logsUrl = RailwayApi.text(body.get("logsUrl"));
      if (logsUrl != null) {
        attributes.put(LOGS_URL, logsUrl);
      }
      report(listener, new UploadProgress(files.size(), files.size(), bytes.length, bytes.length));
      return new UploadResult(files.size(), bytes.length, 0, deploymentId, attributes);
    });
  }

  private DeploymentError uploadError(RailwayApi.Response response, int fileCount, long size) {
    DeploymentError base =
        api.http().mapError(response.status(), response.headers(), response.body());
    if (response.status() == 413) {
      return base.withMessage(api.redact("Railway refused the upload as too large (HTTP 413): the"
          + " archive of " + fileCount + " file" + (fileCount == 1 ? "" : "s") + " was " + size
          + " bytes (" + humanSize(size) + "). Make the project smaller: leave out build output,"
          + " dependencies such as node_modules, and large assets."));
    }
    if (response.status() == 400) {
      JsonNode body = api.parse(response.body());
      String said = body == null ? null : RailwayApi.text(body.get("message"));
      return new DeploymentError(ErrorCode.UPLOAD_FAILED, api.redact("Railway refused the upload"
              + " (HTTP 400)" + (said == null ? "" : ": " + RailwayApi.shorten(said))
              + ". Check the project's files and the service's settings."),
          RailwayPlatform.ID, 400, base.retryAfter(), base.requestId(), base.details());
    }
    return base;
  }

  private static String humanSize(long bytes) {
    if (bytes < 1024 * 1024) {
      return String.format(Locale.ROOT, "%.1f KiB", bytes / 1024.0);
    }
    return String.format(Locale.ROOT, "%.1f MiB", bytes / (1024.0 * 1024.0));
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private static void report(UploadListener listener, UploadProgress progress) {
    try {
      listener.onProgress(progress);
    } catch (RuntimeException e) {
      LOG.debug("An upload listener failed: {}", e.toString());
    }
  }

  /** The archive in chunks, reporting progress as the client takes them. */
  private static final class Chunks implements Iterable<byte[]> {
    private final byte[] bytes;
    private final int files;
    private final UploadListener listener;

    Chunks(byte[] bytes, int files, UploadListener listener) {
      this.bytes = bytes;
      this.files = files;
      this.listener = listener;
    }

    @Override
    public Iterator<byte[]> iterator() {
      return new Iterator<>() {
        private int offset;

        @Override
        public boolean hasNext() {
          return offset < bytes.length;
        }

        @Override
        public byte[] next() {
          if (!hasNext()) {
            throw new NoSuchElementException();
          }
          int end = Math.min(bytes.length, offset + CHUNK);
          byte[] chunk = Arrays.copyOfRange(bytes, offset, end);
          offset = end;
          // Files are inside one archive: none counts as done until Railway accepted it.
          report(listener, new UploadProgress(0, files, offset, bytes.length));
          return chunk;
        }
      };
    }
  }

  // ------------------------------------------------------------------------------ deployment

  @Override
  public CompletableFuture<PlatformDeployment> triggerDeployment(PlatformProject project,
      UploadResult upload, List<GeneratedFile> files, DeploymentTarget target) {
    Objects.requireNonNull(project, "project");
    Objects.requireNonNull(upload, "upload");
    Objects.requireNonNull(files, "files");
    Objects.requireNonNull(target, "target");
    return Scope.run(scope -> {
      String started = upload.deploymentId();
      if (started != null) {
        String domain = upload.attribute(DEPLOYMENT_DOMAIN)
            .or(() -> project.attribute(DOMAIN)).orElse(null);
        return CompletableFuture.completedFuture(
            new PlatformDeployment(started, domain == null ? null : httpsUrl(domain)));
      }
      String environmentId = attribute(project, ENVIRONMENT_ID);
      String serviceId = attribute(project, SERVICE_ID);
      return api.graphQl("ServiceInstanceDeployV2",
              Map.of("serviceId", serviceId, "environmentId", environmentId),
              "start a deployment", scope)
          .thenApply(data -> {
            String id = RailwayApi.text(data.get("serviceInstanceDeployV2"));
            if (id == null) {
              throw new DeploymentException(api.error(ErrorCode.PLATFORM_UNAVAILABLE,
                  "Railway started no deployment (no id in its answer). Try again later."));
            }
            String domain = project.attribute(DOMAIN).orElse(null);
            return new PlatformDeployment(id, domain == null ? null : httpsUrl(domain));
          });
    });
  }

  @Override
  public CompletableFuture<BuildStatus> getDeploymentStatus(
      PlatformProject project, String deploymentId) {
    Objects.requireNonNull(project, "project");
    Objects.requireNonNull(deploymentId, "deploymentId");
    return Scope.run(scope -> api.graphQl("Deployment", Map.of("id", deploymentId),
            "read the deployment's status", scope)
        .thenApply(data -> {
          JsonNode d = data.path("deployment");
          if (!d.isObject()) {
            throw new DeploymentException(api.error(ErrorCode.INVALID_CONFIG,
                "Railway has no deployment " + deploymentId + " (or the token cannot see it)."));
          }
          String status = api.requiredText(d, "status", "Deployment");
          String url = urlOf(RailwayApi.text(d.get("staticUrl")), RailwayApi.text(d.get("url")),
              project.attribute(DOMAIN).orElse(null));
          return statusOf(status, url, deploymentId);
        }));
  }

  /** The live URL: {@code staticUrl}, else {@code url}, else the service's domain. */
  static @Nullable String urlOf(
      @Nullable String staticUrl, @Nullable String url, @Nullable String domain) {
    if (staticUrl != null) {
      return httpsUrl(staticUrl);
    }
    if (url != null) {
      return httpsUrl(url);
    }
    return domain == null ? null : httpsUrl(domain);
  }

  static String httpsUrl(String domainOrUrl) {
    String lower = domainOrUrl.toLowerCase(Locale.ROOT);
    return lower.startsWith("https://") || lower.startsWith("http://") ? domainOrUrl
        : "https://" + domainOrUrl;
  }

  /** Maps Railway's {@code DeploymentStatus} to ours. */
  static BuildStatus statusOf(String status, @Nullable String url, String deploymentId) {
    String s = status.toUpperCase(Locale.ROOT);
    return switch (s) {
      // SLEEPING: the app went live, then slept for want of traffic; a request wakes it.
      case "SUCCESS", "SLEEPING" -> new BuildStatus(BuildState.SUCCESS, url, null, s);
      case "FAILED" -> BuildStatus.failed(failure(ErrorCode.BUILD_FAILED, "The Railway build of"
          + " deployment " + deploymentId + " failed (FAILED). Read the build log above for the"
          + " first error, then run the build locally (e.g. npm run build) to reproduce it."), s);
      case "CRASHED" -> BuildStatus.failed(failure(ErrorCode.BUILD_FAILED, "Deployment "
          + deploymentId + " built on Railway but the app crashed when it started (CRASHED)."
          + " Check the start command, the port it listens on (Railway sets PORT) and the"
          + " environment variables, then read the deploy logs in the Railway dashboard."), s);
      case "REMOVED" -> BuildStatus.failed(failure(ErrorCode.UNKNOWN, "Deployment "
          + deploymentId + " was removed on Railway before it went live (REMOVED): a newer"
          + " deployment of the service replaced it, or someone removed it in the dashboard."
          + " Deploy again."), s);
      case "SKIPPED" -> BuildStatus.failed(failure(ErrorCode.UNKNOWN, "Railway skipped deployment "
          + deploymentId + " (SKIPPED): a newer deployment of the same service was queued, or"
          + " the service's watch paths matched no uploaded file. Deploy again, and check the"
          + " service's watch paths."), s);
      default -> BuildStatus.building(s);
    };
  }

  private static DeploymentError failure(ErrorCode code, String message) {
    return DeploymentError.of(code, message).withPlatform(RailwayPlatform.ID);
  }

  @Override
  public LogStream streamBuildLogs(PlatformProject project, String deploymentId, LogSink sink) {
    Objects.requireNonNull(project, "project");
    Objects.requireNonNull(deploymentId, "deploymentId");
    Objects.requireNonNull(sink, "sink");
    BuildLogPoller poller = new BuildLogPoller(api, context, settings.logPollInterval(),
        deploymentId, sink);
    poller.start();
    return poller;
  }

  @Override
  public CompletableFuture<Void> cancelDeployment(PlatformProject project, String deploymentId) {
    Objects.requireNonNull(project, "project");
    Objects.requireNonNull(deploymentId, "deploymentId");
    return Scope.run(scope -> api.graphQl("DeploymentCancel", Map.of("id", deploymentId),
            "cancel deployment " + deploymentId, scope)
        .thenApply(data -> null));
  }

  @Override
  public String toString() {
    return "RailwayService[" + settings + "]";
  }
}
