package dev.deploykit.examples.cli;

import dev.deploykit.core.DeploymentStatus;
import dev.deploykit.core.ProgressUpdate;
import dev.deploykit.core.UploadProgress;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Progress as plain lines, for output that is not a terminal (a log file, CI): one line per step,
 * build-log lines indented with {@code |}, upload progress at most every 10 %.
 */
final class PlainProgress implements ProgressOutput {
  private final PrintWriter out;
  private final Supplier<Duration> elapsed;
  private @Nullable DeploymentStatus lastStatus;
  private String lastMessage = "";
  private int lastUploadDecile = -1;

  PlainProgress(PrintWriter out, Supplier<Duration> elapsed) {
    this.out = out;
    this.elapsed = elapsed;
  }

  @Override
  public synchronized void onUpdate(ProgressUpdate u) {
    for (String line : u.logLines()) {
      out.println("    | " + line);
    }
    UploadProgress up = u.upload();
    boolean newStep = u.status() != lastStatus;
    if (up != null && !newStep) {
      int decile = up.bytesTotal() > 0 ? (int) (up.bytesDone() * 10 / up.bytesTotal())
          : up.filesTotal() > 0 ? up.filesDone() * 10 / up.filesTotal() : 10;
      boolean done = up.filesDone() >= up.filesTotal();
      if (decile == lastUploadDecile && !done) {
        out.flush();
        return;
      }
      lastUploadDecile = decile;
    }
    if ((u.logLines().isEmpty() || newStep) && (newStep || !u.message().equals(lastMessage))) {
      out.printf("[%7s] %-16s %s%s%n", ProgressOutput.elapsed(elapsed.get()), u.status(),
          u.message(), up == null ? "" : " (" + ProgressOutput.upload(up) + ")");
      lastMessage = u.message();
    }
    lastStatus = u.status();
    out.flush();
  }
}
