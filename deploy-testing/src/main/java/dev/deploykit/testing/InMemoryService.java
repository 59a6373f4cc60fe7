package dev.deploykit.testing;

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
import dev.deploykit.testing.InMemoryPlatform.Operation;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link PlatformService} of an {@link InMemoryPlatform}, acting for one context's token. Every
 * operation checks its arguments, counts the call, takes an injected failure if there is one, and
 * answers at once or, with a delay, from a task on the context's scheduler.
 */
final class InMemoryService implements PlatformService {
  private static final Logger LOG = LoggerFactory.getLogger(InMemoryService.class);
  private static final Pattern PROJECT_NAME = Pattern.compile("[a-z0-9._-]{1,100}");

  private final InMemoryPlatform platform;
  private final PlatformContext context;
  private final String owner;

  InMemoryService(InMemoryPlatform platform, PlatformContext context) {
    this.platform = platform;
    this.context = context;
    this.owner = fingerprint(context.credentials().token());
  }

  @Override
  public CompletableFuture<PlatformProject> createProject(CreateProjectRequest request) {
    Objects.requireNonNull(request, "request");
    return answer(Operation.CREATE_PROJECT, () -> {
      String name = request.projectName();
      if (!PROJECT_NAME.matcher(name).matches()) {
        throw error(ErrorCode.INVALID_CONFIG, "Project name '" + printable(name) + "' is not"
            + " allowed: use 1 to 100 lower-case letters, digits, '-', '_' or '.' (400 Bad"
            + " Request).", 400);
      }
      MemoryProject p = platform.projects().computeIfAbsent(
          name, n -> new MemoryProject(n, platform.nextProjectId(), owner));
      if (!p.owner().equals(owner)) {
        throw error(ErrorCode.PROJECT_NAME_TAKEN, "A project named '" + name + "' already exists"
            + " and belongs to another account (409 Conflict). Choose another project name.", 409);
      }
      return PlatformProject.of(p.id(), p.name());
    });
  }

  @Override
  public CompletableFuture<Void> setEnvironmentVariables(
      PlatformProject project, List<EnvironmentVariable> variables, DeploymentTarget target) {
    Objects.requireNonNull(project, "project");
    Objects.requireNonNull(variables, "variables");
    Objects.requireNonNull(target, "target");
    List<EnvironmentVariable> copy = new ArrayList<>(variables.size());
    for (EnvironmentVariable v : variables) {
      copy.add(Objects.requireNonNull(v, "variables contains null"));
    }
    return answer(Operation.SET_ENVIRONMENT_VARIABLES, () -> {
      MemoryProject p = ours(project);
      for (EnvironmentVariable v : copy) {
        String value = v.value();
        if (value != null) {
          p.variables().put(v.key(), value);
        }
      }
      return null;
    });
  }

  @Override
  public CompletableFuture<UploadResult> uploadFiles(
      PlatformProject project, List<GeneratedFile> files, UploadListener listener) {
    Objects.requireNonNull(project, "project");
    Objects.requireNonNull(files, "files");
    Objects.requireNonNull(listener, "listener");
    List<GeneratedFile> copy = List.copyOf(files);
    return answer(Operation.UPLOAD_FILES, () -> {
      MemoryProject p = ours(project);
      long total = copy.stream().mapToLong(GeneratedFile::size).sum();
      long done = 0;
      for (int i = 0; i < copy.size(); i++) {
        done += copy.get(i).size();
        try {
          listener.onProgress(new UploadProgress(i + 1, copy.size(), done, total));
        } catch (RuntimeException e) {
          LOG.warn("An upload listener threw; the upload goes on", e);
        }
      }
      p.replaceFiles(copy);
      return UploadResult.of(copy.size(), total, 0);
    });
  }

  @Override
  public CompletableFuture<PlatformDeployment> triggerDeployment(
      PlatformProject project, UploadResult upload, List<GeneratedFile> files,
      DeploymentTarget target) {
    Objects.requireNonNull(project, "project");
    Objects.requireNonNull(upload, "upload");
    Objects.requireNonNull(files, "files");
    Objects.requireNonNull(target, "target");
    List<GeneratedFile> given = List.copyOf(files);
    return answer(Operation.TRIGGER_DEPLOYMENT, () -> {
      MemoryProject p = ours(project);
      String started = upload.deploymentId();
      if (started != null) {
        MemoryBuild existing = platform.builds().get(started);
        if (existing != null && existing.project() == p) {
          return new PlatformDeployment(existing.id(), existing.url());
        }
      }
      Map<String, GeneratedFile> snapshot = p.files();
      if (snapshot.isEmpty()) {
        Map<String, GeneratedFile> m = new LinkedHashMap<>();
        given.forEach(f -> m.put(f.path(), f));
        snapshot = m;
      }
      String id = platform.nextDeploymentId();
      String url = url(p.name(), id, target);
      DeploymentError buildFailure = platform.recordCall(Operation.BUILD);
      List<String> variableNames = new ArrayList<>(p.variables().keySet());
      variableNames.sort(null);
      MemoryBuild build = new MemoryBuild(id, p, target, url, snapshot, variableNames,
          context.scheduler(), platform.buildDuration(), platform.buildLogs(), buildFailure);
      try {
        build.start(platform.delayOf(Operation.BUILD));
      } catch (RejectedExecutionException e) {
        throw new DeploymentException(DeploymentError.of(ErrorCode.PLATFORM_UNAVAILABLE,
            "The in-memory platform cannot build: the context's scheduler is shut down.")
            .withPlatform(InMemoryPlatform.ID), e);
      }
      platform.builds().put(id, build);
      p.addDeployment(id);
      return new PlatformDeployment(id, url);
    });
  }

  @Override
  public CompletableFuture<BuildStatus> getDeploymentStatus(
      PlatformProject project, String deploymentId) {
    Objects.requireNonNull(project, "project");
    Objects.requireNonNull(deploymentId, "deploymentId");
    return answer(Operation.GET_DEPLOYMENT_STATUS, () -> build(project, deploymentId).status());
  }

  @Override
  public LogStream streamBuildLogs(PlatformProject project, String deploymentId, LogSink sink) {
    Objects.requireNonNull(project, "project");
    Objects.requireNonNull(deploymentId, "deploymentId");
    Objects.requireNonNull(sink, "sink");
    DeploymentError injected = platform.recordCall(Operation.STREAM_BUILD_LOGS);
    Duration delay = platform.delayOf(Operation.STREAM_BUILD_LOGS);
    MemoryLogStream stream = new MemoryLogStream(sink);
    Runnable open = () -> {
      if (injected != null) {
        stream.fail(new DeploymentException(injected));
        return;
      }
      try {
        stream.attach(build(project, deploymentId));
      } catch (DeploymentException e) {
        stream.fail(e);
      }
    };
    try {
      stream.pending(context.scheduler().schedule(open, delay.toNanos(), TimeUnit.NANOSECONDS));
    } catch (RejectedExecutionException e) {
      stream.fail(schedulerShutDown(e));
    }
    return stream;
  }

  @Override
  public CompletableFuture<Void> cancelDeployment(PlatformProject project, String deploymentId) {
    Objects.requireNonNull(project, "project");
    Objects.requireNonNull(deploymentId, "deploymentId");
    return answer(Operation.CANCEL_DEPLOYMENT, () -> {
      build(project, deploymentId).cancel();
      return null;
    });
  }

  @Override
  public String toString() {
    return "InMemoryService[platform=" + InMemoryPlatform.ID + ", owner=" + owner + "]";
  }

  // ---------------------------------------------------------------- helpers

  private <T> CompletableFuture<T> answer(Operation op, Supplier<@Nullable T> work) {
    DeploymentError injected = platform.recordCall(op);
    Duration delay = platform.delayOf(op);
    CompletableFuture<T> future = new CompletableFuture<>();
    if (delay.isZero()) {
      complete(future, injected, work);
      return future;
    }
    ScheduledFuture<?> task;
    try {
      task = context.scheduler().schedule(
          () -> complete(future, injected, work), delay.toNanos(), TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException e) {
      future.completeExceptionally(schedulerShutDown(e));
      return future;
    }
    future.whenComplete((r, e) -> {
      if (future.isCancelled()) {
        task.cancel(false);
      }
    });
    return future;
  }

  private static <T> void complete(
      CompletableFuture<T> future, @Nullable DeploymentError injected, Supplier<@Nullable T> work) {
    if (future.isDone()) {
      return;
    }
    if (injected != null) {
      future.completeExceptionally(new DeploymentException(injected));
      return;
    }
    try {
      future.complete(work.get());
    } catch (DeploymentException e) {
      future.completeExceptionally(e);
    } catch (UncheckedIOException e) {
      future.completeExceptionally(new DeploymentException(DeploymentError.of(
          ErrorCode.PLATFORM_UNAVAILABLE, "The in-memory platform's loopback server could not"
              + " start: " + e.getCause().getMessage()).withPlatform(InMemoryPlatform.ID), e));
    } catch (RuntimeException e) {
      future.completeExceptionally(new DeploymentException(DeploymentError.of(ErrorCode.UNKNOWN,
          "The in-memory platform failed unexpectedly: " + e).withPlatform(InMemoryPlatform.ID), e));
    }
  }

  private MemoryProject ours(PlatformProject project) {
    MemoryProject p = platform.projects().get(project.name());
    if (p == null || !p.id().equals(project.id())) {
      throw error(ErrorCode.INVALID_CONFIG, "Project '" + printable(project.name()) + "' ("
          + printable(project.id()) + ") does not exist on the memory platform (404 Not Found);"
          + " create it with createProject first.", 404);
    }
    if (!p.owner().equals(owner)) {
      throw error(ErrorCode.INSUFFICIENT_PERMISSIONS, "Project '" + p.name() + "' belongs to"
          + " another account (403 Forbidden); use the token that created it.", 403);
    }
    return p;
  }

  private MemoryBuild build(PlatformProject project, String deploymentId) {
    MemoryProject p = ours(project);
    MemoryBuild b = platform.builds().get(deploymentId);
    if (b == null || b.project() != p) {
      throw error(ErrorCode.INVALID_CONFIG, "Deployment '" + printable(deploymentId) + "' does not"
          + " exist in project '" + p.name() + "' (404 Not Found).", 404);
    }
    return b;
  }

  private String url(String projectName, String deploymentId, DeploymentTarget target) {
    if (platform.serveDeployments()) {
      int port = platform.serverPort();
      return target == DeploymentTarget.PRODUCTION
          ? "http://127.0.0.1:" + port + "/" + projectName + "/"
          : "http://127.0.0.1:" + port + "/" + LoopbackServer.DEPLOYMENTS + "/" + deploymentId + "/";
    }
    return target == DeploymentTarget.PRODUCTION
        ? "http://" + projectName + ".memory.localhost/"
        : "http://" + projectName + "-" + deploymentId.replace('_', '-') + ".memory.localhost/";
  }

  private static DeploymentException error(ErrorCode code, String message, int status) {
    return new DeploymentException(
        DeploymentError.of(code, message).withPlatform(InMemoryPlatform.ID).withHttpStatus(status));
  }

  private static DeploymentException schedulerShutDown(Exception cause) {
    return new DeploymentException(DeploymentError.of(ErrorCode.PLATFORM_UNAVAILABLE,
        "The in-memory platform cannot answer: the context's scheduler is shut down.")
        .withPlatform(InMemoryPlatform.ID), cause);
  }

  private static String printable(String s) {
    String cut = s.length() > 100 ? s.substring(0, 100) + "..." : s;
    StringBuilder sb = new StringBuilder(cut.length());
    for (char c : cut.toCharArray()) {
      sb.append(c < 0x20 || c == 0x7f ? '?' : c);
    }
    return sb.toString();
  }

  /** A one-way fingerprint of a token: enough to tell owners apart, useless to an attacker. */
  static String fingerprint(String token) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256")
          .digest(token.getBytes(StandardCharsets.UTF_8));
      return "tok_" + HexFormat.of().formatHex(digest, 0, 6);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}
