package dev.deploykit.testing;

import dev.deploykit.core.DeploymentError;
import dev.deploykit.core.DeploymentTarget;
import dev.deploykit.core.ErrorCode;
import dev.deploykit.core.GeneratedFile;
import dev.deploykit.core.spi.BuildState;
import dev.deploykit.core.spi.BuildStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * One simulated deployment: a chain of scheduled steps that emit the build log one line at a time,
 * then end the build. Thread-safe; every change happens under {@link #lock}, and log lines reach the
 * attached streams under it, so streams see lines in order, each once.
 */
final class MemoryBuild {
  private final String id;
  private final MemoryProject project;
  private final DeploymentTarget target;
  private final String url;
  private final Map<String, GeneratedFile> files;
  private final List<String> variableNames;
  private final ScheduledExecutorService scheduler;
  private final List<String> script;
  private final @Nullable DeploymentError failure;
  private final long stepNanos;
  private final long finishNanosWithoutLines;

  private final Object lock = new Object();
  private final List<String> log = new ArrayList<>();
  private final List<MemoryLogStream> streams = new ArrayList<>();
  private BuildState state = BuildState.BUILDING;
  private @Nullable DeploymentError error;
  private @Nullable ScheduledFuture<?> next;

  MemoryBuild(String id, MemoryProject project, DeploymentTarget target, String url,
      Map<String, GeneratedFile> files, List<String> variableNames,
      ScheduledExecutorService scheduler, Duration buildDuration, List<String> buildLogs,
      @Nullable DeploymentError failure) {
    this.id = id;
    this.project = project;
    this.target = target;
    this.url = url;
    this.files = Map.copyOf(files);
    this.variableNames = List.copyOf(variableNames);
    this.scheduler = scheduler;
    this.failure = failure;
    this.script = failure == null || buildLogs.isEmpty()
        ? List.copyOf(buildLogs) : List.copyOf(buildLogs.subList(0, buildLogs.size() - 1));
    long total = buildDuration.toNanos();
    this.stepNanos = script.isEmpty() ? total : total / script.size();
    this.finishNanosWithoutLines = script.isEmpty() ? total : 0;
  }

  String id() {
    return id;
  }

  MemoryProject project() {
    return project;
  }

  DeploymentTarget target() {
    return target;
  }

  String url() {
    return url;
  }

  Map<String, GeneratedFile> files() {
    return files;
  }

  List<String> variableNames() {
    return variableNames;
  }

  /** Starts the build after {@code queued}. */
  void start(Duration queued) {
    synchronized (lock) {
      next = scheduler.schedule(() -> step(0), queued.toNanos() + finishNanosWithoutLines,
          TimeUnit.NANOSECONDS);
    }
  }

  private void step(int i) {
    synchronized (lock) {
      if (state != BuildState.BUILDING) {
        return;
      }
      if (i < script.size()) {
        appendLocked(script.get(i));
        try {
          next = scheduler.schedule(() -> step(i + 1), stepNanos, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
          endLocked(BuildState.FAILED, DeploymentError.of(ErrorCode.PLATFORM_UNAVAILABLE,
              "The in-memory build stopped: the context's scheduler was shut down.")
              .withPlatform(InMemoryPlatform.ID));
        }
        return;
      }
      if (failure != null) {
        endLocked(BuildState.FAILED, failure);
      } else {
        endLocked(BuildState.SUCCESS, null);
      }
    }
  }

  /** Cancels the build if it is still running; returns whether it did. */
  boolean cancel() {
    synchronized (lock) {
      if (state != BuildState.BUILDING) {
        return false;
      }
      ScheduledFuture<?> n = next;
      if (n != null) {
        n.cancel(false);
      }
      endLocked(BuildState.CANCELLED, null);
      return true;
    }
  }

  private void endLocked(BuildState end, @Nullable DeploymentError why) {
    if (end == BuildState.FAILED && why != null) {
      appendLocked("Error: " + why.message());
    } else if (end == BuildState.CANCELLED) {
      appendLocked("Build cancelled");
    }
    state = end;
    error = why;
    next = null;
    for (MemoryLogStream s : streams) {
      s.complete();
    }
    streams.clear();
  }

  private void appendLocked(String line) {
    log.add(line);
    for (MemoryLogStream s : streams) {
      s.deliver(line);
    }
  }

  /** Replays the log so far to {@code stream}, then delivers new lines until the build ends. */
  void attach(MemoryLogStream stream) {
    synchronized (lock) {
      if (!stream.isOpen()) {
        return;
      }
      for (String line : log) {
        stream.deliver(line);
      }
      if (state.isTerminal()) {
        stream.complete();
      } else {
        streams.add(stream);
      }
    }
  }

  void detach(MemoryLogStream stream) {
    synchronized (lock) {
      streams.remove(stream);
    }
  }

  BuildState state() {
    synchronized (lock) {
      return state;
    }
  }

  BuildStatus status() {
    synchronized (lock) {
      return switch (state) {
        case BUILDING -> BuildStatus.building(log.isEmpty() ? "QUEUED" : "BUILDING");
        case SUCCESS -> BuildStatus.success(url);
        case FAILED -> BuildStatus.failed(
            error != null ? error : DeploymentError.of(ErrorCode.BUILD_FAILED, "The build failed"),
            "ERROR");
        case CANCELLED -> BuildStatus.cancelled("CANCELED");
      };
    }
  }

  InMemoryPlatform.DeploymentState snapshot() {
    synchronized (lock) {
      return new InMemoryPlatform.DeploymentState(id, project.name(), target, state, url, error,
          log);
    }
  }
}
