package dev.deploykit.platform.vercel;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.deploykit.core.DeploymentError;
import dev.deploykit.core.DeploymentException;
import dev.deploykit.core.DeploymentTarget;
import dev.deploykit.core.ErrorCode;
import dev.deploykit.core.GeneratedFile;
import dev.deploykit.core.UploadProgress;
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
import java.net.http.HttpRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Vercel {@link PlatformService}: one per deployment, made by {@link VercelPlatform}.
 * Thread-safe; owns no threads.
 */
final class VercelService implements PlatformService {
  private static final Logger LOG = LoggerFactory.getLogger(VercelService.class);
  static final String ATTR_FRAMEWORK = "framework";
  static final String ATTR_TARGET = "target";
  static final String ATTR_URL = "url";
  private static final Set<String> BUILDING = Set.of("QUEUED", "INITIALIZING", "BUILDING");
  private static final Set<String> TERMINAL = Set.of("READY", "ERROR", "CANCELED", "BLOCKED");
  private static final Set<String> LOG_TYPES = Set.of("stdout", "stderr", "command", "fatal");
  private static final int TAIL_LINES = 10;

  private final PlatformContext context;
  private final VercelSettings settings;
  private final VercelApi api;
  private final FileUploader uploader;
  private final ObjectMapper mapper;
  private final Map<String, Instant> readySince = new ConcurrentHashMap<>();
  private final ProjectCache projects;
  /** Status reads in flight, shared by the poll and the log stream's end-of-build check. */
  private final Map<String, CompletableFuture<JsonNode>> statusInFlight = new ConcurrentHashMap<>();
  /** Deployments a status read has seen in a terminal state. */
  private final Set<String> ended = ConcurrentHashMap.newKeySet();
  /** The answer of a read that showed a state that can no longer change, per deployment. */
  private final Map<String, JsonNode> finalAnswers = new ConcurrentHashMap<>();

  VercelService(PlatformContext context, ProjectCache projects, Http1Transport uploads) {
    this.context = context;
    this.settings = VercelSettings.from(context.settings());
    this.api = new VercelApi(context, settings, settings.http1Uploads() ? uploads : null);
    this.uploader = new FileUploader(api, settings);
    this.mapper = context.objectMapper();
    this.projects = projects;
  }

  private String cacheKey(String name) {
    return ProjectCache.key(api.http().baseUrl().toString(), settings.teamQuery(),
        context.credentials().token(), name);
  }

  /** Forgets the cached project when Vercel says it does not exist or is not ours (404, 403). */
  private void forgetProjectOn(PlatformProject project, Throwable e) {
    Throwable cause = VercelApi.unwrap(e);
    if (cause instanceof DeploymentException de && de.error().httpStatus() != null
        && (de.error().httpStatus() == 404 || de.error().httpStatus() == 403)) {
      projects.remove(cacheKey(project.name()));
      LOG.debug("Forgot the cached Vercel project {} after HTTP {}", project.name(),
          de.error().httpStatus());
    }
  }

  // ---- createProject -----------------------------------------------------------------------

  @Override
  public CompletableFuture<PlatformProject> createProject(CreateProjectRequest request) {
    Objects.requireNonNull(request, "request");
    String name = request.projectName();
    try {
      ProjectNames.check(name);
    } catch (DeploymentException e) {
      return CompletableFuture.failedFuture(e);
    }
    String framework = settings.framework()
        .map(f -> f.equals(VercelSettings.NO_FRAMEWORK) ? null : f)
        .orElseGet(() -> Frameworks.detect(request.files(), mapper));
    Map<String, String> attributes = new HashMap<>();
    attributes.put(ATTR_FRAMEWORK, framework == null ? "" : framework);
    attributes.put(ATTR_TARGET, request.target().name());
    String key = cacheKey(name);
    ProjectCache.Entry cached = projects.get(key, context.clock().instant());
    if (cached != null) {
      // A re-deploy: this provider created or found the project moments ago with this token.
      LOG.debug("Reusing Vercel project {} ({}) created or found by an earlier deployment",
          name, cached.id());
      return CompletableFuture.completedFuture(
          new PlatformProject(cached.id(), cached.name(), attributes));
    }
    ObjectNode body = mapper.createObjectNode();
    body.put("name", name);
    if (framework == null) {
      body.putNull("framework");
    } else {
      body.put("framework", framework);
    }
    return Tracker.run(t -> t.track(api.sendJson("POST", api.path("/v11/projects"), body))
        .thenApply(json -> project(json, name, attributes, "POST /v11/projects"))
        .exceptionallyCompose(e -> {
          Throwable cause = VercelApi.unwrap(e);
          if (cause instanceof DeploymentException de
              && de.code() == ErrorCode.PROJECT_NAME_TAKEN) {
            return t.track(lookUpExisting(name, attributes, de));
          }
          return CompletableFuture.failedFuture(cause);
        })
        .thenApply(p -> {
          projects.put(key, new ProjectCache.Entry(p.id(), p.name(), context.clock().instant()));
          return p;
        }));
  }

  /**
   * After a 409: the project is ours if this token (and team) can read it; a 404 or 403 means the
   * name belongs to somebody else.
   */
  private CompletableFuture<PlatformProject> lookUpExisting(
      String name, Map<String, String> attributes, DeploymentException conflict) {
    HttpRequest get = api.request(api.path("/v10/projects/" + VercelApi.encode(name))).GET().build();
    return api.send(get)
        .thenApply(json -> {
          PlatformProject p = project(json, name, attributes, "GET /v10/projects");
          LOG.debug("Project {} exists and this account can read it; reusing it", name);
          return p;
        })
        .exceptionallyCompose(e -> {
          Throwable cause = VercelApi.unwrap(e);
          if (cause instanceof DeploymentException de && de.error().httpStatus() != null
              && (de.error().httpStatus() == 404 || de.error().httpStatus() == 403)) {
            return CompletableFuture.failedFuture(new DeploymentException(new DeploymentError(
                ErrorCode.PROJECT_NAME_TAKEN,
                "The Vercel project name '" + name + "' is already taken by another account or"
                    + " team. Choose another name (for example '" + name + "-2'), or, if the"
                    + " project is yours, set vercel.teamId to the team that owns it.",
                VercelPlatform.ID, conflict.error().httpStatus(), null,
                conflict.error().requestId(), conflict.error().details()), conflict));
          }
          return CompletableFuture.failedFuture(cause);
        });
  }

  private PlatformProject project(
      JsonNode json, String name, Map<String, String> attributes, String call) {
    String id = VercelApi.text(json.get("id"));
    if (id == null) {
      throw malformed(call, "no project id");
    }
    String actualName = VercelApi.text(json.get("name"));
    return new PlatformProject(id, actualName == null ? name : actualName, attributes);
  }

  // ---- setEnvironmentVariables -------------------------------------------------------------

  @Override
  public CompletableFuture<Void> setEnvironmentVariables(
      PlatformProject project, List<EnvironmentVariable> variables, DeploymentTarget target) {
    Objects.requireNonNull(project, "project");
    Objects.requireNonNull(variables, "variables");
    Objects.requireNonNull(target, "target");
    List<EnvironmentVariable> withValues = new ArrayList<>();
    for (EnvironmentVariable v : variables) {
      Objects.requireNonNull(v, "variable");
      if (v.value() == null) {
        LOG.debug("Variable {} has no value; not set on Vercel", v.key());
      } else {
        withValues.add(v);
      }
    }
    if (withValues.isEmpty()) {
      return CompletableFuture.completedFuture(null);
    }
    boolean sensitiveAllowed = !settings.envTargets().contains("development");
    return Tracker.run(t -> sendVariables(t, project, withValues, sensitiveAllowed, true)
        .whenComplete((v, e) -> {
          if (e != null) {
            forgetProjectOn(project, e);
          }
        }));
  }

  private CompletableFuture<Void> sendVariables(Tracker t, PlatformProject project,
      List<EnvironmentVariable> vars, boolean sensitiveAllowed, boolean mayRetry) {
    ArrayNode body = mapper.createArrayNode();
    for (EnvironmentVariable v : vars) {
      ObjectNode e = body.addObject();
      e.put("key", v.key());
      e.put("value", v.value());
      e.put("type", type(v, sensitiveAllowed));
      ArrayNode targets = e.putArray("target");
      settings.envTargets().forEach(targets::add);
    }
    String path = api.path("/v10/projects/" + VercelApi.encode(project.id()) + "/env",
        "upsert", "true");
    boolean anySensitive = sensitiveAllowed && vars.stream().anyMatch(EnvironmentVariable::sensitive);
    return t.track(api.sendJson("POST", path, body))
        .handle((json, e) -> {
          if (e != null) {
            Throwable cause = VercelApi.unwrap(e);
            if (mayRetry && anySensitive && cause instanceof DeploymentException de
                && de.error().httpStatus() != null && de.error().httpStatus() == 400
                && refusesSensitive(de.getMessage() + " " + de.error().details())) {
              LOG.debug("Vercel refused type sensitive; sending the variables as encrypted");
              return sendVariables(t, project, vars, false, false);
            }
            return CompletableFuture.<Void>failedFuture(cause);
          }
          List<JsonNode> failed = new ArrayList<>();
          json.path("failed").forEach(failed::add);
          if (failed.isEmpty()) {
            return CompletableFuture.<Void>completedFuture(null);
          }
          Set<String> failedKeys = new LinkedHashSet<>();
          boolean allSensitive = true;
          List<String> details = new ArrayList<>();
          for (JsonNode f : failed) {
            JsonNode err = f.path("error");
            String key = VercelApi.text(err.get("key"));
            if (key == null) {
              key = VercelApi.text(err.get("envVarKey"));
            }
            String code = VercelApi.text(err.get("code"));
            String message = VercelApi.text(err.get("message"));
            failedKeys.add(key == null ? "(unnamed)" : key);
            allSensitive &= refusesSensitive(code + " " + message);
            details.add((key == null ? "(unnamed)" : key) + ": "
                + (code == null ? "failed" : code)
                + (message == null ? "" : " (" + redact(shorten(message), vars) + ")"));
          }
          if (mayRetry && anySensitive && allSensitive) {
            List<EnvironmentVariable> again = vars.stream()
                .filter(v -> failedKeys.contains(v.key())).toList();
            if (!again.isEmpty()) {
              LOG.debug("Vercel refused type sensitive for {} variables; retrying as encrypted",
                  again.size());
              return sendVariables(t, project, again, false, false);
            }
          }
          return CompletableFuture.<Void>failedFuture(new DeploymentException(DeploymentError.of(
                  ErrorCode.INVALID_CONFIG,
                  "Vercel did not set " + failedKeys.size() + " of " + vars.size()
                      + " environment variables: " + String.join(", ", failedKeys)
                      + ". Check their names and values, then deploy again.")
              .withPlatform(VercelPlatform.ID).withDetails(details)));
        })
        .thenCompose(f -> f);
  }

  /** {@code sensitive} for sensitive values (where allowed), {@code plain} for NEXT_PUBLIC_. */
  static String type(EnvironmentVariable v, boolean sensitiveAllowed) {
    if (v.sensitive()) {
      return sensitiveAllowed ? "sensitive" : "encrypted";
    }
    return v.key().startsWith(EnvironmentVariable.PUBLIC_PREFIX) ? "plain" : "encrypted";
  }

  private static boolean refusesSensitive(String text) {
    return text.toLowerCase(Locale.ROOT).contains("sensitive");
  }

  // ---- uploadFiles / triggerDeployment -----------------------------------------------------

  @Override
  public CompletableFuture<UploadResult> uploadFiles(
      PlatformProject project, List<GeneratedFile> files, UploadListener listener) {
    Objects.requireNonNull(project, "project");
    Objects.requireNonNull(files, "files");
    Objects.requireNonNull(listener, "listener");
    DeploymentTarget target = project.attribute(ATTR_TARGET)
        .map(DeploymentTarget::valueOf).orElse(DeploymentTarget.PREVIEW);
    return Tracker.run(t -> handshake(t, project, files, target, listener)
        .whenComplete((h, e) -> {
          if (e != null) {
            forgetProjectOn(project, e);
          }
        })
        .thenApply(h -> {
          Map<String, String> attrs = new HashMap<>();
          attrs.put(ATTR_TARGET, target.name());
          if (h.url() != null) {
            attrs.put(ATTR_URL, h.url());
          }
          return new UploadResult(h.filesUploaded(), h.bytesUploaded(),
              files.size() - h.filesUploaded(), h.deploymentId(), attrs);
        }));
  }

  @Override
  public CompletableFuture<PlatformDeployment> triggerDeployment(PlatformProject project,
      UploadResult upload, List<GeneratedFile> files, DeploymentTarget target) {
    Objects.requireNonNull(project, "project");
    Objects.requireNonNull(upload, "upload");
    Objects.requireNonNull(files, "files");
    Objects.requireNonNull(target, "target");
    if (upload.deploymentId() != null
        && upload.attribute(ATTR_TARGET).map(target.name()::equals).orElse(false)) {
      return CompletableFuture.completedFuture(new PlatformDeployment(upload.deploymentId(),
          upload.attribute(ATTR_URL).map(VercelService::https).orElse(null)));
    }
    return Tracker.run(t -> handshake(t, project, files, target, UploadListener.NONE)
        .thenApply(h -> new PlatformDeployment(h.deploymentId(),
            h.url() == null ? null : https(h.url()))));
  }

  private record Handshake(String deploymentId, @Nullable String url, int filesUploaded,
      long bytesUploaded) {}

  /** The files of a deployment, hashed: what create-deployment is told, and the file per SHA. */
  private record Manifest(ArrayNode entries, Map<String, GeneratedFile> bySha,
      Map<String, Integer> countBySha, long totalBytes, int fileCount) {}

  /** A create-deployment request: the manifest and the body that carries it. */
  private record CreateDeploymentRequest(Manifest manifest, byte[] body) {}

  private Manifest manifest(List<GeneratedFile> files) {
    ArrayNode entries = mapper.createArrayNode();
    Map<String, GeneratedFile> bySha = new LinkedHashMap<>();
    Map<String, Integer> count = new HashMap<>();
    long total = 0;
    for (GeneratedFile f : files) {
      Objects.requireNonNull(f, "file");
      String sha = f.sha1();
      ObjectNode e = entries.addObject();
      e.put("file", f.path());
      e.put("sha", sha);
      e.put("size", f.size());
      bySha.putIfAbsent(sha, f);
      count.merge(sha, 1, Integer::sum);
      total += f.size();
    }
    return new Manifest(entries, bySha, count, total, files.size());
  }

  /**
   * Create-deployment with the files' SHA-1s; on {@code missing_files}, uploads those and asks once
   * more. A second {@code missing_files} is UPLOAD_FAILED (retryable).
   */
  private CompletableFuture<Handshake> handshake(Tracker t, PlatformProject project,
      List<GeneratedFile> files, DeploymentTarget target, UploadListener listener) {
    if (files.isEmpty()) {
      return CompletableFuture.failedFuture(new DeploymentException(DeploymentError.of(
          ErrorCode.INVALID_CONFIG, "There are no files to deploy to Vercel")
          .withPlatform(VercelPlatform.ID)));
    }
    // The body is written once: both create-deployment calls send the same manifest (96 KB for
    // 2,000 files).
    return t.track(CompletableFuture.supplyAsync(() -> {
      Manifest m = manifest(files);
      return new CreateDeploymentRequest(m, createDeploymentBody(project, m, target));
    }, context.executor()))
        .thenCompose(request -> {
          Manifest m = request.manifest();
          byte[] body = request.body();
          return t.track(createDeployment(body))
            .thenApply(json -> handshakeResult(json, 0, 0))
            .exceptionallyCompose(e -> {
              Throwable cause = VercelApi.unwrap(e);
              if (!(cause instanceof MissingFilesException missing)) {
                return CompletableFuture.failedFuture(cause);
              }
              return uploadMissing(t, m, missing.missing(), listener)
                  .thenCompose(sent -> t.track(createDeployment(body))
                      .thenApply(json -> handshakeResult(json, sent[0], sent[1]))
                      .exceptionallyCompose(e2 -> {
                        Throwable c2 = VercelApi.unwrap(e2);
                        if (c2 instanceof MissingFilesException again) {
                          return CompletableFuture.failedFuture(new DeploymentException(
                              DeploymentError.of(ErrorCode.UPLOAD_FAILED, "Vercel still reports "
                                  + again.missing().size() + " files missing after they were"
                                  + " uploaded. Try again in a moment.")
                                  .withPlatform(VercelPlatform.ID)
                                  .withDetails(List.of("platform code: missing_files"))));
                        }
                        return CompletableFuture.failedFuture(c2);
                      }));
            });
        });
  }

  private Handshake handshakeResult(JsonNode json, long filesUploaded, long bytesUploaded) {
    String id = VercelApi.text(json.get("id"));
    if (id == null) {
      throw malformed("POST /v13/deployments", "no deployment id");
    }
    return new Handshake(id, VercelApi.text(json.get("url")), (int) filesUploaded, bytesUploaded);
  }

  /** Uploads the missing SHAs; completes with {files uploaded, bytes uploaded}. */
  private CompletableFuture<long[]> uploadMissing(
      Tracker t, Manifest m, List<String> missing, UploadListener listener) {
    List<GeneratedFile> toSend = new ArrayList<>();
    Set<String> seen = new LinkedHashSet<>();
    for (String sha : missing) {
      GeneratedFile f = m.bySha().get(sha.toLowerCase(Locale.ROOT));
      if (f != null && seen.add(f.sha1())) {
        toSend.add(f);
      } else if (f == null) {
        LOG.debug("Vercel asked for a SHA-1 this deployment does not contain");
      }
    }
    if (toSend.isEmpty()) {
      return CompletableFuture.failedFuture(new DeploymentException(DeploymentError.of(
          ErrorCode.UPLOAD_FAILED, "Vercel asked for " + missing.size() + " files this deployment"
              + " does not contain. Try again; if it persists, report it with the deployment id.")
          .withPlatform(VercelPlatform.ID)));
    }
    int filesToSend = toSend.stream().mapToInt(f -> m.countBySha().get(f.sha1())).sum();
    long[] progress = {m.fileCount() - filesToSend, 0}; // files done, bytes sent
    safeProgress(listener, new UploadProgress((int) progress[0], m.fileCount(), 0, m.totalBytes()));
    return t.track(uploader.upload(toSend, i -> {
      GeneratedFile f = toSend.get(i);
      UploadProgress p;
      synchronized (progress) {
        progress[0] += m.countBySha().get(f.sha1());
        progress[1] += f.size();
        p = new UploadProgress((int) progress[0], m.fileCount(),
            Math.min(progress[1], m.totalBytes()), m.totalBytes());
      }
      safeProgress(listener, p);
    })).thenApply(v -> {
      synchronized (progress) {
        return new long[] {filesToSend, progress[1]};
      }
    });
  }

  private static void safeProgress(UploadListener listener, UploadProgress p) {
    try {
      listener.onProgress(p);
    } catch (RuntimeException e) {
      LOG.warn("An upload listener threw; ignored", e);
    }
  }

  private CompletableFuture<JsonNode> createDeployment(byte[] body) {
    String path = api.path("/v13/deployments", "skipAutoDetectionConfirmation", "1");
    return api.sendJsonBytes("POST", path, body);
  }

  private byte[] createDeploymentBody(PlatformProject project, Manifest m,
      DeploymentTarget target) {
    ObjectNode body = mapper.createObjectNode();
    body.put("name", project.name());
    body.put("project", project.id());
    body.set("files", m.entries());
    if (target == DeploymentTarget.PRODUCTION) {
      body.put("target", "production");
    }
    ObjectNode projectSettings = body.putObject("projectSettings");
    String framework = project.attribute(ATTR_FRAMEWORK).orElse("");
    if (framework.isEmpty()) {
      projectSettings.putNull("framework");
    } else {
      projectSettings.put("framework", framework);
    }
    return api.json(body);
  }

  // ---- status ------------------------------------------------------------------------------

  @Override
  public CompletableFuture<BuildStatus> getDeploymentStatus(
      PlatformProject project, String deploymentId) {
    Objects.requireNonNull(project, "project");
    Objects.requireNonNull(deploymentId, "deploymentId");
    return Tracker.run(t -> t.track(fetchDeployment(deploymentId))
        .thenCompose(json -> toStatus(t, project, deploymentId, json)));
  }

  /**
   * Reads the deployment. A read already in flight for it is shared (the poll and the log stream's
   * end-of-build check often ask at the same moment): the caller gets a dependent copy, so
   * cancelling it does not cancel the other caller's read.
   */
  private CompletableFuture<JsonNode> fetchDeployment(String deploymentId) {
    JsonNode known = finalAnswers.get(deploymentId);
    if (known != null) {
      // The state cannot change any more: the log stream's check may have read it just before
      // the poll's first read, which then needs no request of its own.
      return CompletableFuture.completedFuture(known);
    }
    CompletableFuture<JsonNode> mine = new CompletableFuture<>();
    // Atomic: of two callers asking at the same moment, one sends and the other shares. A read
    // that is done is stale (its entry lingers until its own callbacks have run): replaced.
    CompletableFuture<JsonNode> shared = statusInFlight.compute(deploymentId,
        (k, running) -> running != null && !running.isDone() ? running : mine);
    if (shared != mine) {
      return shared.thenApply(json -> json);
    }
    CompletableFuture<JsonNode> sent;
    try {
      sent = api.send(api.request(
          api.path("/v13/deployments/" + VercelApi.encode(deploymentId))).GET().build());
    } catch (RuntimeException e) {
      sent = CompletableFuture.failedFuture(e);
    }
    CompletableFuture<JsonNode> exchange = sent;
    exchange.whenComplete((json, e) -> {
      if (e != null) {
        mine.completeExceptionally(e);
        return;
      }
      // Remember a terminal state before anybody sees the answer, so that a log stream asking
      // right after the poll got it needs no request.
      if (TERMINAL.contains(readyState(json))) {
        ended.add(deploymentId);
      }
      if (isFinal(json)) {
        finalAnswers.put(deploymentId, json);
      }
      mine.complete(json);
    });
    mine.whenComplete((json, e) -> {
      statusInFlight.remove(deploymentId, mine);
      if (mine.isCancelled()) {
        exchange.cancel(true); // cancelling the read cancels the exchange
      }
    });
    return mine;
  }

  /**
   * Whether {@code json} shows a state that cannot change: failed, cancelled, blocked, or ready
   * with nothing more to wait for (a preview, or production with its alias assigned or refused).
   */
  private static boolean isFinal(JsonNode json) {
    String state = readyState(json);
    if (state.equals("ERROR") || state.equals("CANCELED") || state.equals("BLOCKED")) {
      return true;
    }
    if (!state.equals("READY")) {
      return false;
    }
    String target = VercelApi.text(json.get("target"));
    if (target == null) {
      return false; // production or not is decided by the project's attributes: read again
    }
    JsonNode assigned = json.get("aliasAssigned");
    boolean aliasAssigned = assigned != null
        && (assigned.asBoolean(false) || (assigned.isNumber() && assigned.asLong() > 0));
    JsonNode aliasError = json.get("aliasError");
    return !target.equalsIgnoreCase("production") || aliasAssigned
        || (aliasError != null && aliasError.isObject());
  }

  /**
   * Whether the deployment has ended, for the log stream: answered without a request when a status
   * read has already seen it terminal, or by sharing a read in flight.
   */
  private CompletableFuture<Boolean> hasEnded(String deploymentId) {
    if (ended.contains(deploymentId)) {
      return CompletableFuture.completedFuture(true);
    }
    CompletableFuture<JsonNode> recent = statusInFlight.get(deploymentId);
    if (recent != null) {
      // In flight, or done a moment ago (its entry not yet removed): fresh enough for this check.
      return recent.handle((json, e) -> e == null
              ? CompletableFuture.completedFuture(TERMINAL.contains(readyState(json)))
              : fetchDeployment(deploymentId).thenApply(j -> TERMINAL.contains(readyState(j))))
          .thenCompose(f -> f);
    }
    return fetchDeployment(deploymentId).thenApply(json -> TERMINAL.contains(readyState(json)));
  }

  private static String readyState(JsonNode json) {
    String state = VercelApi.text(json.get("readyState"));
    if (state == null) {
      state = VercelApi.text(json.get("state"));
    }
    return state == null ? "UNKNOWN" : state.toUpperCase(Locale.ROOT);
  }

  private CompletableFuture<BuildStatus> toStatus(
      Tracker t, PlatformProject project, String deploymentId, JsonNode json) {
    if (VercelApi.text(json.get("readyState")) == null && VercelApi.text(json.get("state")) == null) {
      // An empty or stateless answer is malformed (retried by the poller), not an unknown state
      // to wait out until the deployment times out.
      return CompletableFuture.failedFuture(
          malformed("GET /v13/deployments/" + deploymentId, "no readyState"));
    }
    String state = readyState(json);
    if (BUILDING.contains(state)) {
      return CompletableFuture.completedFuture(BuildStatus.building(state));
    }
    switch (state) {
      case "READY":
        return CompletableFuture.completedFuture(ready(project, deploymentId, json));
      case "CANCELED":
        readySince.remove(deploymentId);
        return CompletableFuture.completedFuture(BuildStatus.cancelled(state));
      case "BLOCKED": {
        String reason = VercelApi.text(json.get("readyStateReason"));
        if (reason == null) {
          reason = VercelApi.text(json.get("errorMessage"));
        }
        return CompletableFuture.completedFuture(BuildStatus.failed(DeploymentError.of(
                ErrorCode.BUILD_FAILED, "Vercel blocked the deployment: "
                    + (reason == null ? "no reason given" : stripPeriod(redact(shorten(reason))))
                    + ". Check the project's plan limits and deployment settings in the Vercel"
                    + " dashboard" + inspector(json) + ".")
            .withPlatform(VercelPlatform.ID), state));
      }
      case "ERROR": {
        String code = VercelApi.text(json.get("errorCode"));
        String message = VercelApi.text(json.get("errorMessage"));
        String what = message != null ? stripPeriod(redact(shorten(message)))
            : "no message given";
        String text = "The Vercel build failed" + (code == null ? "" : " (" + code + ")") + ": "
            + what + ". Read the build log" + inspector(json)
            + ", fix the error and deploy again.";
        return t.track(tail(deploymentId)).handle((lines, e) -> {
          List<String> details = new ArrayList<>();
          if (code != null) {
            details.add("platform code: " + code);
          }
          if (lines != null) {
            lines.forEach(l -> details.add(redact(l)));
          }
          return BuildStatus.failed(DeploymentError.of(ErrorCode.BUILD_FAILED, text)
              .withPlatform(VercelPlatform.ID).withDetails(details), state);
        });
      }
      default:
        LOG.debug("Vercel deployment {} is in an unknown state {}", deploymentId, state);
        return CompletableFuture.completedFuture(BuildStatus.building(state));
    }
  }

  private BuildStatus ready(PlatformProject project, String deploymentId, JsonNode json) {
    String url = VercelApi.text(json.get("url"));
    String target = VercelApi.text(json.get("target"));
    boolean production = target != null ? target.equalsIgnoreCase("production")
        : project.attribute(ATTR_TARGET).map(DeploymentTarget.PRODUCTION.name()::equals)
            .orElse(false);
    if (!production) {
      readySince.remove(deploymentId);
      return url == null ? noUrl() : BuildStatus.success(https(url));
    }
    JsonNode assigned = json.get("aliasAssigned");
    boolean aliasAssigned = assigned != null
        && (assigned.asBoolean(false) || (assigned.isNumber() && assigned.asLong() > 0));
    JsonNode aliasError = json.get("aliasError");
    if (aliasAssigned) {
      readySince.remove(deploymentId);
      String alias = null;
      for (JsonNode a : json.path("alias")) {
        if (a.isTextual() && !a.asText().isBlank()) {
          alias = a.asText();
          break;
        }
      }
      String chosen = alias != null ? alias : url;
      return chosen == null ? noUrl() : BuildStatus.success(https(chosen));
    }
    if (aliasError != null && aliasError.isObject()) {
      readySince.remove(deploymentId);
      LOG.info("Vercel could not assign the production domain of {} ({}); using the deployment"
          + " URL", deploymentId, VercelApi.text(aliasError.get("code")));
      return url == null ? noUrl() : BuildStatus.success(https(url));
    }
    Instant now = context.clock().instant();
    Instant since = readySince.computeIfAbsent(deploymentId, k -> now);
    if (Duration.between(since, now).compareTo(settings.aliasWait()) >= 0) {
      readySince.remove(deploymentId);
      LOG.info("Vercel did not assign the production domain of {} within {} s; using the"
          + " deployment URL", deploymentId, settings.aliasWait().toSeconds());
      return url == null ? noUrl() : BuildStatus.success(https(url));
    }
    return BuildStatus.building("READY");
  }

  private static BuildStatus noUrl() {
    return BuildStatus.failed(DeploymentError.of(ErrorCode.PLATFORM_UNAVAILABLE,
        "Vercel reported the deployment READY without a URL. Check it in the Vercel dashboard.")
        .withPlatform(VercelPlatform.ID), "READY");
  }

  /** The last lines of the build log, oldest first (a non-following read of the events). */
  private CompletableFuture<List<String>> tail(String deploymentId) {
    String path = api.path("/v3/deployments/" + VercelApi.encode(deploymentId) + "/events",
        "direction", "backward", "limit", "100");
    return api.send(api.request(path).GET().build()).thenApply(json -> {
      List<JsonNode> events = new ArrayList<>();
      if (json.isArray()) {
        json.forEach(events::add);
      }
      // Backward: newest first. Sort by created to be safe either way.
      events.sort((a, b) -> Long.compare(a.path("created").asLong(0),
          b.path("created").asLong(0)));
      Deque<String> lines = new ArrayDeque<>();
      for (JsonNode e : events) {
        String type = VercelApi.text(e.get("type"));
        String text = VercelApi.text(e.get("text"));
        if (type != null && text != null && LOG_TYPES.contains(type)) {
          for (String l : text.split("\r?\n|\r")) {
            if (!l.isBlank()) {
              lines.addLast(shorten(l));
              if (lines.size() > TAIL_LINES) {
                lines.removeFirst();
              }
            }
          }
        }
      }
      return List.copyOf(lines);
    });
  }

  private static String inspector(JsonNode json) {
    String url = VercelApi.text(json.get("inspectorUrl"));
    return url == null ? " in the Vercel dashboard" : " at " + url;
  }

  // ---- logs and cancel ---------------------------------------------------------------------

  @Override
  public LogStream streamBuildLogs(PlatformProject project, String deploymentId, LogSink sink) {
    Objects.requireNonNull(project, "project");
    Objects.requireNonNull(deploymentId, "deploymentId");
    Objects.requireNonNull(sink, "sink");
    EventLogStream stream = new EventLogStream(api, settings, deploymentId, sink,
        () -> hasEnded(deploymentId));
    stream.start();
    return stream;
  }

  @Override
  public CompletableFuture<Void> cancelDeployment(PlatformProject project, String deploymentId) {
    Objects.requireNonNull(project, "project");
    Objects.requireNonNull(deploymentId, "deploymentId");
    HttpRequest request = api.request(
            api.path("/v12/deployments/" + VercelApi.encode(deploymentId) + "/cancel"))
        .method("PATCH", HttpRequest.BodyPublishers.noBody())
        .build();
    return Tracker.run(t -> t.track(api.send(request)).thenApply(json -> null));
  }

  // ---- helpers -----------------------------------------------------------------------------

  static String https(String hostOrUrl) {
    return hostOrUrl.startsWith("https://") || hostOrUrl.startsWith("http://")
        ? hostOrUrl : "https://" + hostOrUrl;
  }

  private DeploymentException malformed(String call, String what) {
    return new DeploymentException(DeploymentError.of(ErrorCode.PLATFORM_UNAVAILABLE,
        "Vercel answered " + call + " with " + what + ". This is usually temporary; try again"
            + " later.").withPlatform(VercelPlatform.ID));
  }

  private String redact(String s) {
    String token = context.credentials().token();
    return token.isEmpty() ? s : s.replace(token, "****");
  }

  private String redact(String s, List<EnvironmentVariable> vars) {
    String out = redact(s);
    for (EnvironmentVariable v : vars) {
      String value = v.value();
      if (value != null && value.length() >= 4) {
        out = out.replace(value, "****");
      }
    }
    return out;
  }

  private static String shorten(String s) {
    String one = s.strip().replaceAll("\\s+", " ");
    return one.length() > 300 ? one.substring(0, 300) + "..." : one;
  }

  private static String stripPeriod(String s) {
    return s.endsWith(".") && !s.endsWith("...") ? s.substring(0, s.length() - 1) : s;
  }

  @Override
  public String toString() {
    return "VercelService[" + api.http().baseUrl() + "]";
  }
}
