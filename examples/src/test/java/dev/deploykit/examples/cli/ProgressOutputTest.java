package dev.deploykit.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.deploykit.core.DeploymentStatus;
import dev.deploykit.core.ProgressUpdate;
import dev.deploykit.core.UploadProgress;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ProgressOutputTest {
  private final AtomicLong seq = new AtomicLong();
  private Duration now = Duration.ZERO;

  private ProgressUpdate update(DeploymentStatus status, String message, List<String> logs,
      UploadProgress upload) {
    return new ProgressUpdate("dep_1", seq.incrementAndGet(), status, message, logs, null, null,
        upload, Instant.EPOCH);
  }

  @Test
  void terminal_redrawsTheBarInPlaceWithStepElapsedFilesAndBytes() {
    StringWriter text = new StringWriter();
    TerminalProgress p = new TerminalProgress(new PrintWriter(text), () -> now, 120);

    p.onUpdate(update(DeploymentStatus.UPLOADING, "Uploading 4 files", List.of(), null));
    now = Duration.ofMillis(2500);
    p.onUpdate(update(DeploymentStatus.UPLOADING, "Uploaded 2 of 4 files", List.of(),
        new UploadProgress(2, 4, 1536, 3 * 1024 * 1024)));

    assertThat(p.barLine()).isEqualTo(
        "| [=============>      ] 5/6 UPLOADING  2.5s  2/4 files, 1.5 KiB of 3.0 MiB");
    now = Duration.ofSeconds(65);
    p.tick();
    assertThat(p.barLine()).startsWith("/ [").contains("1m05s");
    p.onUpdate(update(DeploymentStatus.BUILDING, "Build started", List.of("npm install"), null));
    p.finish();

    String out = text.toString();
    assertThat(out).contains("  0.0s    Uploading\n", "  1m05s   Building\n", "    | npm install\n");
    assertThat(out.split(java.util.regex.Pattern.quote(TerminalProgress.CLEAR_LINE), -1))
        .hasSizeGreaterThanOrEqualTo(4);
    assertThat(out).endsWith(TerminalProgress.CLEAR_LINE);
  }

  @Test
  void terminal_cutsTheBarToTheTerminalWidth() {
    TerminalProgress p = new TerminalProgress(new PrintWriter(new StringWriter()), () -> now, 50);
    p.onUpdate(update(DeploymentStatus.BUILDING, "x".repeat(200), List.of(), null));

    assertThat(p.barLine()).hasSize(49).endsWith("...");
  }

  @Test
  void plain_printsUploadProgressAtMostEveryTenthAndEveryLogLine() {
    StringWriter text = new StringWriter();
    PlainProgress p = new PlainProgress(new PrintWriter(text), () -> now);

    p.onUpdate(update(DeploymentStatus.UPLOADING, "Uploading 100 files", List.of(), null));
    for (int i = 1; i <= 100; i++) {
      p.onUpdate(update(DeploymentStatus.UPLOADING, "Uploaded " + i + " of 100 files", List.of(),
          new UploadProgress(i, 100, i * 1000L, 100_000L)));
    }
    p.onUpdate(update(DeploymentStatus.BUILDING, "Build started", List.of("line 1", "line 2"), null));

    String[] lines = text.toString().split("\n");
    assertThat(lines).filteredOn(l -> l.contains("Uploaded ")).hasSize(11);
    assertThat(lines).contains("    | line 1", "    | line 2",
        "[   0.0s] UPLOADING        Uploaded 100 of 100 files (100/100 files, 97.7 KiB of 97.7 KiB)");
    assertThat(lines[lines.length - 1]).isEqualTo("[   0.0s] BUILDING         Build started");
  }

  @Test
  void formats_bytesAndElapsedTimes() {
    assertThat(ProgressOutput.bytes(512)).isEqualTo("512 B");
    assertThat(ProgressOutput.bytes(1536)).isEqualTo("1.5 KiB");
    assertThat(ProgressOutput.bytes(5L * 1024 * 1024 * 1024)).isEqualTo("5.00 GiB");
    assertThat(ProgressOutput.elapsed(Duration.ofMillis(4210))).isEqualTo("4.2s");
    assertThat(ProgressOutput.elapsed(Duration.ofSeconds(125))).isEqualTo("2m05s");
  }
}
