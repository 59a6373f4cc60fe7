package dev.deploykit.core.internal;

import dev.deploykit.core.ProgressUpdate;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;

/** One deployment's progress state. Every field is guarded by {@link #lock}. */
final class DeploymentState {

  final String deploymentId;
  final ReentrantLock lock = new ReentrantLock();
  private final int historySize;
  private final int logBufferLines;

  long sequence;
  @Nullable ProgressUpdate latest;
  final ArrayDeque<ProgressUpdate> history = new ArrayDeque<>();
  final ArrayDeque<String> logs = new ArrayDeque<>();
  final List<QueuedSubscription> subscribers = new ArrayList<>();
  /** Set once the state has left the tracker's map; a caller that finds it set starts again. */
  boolean removed;

  DeploymentState(String deploymentId, int historySize, int logBufferLines) {
    this.deploymentId = deploymentId;
    this.historySize = historySize;
    this.logBufferLines = logBufferLines;
  }

  boolean isTerminal() {
    ProgressUpdate last = latest;
    return last != null && last.isTerminal();
  }

  void record(ProgressUpdate update) {
    latest = update;
    history.addLast(update);
    while (history.size() > historySize) {
      history.removeFirst();
    }
    for (String line : update.logLines()) {
      logs.addLast(line);
    }
    while (logs.size() > logBufferLines) {
      logs.removeFirst();
    }
  }
}
