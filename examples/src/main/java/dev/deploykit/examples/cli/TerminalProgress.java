package dev.deploykit.examples.cli;

import dev.deploykit.core.DeploymentStatus;
import dev.deploykit.core.ProgressUpdate;
import dev.deploykit.core.UploadProgress;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Progress on a terminal: each step and build-log line printed once above a live bar that is
 * redrawn in place with the current step, the elapsed time and, while uploading, the files and
 * bytes sent.
 */
final class TerminalProgress implements ProgressOutput {
  static final String CLEAR_LINE = "\r\u001b[2K";
  private static final List<DeploymentStatus> STEPS = List.of(DeploymentStatus.PENDING,
      DeploymentStatus.GENERATING, DeploymentStatus.CREATING_PROJECT, DeploymentStatus.CONFIGURING,
      DeploymentStatus.UPLOADING, DeploymentStatus.BUILDING);
  private static final String SPINNER = "|/-\\";
  private static final int BAR_WIDTH = 20;

  private final PrintWriter out;
  private final Supplier<Duration> elapsed;
  private final int columns;
  private DeploymentStatus status = DeploymentStatus.PENDING;
  private String message = "Starting";
  private @Nullable UploadProgress upload;
  private int spin;
  private boolean barShown;

  TerminalProgress(PrintWriter out, Supplier<Duration> elapsed, int columns) {
    this.out = out;
    this.elapsed = elapsed;
    this.columns = Math.max(40, columns);
  }

  /** Returns the terminal's width from {@code COLUMNS}, or 80. */
  static int columnsFromEnvironment() {
    try {
      String c = System.getenv("COLUMNS");
      return c == null ? 80 : Integer.parseInt(c.trim());
    } catch (NumberFormatException e) {
      return 80;
    }
  }

  @Override
  public synchronized void onUpdate(ProgressUpdate u) {
    clearBar();
    if (u.status() != status && !u.isTerminal()) {
      out.printf("  %-7s %s%n", ProgressOutput.elapsed(elapsed.get()), stepName(u.status()));
    }
    for (String line : u.logLines()) {
      out.println("    | " + line);
    }
    if (u.status() != status) {
      upload = null;
    }
    status = u.status();
    if (u.logLines().isEmpty()) {
      message = u.message();
    }
    if (u.upload() != null) {
      upload = u.upload();
    }
    if (!u.isTerminal()) {
      drawBar();
    }
    out.flush();
  }

  @Override
  public synchronized void tick() {
    if (status.isTerminal()) {
      return;
    }
    spin++;
    clearBar();
    drawBar();
    out.flush();
  }

  @Override
  public synchronized void finish() {
    clearBar();
    out.flush();
  }

  /** The bar line, without control characters; package-private for tests. */
  synchronized String barLine() {
    int step = Math.max(0, STEPS.indexOf(status));
    double within = 0;
    String uploadText = "";
    if (upload != null && status == DeploymentStatus.UPLOADING) {
      UploadProgress p = upload;
      within = p.bytesTotal() > 0 ? (double) p.bytesDone() / p.bytesTotal()
          : p.filesTotal() > 0 ? (double) p.filesDone() / p.filesTotal() : 0;
      uploadText = "  " + ProgressOutput.upload(p);
    }
    double fraction = Math.min(1.0, (step + within) / STEPS.size());
    int filled = (int) Math.round(fraction * BAR_WIDTH);
    StringBuilder bar = new StringBuilder("[");
    for (int i = 0; i < BAR_WIDTH; i++) {
      bar.append(i < filled ? '=' : i == filled ? '>' : ' ');
    }
    bar.append("] ");
    String line = SPINNER.charAt(spin % SPINNER.length()) + " " + bar + (step + 1) + "/"
        + STEPS.size() + " " + status + "  " + ProgressOutput.elapsed(elapsed.get())
        + (uploadText.isEmpty() ? "  " + message : uploadText);
    return line.length() < columns ? line : line.substring(0, columns - 4) + "...";
  }

  private void drawBar() {
    out.print(barLine());
    barShown = true;
  }

  private void clearBar() {
    if (barShown) {
      out.print(CLEAR_LINE);
      barShown = false;
    }
  }

  private static String stepName(DeploymentStatus s) {
    return switch (s) {
      case PENDING -> "Waiting";
      case GENERATING -> "Preparing the files";
      case CREATING_PROJECT -> "Creating the project";
      case CONFIGURING -> "Setting the environment variables";
      case UPLOADING -> "Uploading";
      case BUILDING -> "Building";
      default -> s.name();
    };
  }
}
