package dev.deploykit.platform.render;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.deploykit.core.DeploymentError;
import dev.deploykit.core.DeploymentException;
import dev.deploykit.core.DeploymentTarget;
import dev.deploykit.core.ErrorCode;
import dev.deploykit.core.GeneratedFile;
import dev.deploykit.core.spi.BuildStatus;
import dev.deploykit.core.spi.CreateProjectRequest;
import dev.deploykit.core.spi.Credentials;
import dev.deploykit.core.spi.LogSink;
import dev.deploykit.core.spi.LogStream;
import dev.deploykit.core.spi.PlatformContext;
import dev.deploykit.core.spi.PlatformDeployment;
import dev.deploykit.core.spi.PlatformErrorBody;
import dev.deploykit.core.spi.PlatformHttp;
import dev.deploykit.core.spi.PlatformProject;
import dev.deploykit.core.spi.PlatformService;
import dev.deploykit.core.spi.UploadListener;
import dev.deploykit.core.spi.UploadResult;
import dev.deploykit.env.EnvironmentVariable;
import dev.deploykit.github.GitHubPublisher;
import dev.deploykit.github.GitHubRepository;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The Render service for one deployment; see {@link RenderPlatform}. Thread-safe. */
final class RenderService implements PlatformService {
  static final String DEFAULT_API_URL = "https://api.render.com/v1";
  static final String DEFAULT_PLAN = "free";
  private static final Logger LOG = LoggerFactory.getLogger(RenderService.class);
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,100}");

  private final PlatformContext context;
  private final PlatformHttp http;
  private final ObjectMapper mapper;
  private final Optional<Credentials> github;
  private final Duration logPollInterval;
  /** The service of each project, once found or created. */
  private final Map<String, ServiceInfo> services = new ConcurrentHashMap<>();
  /** Variables given before the service exists; sent inline when it is created. */
  private final Map<String, List<EnvironmentVariable>> pendingVariables = new ConcurrentHashMap<>();

  /** What the adapter knows of a Render service. */
  record ServiceInfo(String id, String ownerId, @Nullable String url, @Nullable String repo) {}

  RenderService(PlatformContext context, Optional<Credentials> github) {
    this.context = context;
    this.mapper = context.objectMapper();
    this.github = github;
    this.http = PlatformHttp.builder(context)
        .baseUrl(context.apiUrl(DEFAULT_API_URL))
        .displayName("Render")
        .defaultHeaders(Map.of("Accept", "application/json", "User-Agent", "deploykit-java/0.1"))
        .errorMessages(RenderService::advice)
        .build();
    this.logPollInterval = Duration.ofMillis(longSetting("logPollInterval", 2000, 10, 60_000));
  }

  private long longSetting(String key, long def, long min, long max) {
    Optional<String> raw = context.setting(key);
    if (raw.isEmpty()) {
      return def;
    }
    try {
      long v = Long.parseLong(raw.get().strip());
      if (v >= min && v <= max) {
        return v;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw invalid("The render." + key + " setting must be a number from " + min + " to " + max);
  }

  private static @Nullable String advice(int status, PlatformErrorBody body) {
    if (status == 402) {
      return "Render asks for payment: the plan chosen (setting render.plan, default free) needs a"
          + " payment method on the workspace, or the workspace has used up its free allowance."
          + " Add billing in the Render dashboard, or deploy on the free plan.";
    }
    if (status == 409) {
      return "A Render service with this name probably exists; choose another project name.";
    }
    return null;
  }

  // ------------------------------------------------------------------------------------------

  @Override
  public CompletableFuture<PlatformProject> createProject(CreateProjectRequest request) {
    Objects.requireNonNull(request, "request");
    String name = request.projectName();
    if (!NAME.matcher(name).matches() || name.toLowerCase(Locale.ROOT).endsWith(".git")) {
      return CompletableFuture.failedFuture(invalid("'" + name.replaceAll("\\p{Cntrl}", "?")
          + "' cannot name a Render service built from a GitHub repository: use letters, digits,"
          + " '.', '-' and '_' only (at most 100 characters), e.g. my-app"));
    }
    if (github.isEmpty()) {
      return CompletableFuture.failedFuture(new DeploymentException(DeploymentError.of(
          ErrorCode.AUTH_FAILED, "Render builds from a GitHub repository, and no GitHub token was"
              + " found for this deployment: set the " + RenderPlatform.GITHUB_TOKEN_VARIABLE
              + " environment variable, or give RenderPlatform.builder().githubCredentials(..) a"
              + " lookup").withPlatform("render")));
    }
    try {
      commands(request.files());
    } catch (DeploymentException e) {
      return CompletableFuture.failedFuture(e);
    }
    return ownerId().thenCompose(owner -> findService(owner, name).thenApply(found -> {
      if (found == null) {
        return new PlatformProject(name, name, Map.of("ownerId", owner));
      }
      services.put(name, found);
      Map<String, String> attributes = new HashMap<>();
      attributes.put("ownerId", owner);
      attributes.put("serviceId", found.id());
      if (found.url() != null) {
        attributes.put("serviceUrl", found.url());
      }
      return new PlatformProject(found.id(), name, attributes);
    }));
  }

  private NodeCommands commands(List<GeneratedFile> files) {
    return NodeCommands.of(files, mapper, nonBlank("buildCommand"), nonBlank("startCommand"));
  }

  private Optional<String> nonBlank(String key) {
    return context.setting(key).map(String::strip).filter(s -> !s.isEmpty());
  }

  private CompletableFuture<String> ownerId() {
    Optional<String> configured = nonBlank("ownerId");
    if (configured.isPresent()) {
      return CompletableFuture.completedFuture(configured.get());
    }
    return get("/owners?limit=100").thenApply(node -> {
      requireBody(node, "GET /owners");
      List<String> ids = new ArrayList<>();
      List<String> described = new ArrayList<>();
      for (JsonNode item : items(node)) {
        JsonNode owner = item.has("owner") ? item.path("owner") : item;
        String id = owner.path("id").asText("");
        if (!id.isEmpty()) {
          ids.add(id);
          described.add(id + " (" + owner.path("name").asText("?") + ")");
        }
      }
      if (ids.size() == 1) {
        return ids.get(0);
      }
      if (ids.isEmpty()) {
        throw invalid("This Render API key reaches no workspace; create one in the Render dashboard,"
            + " or set render.ownerId");
      }
      throw invalid("This Render API key reaches " + ids.size() + " workspaces: "
          + String.join(", ", described) + ". Choose one with the render.ownerId setting");
    });
  }

  /** The web service named {@code name} in the workspace, or null; PROJECT_NAME_TAKEN if not a web service. */
  private CompletableFuture<@Nullable ServiceInfo> findService(String owner, String name) {
    return get("/services?name=" + encode(name) + "&ownerId=" + encode(owner) + "&limit=20")
        .thenApply(node -> {
          requireBody(node, "GET /services");
          for (JsonNode item : items(node)) {
            JsonNode service = item.has("service") ? item.path("service") : item;
            if (!name.equals(service.path("name").asText())) {
              continue;
            }
            String type = service.path("type").asText("");
            if (!type.equals("web_service")) {
              throw new DeploymentException(DeploymentError.of(ErrorCode.PROJECT_NAME_TAKEN,
                  "The Render workspace already has a " + type.replace('_', ' ') + " named " + name
                      + "; a web service cannot take its name. Choose another project name.")
                  .withPlatform("render"));
            }
            return info(service, owner);
          }
          return null;
        });
  }

  private static ServiceInfo info(JsonNode service, String owner) {
    String id = service.path("id").asText("");
    if (id.isEmpty()) {
      throw malformed("a service without an id");
    }
    String url = service.path("serviceDetails").path("url").asText("");
    String repo = service.path("repo").asText("");
    return new ServiceInfo(id, service.path("ownerId").asText(owner), url.isEmpty() ? null : url,
        repo.isEmpty() ? null : repo);
  }

  private static List<JsonNode> items(JsonNode node) {
    List<JsonNode> out = new ArrayList<>();
    if (node.isArray()) {
      node.forEach(out::add);
    }
    return out;
  }

  // ------------------------------------------------------------------------------------------

  /**
   * Sets the service's variables. Render's {@code PUT /services/{id}/env-vars} replaces every
   * variable of the service, so the complete list is sent: variables not in it are deleted. Before
   * the service exists, the list is kept and sent inline when triggerDeployment creates it. An empty
   * list changes nothing. The target is ignored: a Render service has one set of variables.
   */
  @Override
  public CompletableFuture<Void> setEnvironmentVariables(
      PlatformProject project, List<EnvironmentVariable> variables, DeploymentTarget target) {
    Objects.requireNonNull(project, "project");
    Objects.requireNonNull(variables, "variables");
    Objects.requireNonNull(target, "target");
    List<EnvironmentVariable> withValues =
        variables.stream().filter(EnvironmentVariable::hasValue).toList();
    if (withValues.isEmpty()) {
      return CompletableFuture.completedFuture(null);
    }
    ServiceInfo service = known(project);
    if (service == null) {
      pendingVariables.put(project.name(), withValues);
      return CompletableFuture.completedFuture(null);
    }
    return send(http.request("/services/" + service.id() + "/env-vars")
        .header("Content-Type", "application/json")
        .PUT(PlatformHttp.json(mapper, envVars(withValues))).build())
        .thenApply(n -> null);
  }

  private static List<Map<String, String>> envVars(List<EnvironmentVariable> variables) {
    List<Map<String, String>> out = new ArrayList<>();
    for (EnvironmentVariable v : variables) {
      Map<String, String> entry = new LinkedHashMap<>();
      entry.put("key", v.key());
      entry.put("value", Objects.requireNonNull(v.value()));
      out.add(entry);
    }
    return out;
  }

  // ------------------------------------------------------------------------------------------

  @Override
  public CompletableFuture<UploadResult> uploadFiles(
      PlatformProject project, List<GeneratedFile> files, UploadListener listener) {
    Objects.requireNonNull(project, "project");
    Objects.requireNonNull(files, "files");
    Objects.requireNonNull(listener, "listener");
    GitHubPublisher publisher;
    try {
      publisher = publisher();
    } catch (DeploymentException e) {
      return CompletableFuture.failedFuture(e);
    }
    ServiceInfo existing = known(project);
    return publisher.repository(project.name())
        .thenCompose(repo -> {
          if (existing != null && existing.repo() != null
              && !sameRepository(existing.repo(), repo.htmlUrl().toString())) {
            throw new DeploymentException(DeploymentError.of(ErrorCode.PROJECT_NAME_TAKEN,
                "The Render service " + project.name() + " builds from " + existing.repo()
                    + ", not from " + repo.htmlUrl() + "; choose another project name, or delete"
                    + " that service").withPlatform("render"));
          }
          return publisher.publish(repo, files, listener);
        })
        .thenApply(r -> {
          Map<String, String> attributes = new LinkedHashMap<>();
          attributes.put("commitSha", r.commitSha());
          attributes.put("branch", r.branch());
          attributes.put("repository", r.repository().htmlUrl().toString());
          attributes.put("changed", String.valueOf(r.changed()));
          return new UploadResult(r.filesUploaded(), r.bytesUploaded(), 0, null, attributes);
        });
  }

  private GitHubPublisher publisher() {
    Map<String, String> settings = new HashMap<>();
    nonBlank("githubApiUrl").ifPresent(v -> settings.put("apiUrl", v));
    nonBlank("githubOrg").ifPresent(v -> settings.put("org", v));
    nonBlank("githubBranch").ifPresent(v -> settings.put("branch", v));
    nonBlank("githubPrivate").ifPresent(v -> settings.put("private", v));
    // The same bound on each request to GitHub as to Render.
    nonBlank("requestTimeout").ifPresent(v -> settings.put("requestTimeout", v));
    Credentials token = github.orElseThrow();
    PlatformContext githubContext = new PlatformContext("github",
        Credentials.of("github", token.token()), context.httpClient(), mapper,
        context.scheduler(), context.executor(), context.clock(), settings);
    return GitHubPublisher.create(githubContext);
  }

  static boolean sameRepository(String a, String b) {
    return normalise(a).equals(normalise(b));
  }

  private static String normalise(String url) {
    String s = url.strip().toLowerCase(Locale.ROOT);
    while (s.endsWith("/")) {
      s = s.substring(0, s.length() - 1);
    }
    if (s.endsWith(".git")) {
      s = s.substring(0, s.length() - 4);
    }
    return s.replaceFirst("^https?://(www\\.)?", "");
  }

  // ------------------------------------------------------------------------------------------

  @Override
  public CompletableFuture<PlatformDeployment> triggerDeployment(
      PlatformProject project, UploadResult upload, List<GeneratedFile> files,
      DeploymentTarget target) {
    Objects.requireNonNull(project, "project");
    Objects.requireNonNull(upload, "upload");
    Objects.requireNonNull(files, "files");
    Objects.requireNonNull(target, "target");
    Optional<String> commit = upload.attribute("commitSha");
    Optional<String> repository = upload.attribute("repository");
    if (commit.isEmpty() || repository.isEmpty()) {
      return CompletableFuture.failedFuture(invalid("The Render deployment needs the GitHub commit"
          + " that uploadFiles published; call uploadFiles first"));
    }
    ServiceInfo service = known(project);
    if (service != null) {
      return deploy(service, commit.get());
    }
    NodeCommands commands;
    try {
      commands = commands(files);
    } catch (DeploymentException e) {
      return CompletableFuture.failedFuture(e);
    }
    String owner = project.attribute("ownerId").orElse(null);
    CompletableFuture<String> ownerF = owner != null
        ? CompletableFuture.completedFuture(owner) : ownerId();
    return ownerF.thenCompose(o -> createService(project, o, repository.get(),
        upload.attribute("branch").orElse("main"), commands));
  }

  private CompletableFuture<PlatformDeployment> createService(PlatformProject project, String owner,
      String repository, String branch, NodeCommands commands) {
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("runtime", "node");
    details.put("plan", nonBlank("plan").orElse(DEFAULT_PLAN));
    nonBlank("region").ifPresent(r -> details.put("region", r));
    details.put("envSpecificDetails", Map.of(
        "buildCommand", commands.buildCommand(), "startCommand", commands.startCommand()));
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("type", "web_service");
    body.put("name", project.name());
    body.put("ownerId", owner);
    body.put("repo", repository);
    body.put("branch", branch);
    body.put("autoDeploy", "no");
    body.put("envVars", envVars(pendingVariables.getOrDefault(project.name(), List.of())));
    body.put("serviceDetails", details);
    return send(http.request("/services").header("Content-Type", "application/json")
            .POST(PlatformHttp.json(mapper, body)).build())
        .thenCompose(node -> {
          JsonNode service = node.has("service") ? node.path("service") : node;
          ServiceInfo info = info(service, owner);
          services.put(project.name(), info);
          pendingVariables.remove(project.name());
          LOG.debug("Created Render service {} for {}", info.id(), project.name());
          String deployId = node.path("deployId").asText("");
          CompletableFuture<String> id = deployId.isEmpty()
              ? latestDeploy(info) : CompletableFuture.completedFuture(deployId);
          return id.thenApply(d -> new PlatformDeployment(d, info.url()));
        });
  }

  private CompletableFuture<PlatformDeployment> deploy(ServiceInfo service, String commit) {
    return send(http.request("/services/" + service.id() + "/deploys")
            .header("Content-Type", "application/json")
            .POST(PlatformHttp.json(mapper, Map.of("commitId", commit))).build())
        .thenCompose(node -> {
          String id = node.path("id").asText("");
          return id.isEmpty() ? latestDeploy(service) : CompletableFuture.completedFuture(id);
        })
        .thenApply(id -> new PlatformDeployment(id, service.url()));
  }

  /** The newest deploy of the service, for answers that did not say which deploy they started. */
  private CompletableFuture<String> latestDeploy(ServiceInfo service) {
    return get("/services/" + service.id() + "/deploys?limit=1").thenApply(node -> {
      for (JsonNode item : items(node)) {
        JsonNode deploy = item.has("deploy") ? item.path("deploy") : item;
        String id = deploy.path("id").asText("");
        if (!id.isEmpty()) {
          return id;
        }
      }
      throw malformed("no deploy for service " + service.id());
    });
  }

  // ------------------------------------------------------------------------------------------

  @Override
  public CompletableFuture<BuildStatus> getDeploymentStatus(PlatformProject project, String deploymentId) {
    Objects.requireNonNull(project, "project");
    Objects.requireNonNull(deploymentId, "deploymentId");
    return service(project).thenCompose(service ->
        get("/services/" + service.id() + "/deploys/" + encode(deploymentId))
            .thenCompose(deploy -> {
              String status = deploy.path("status").asText("");
              if (status.isEmpty()) {
                throw malformed("a deploy without a status");
              }
              return statusOf(service, project, status);
            }));
  }

  private CompletableFuture<BuildStatus> statusOf(ServiceInfo service, PlatformProject project, String status) {
    switch (status) {
      case "live":
        if (service.url() != null) {
          return CompletableFuture.completedFuture(BuildStatus.success(service.url()));
        }
        return get("/services/" + service.id()).thenApply(node -> {
          ServiceInfo fresh = info(node.has("service") ? node.path("service") : node, service.ownerId());
          services.put(project.name(), fresh);
          if (fresh.url() == null) {
            throw malformed("a live service without a URL");
          }
          return BuildStatus.success(fresh.url());
        });
      case "build_failed":
      case "update_failed":
      case "pre_deploy_failed":
        return CompletableFuture.completedFuture(BuildStatus.failed(DeploymentError.of(
            ErrorCode.BUILD_FAILED, "The Render deploy of " + project.name() + " ended "
                + status.replace('_', ' ') + "; the build log says why (Render dashboard, service "
                + service.id() + ")").withPlatform("render"), status));
      case "canceled":
      case "deactivated": // replaced by a later deploy: it will not go live
        return CompletableFuture.completedFuture(BuildStatus.cancelled(status));
      default:
        return CompletableFuture.completedFuture(BuildStatus.building(status));
    }
  }

  static boolean isTerminal(String status) {
    return switch (status) {
      case "live", "build_failed", "update_failed", "pre_deploy_failed", "canceled",
          "deactivated" -> true;
      default -> false;
    };
  }

  /** The project's service: known, else looked up by name. */
  CompletableFuture<ServiceInfo> service(PlatformProject project) {
    ServiceInfo known = known(project);
    if (known != null) {
      return CompletableFuture.completedFuture(known);
    }
    String owner = project.attribute("ownerId").orElse(null);
    CompletableFuture<String> ownerF = owner != null
        ? CompletableFuture.completedFuture(owner) : ownerId();
    return ownerF.thenCompose(o -> findService(o, project.name())).thenApply(found -> {
      if (found == null) {
        throw invalid("There is no Render service named " + project.name()
            + " yet; deploy it first");
      }
      services.put(project.name(), found);
      return found;
    });
  }

  private @Nullable ServiceInfo known(PlatformProject project) {
    ServiceInfo info = services.get(project.name());
    if (info != null) {
      return info;
    }
    Optional<String> id = project.attribute("serviceId");
    if (id.isPresent()) {
      return new ServiceInfo(id.get(), project.attribute("ownerId").orElse(""),
          project.attribute("serviceUrl").orElse(null), null);
    }
    return null;
  }

  // ------------------------------------------------------------------------------------------

  @Override
  public LogStream streamBuildLogs(PlatformProject project, String deploymentId, LogSink sink) {
    Objects.requireNonNull(project, "project");
    Objects.requireNonNull(deploymentId, "deploymentId");
    Objects.requireNonNull(sink, "sink");
    RenderLogStream stream = new RenderLogStream(this, deploymentId, sink, context.scheduler(),
        context.clock(), logPollInterval);
    stream.start(service(project));
    return stream;
  }

  /**
   * Cancels the deploy. A 409 (the deploy has already finished, so there is nothing to cancel)
   * completes normally.
   */
  @Override
  public CompletableFuture<Void> cancelDeployment(PlatformProject project, String deploymentId) {
    Objects.requireNonNull(project, "project");
    Objects.requireNonNull(deploymentId, "deploymentId");
    return service(project).thenCompose(service -> send(
        http.request("/services/" + service.id() + "/deploys/" + encode(deploymentId) + "/cancel")
            .POST(HttpRequest.BodyPublishers.noBody()).build()))
        .<Void>thenApply(n -> null)
        .exceptionally(e -> {
          DeploymentException d = null;
          for (Throwable c = e; c != null; c = c.getCause()) {
            if (c instanceof DeploymentException x) {
              d = x;
              break;
            }
          }
          if (d != null && d.error().httpStatus() != null && d.error().httpStatus() == 409) {
            LOG.debug("Render deploy {} had already finished; nothing to cancel", deploymentId);
            return null;
          }
          throw e instanceof CompletionException c ? c : new CompletionException(e);
        });
  }

  // ------------------------------------------------------------------------------------------
  // HTTP

  CompletableFuture<JsonNode> get(String pathAndQuery) {
    try {
      return send(http.request(pathAndQuery).GET().build());
    } catch (DeploymentException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /** Sends through the helper; a 402 becomes INVALID_CONFIG (a plan or billing problem). */
  /**
   * An empty 2xx body where a list was asked for is a malformed answer (temporary), not an empty
   * list: reading it as "nothing there" would create a second service or name no workspace.
   */
  private static void requireBody(JsonNode node, String call) {
    if (node.isMissingNode()) {
      throw new DeploymentException(DeploymentError.of(ErrorCode.PLATFORM_UNAVAILABLE,
          "Render answered " + call + " with an empty body. This is usually temporary; try again"
              + " later.").withPlatform("render"));
    }
  }

  private CompletableFuture<JsonNode> send(HttpRequest request) {
    CompletableFuture<JsonNode> sent = http.sendJson(request);
    CompletableFuture<JsonNode> out = sent.handle((node, e) -> {
      if (e == null) {
        return node;
      }
      Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
      if (cause instanceof DeploymentException d && d.error().httpStatus() != null
          && d.error().httpStatus() == 402) {
        DeploymentError r = d.error();
        throw new DeploymentException(new DeploymentError(ErrorCode.INVALID_CONFIG, r.message(),
            r.platform(), r.httpStatus(), r.retryAfter(), r.requestId(), r.details()), d);
      }
      throw e instanceof CompletionException c ? c : new CompletionException(cause);
    });
    out.whenComplete((v, e) -> {
      if (e instanceof CancellationException) {
        sent.cancel(true);
      }
    });
    return out;
  }

  static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private static DeploymentException invalid(String message) {
    return new DeploymentException(
        DeploymentError.of(ErrorCode.INVALID_CONFIG, message).withPlatform("render"));
  }

  static DeploymentException malformed(String what) {
    return new DeploymentException(DeploymentError.of(ErrorCode.PLATFORM_UNAVAILABLE,
        "Render answered with " + what + ". This is usually temporary; try again later.")
        .withPlatform("render"));
  }

  @Override
  public String toString() {
    return "RenderService[" + http.baseUrl() + "]";
  }
}
