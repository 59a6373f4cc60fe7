package dev.deploykit.examples.cli;

import dev.deploykit.core.ProgressUpdate;
import dev.deploykit.core.UploadProgress;
import java.time.Duration;
import java.util.Locale;

/**
 * Shows a deployment's progress. Called on tracker threads, one update at a time and in order;
 * {@link #tick()} from the waiting command thread. Implementations synchronise their writes.
 */
interface ProgressOutput {

  /** Shows one update. */
  void onUpdate(ProgressUpdate update);

  /** Refreshes what depends on time alone (the elapsed time of a live bar). */
  default void tick() {}

  /** Ends the progress display, before the result is printed. */
  default void finish() {}

  /** Formats a byte count: {@code 512 B}, {@code 1.5 KiB}, {@code 3.2 MiB}. */
  static String bytes(long n) {
    if (n < 1024) {
      return n + " B";
    }
    if (n < 1024 * 1024) {
      return String.format(Locale.ROOT, "%.1f KiB", n / 1024.0);
    }
    if (n < 1024L * 1024 * 1024) {
      return String.format(Locale.ROOT, "%.1f MiB", n / (1024.0 * 1024));
    }
    return String.format(Locale.ROOT, "%.2f GiB", n / (1024.0 * 1024 * 1024));
  }

  /** Formats an elapsed time: {@code 4.2s}, {@code 1m05s}. */
  static String elapsed(Duration d) {
    long ms = Math.max(0, d.toMillis());
    if (ms < 60_000) {
      return String.format(Locale.ROOT, "%.1fs", ms / 1000.0);
    }
    return String.format(Locale.ROOT, "%dm%02ds", ms / 60_000, (ms / 1000) % 60);
  }

  /** Formats upload progress: {@code 12/40 files, 1.2 MiB of 3.4 MiB}. */
  static String upload(UploadProgress p) {
    return p.filesDone() + "/" + p.filesTotal() + " files, " + bytes(p.bytesDone()) + " of "
        + bytes(p.bytesTotal());
  }
}
