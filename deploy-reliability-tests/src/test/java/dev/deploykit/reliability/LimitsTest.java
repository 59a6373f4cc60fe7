package dev.deploykit.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.deploykit.core.Deployment;
import dev.deploykit.core.DeploymentConfig;
import dev.deploykit.core.DeploymentException;
import dev.deploykit.core.DeploymentOrchestrator;
import dev.deploykit.core.DeploymentStatus;
import dev.deploykit.core.ErrorCode;
import dev.deploykit.core.GeneratedFile;
import dev.deploykit.core.ProgressUpdate;
import dev.deploykit.core.ProjectFiles;
import dev.deploykit.core.internal.DeploymentRun;
import dev.deploykit.testing.InMemoryPlatform;
import dev.deploykit.testing.RecordingProgressListener;
import dev.deploykit.testing.SecretCanary;
import dev.deploykit.testing.SecretCanaryExtension;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Item 4: each bound, and a test that proves it holds. */
@ExtendWith(SecretCanaryExtension.class)
class LimitsTest {
  private static DeploymentOrchestrator orchestrator(InMemoryPlatform platform, String token) {
    return DeploymentOrchestrator.builder().discoverPlatforms(false).platform(platform)
        .token(Target.USER, "memory", token)
        .deploymentTimeout(Target.DEPLOYMENT_TIMEOUT)
        .pollInterval(Duration.ofMillis(20), Duration.ofMillis(50))
        .build();
  }

  private static DeploymentConfig.Builder config(SecretCanary canary) {
    return DeploymentConfig.builder(Target.PROJECT, "memory")
        .environmentVariables(Target.variables(canary)).verifyUrl(false);
  }

  @Test
  void fileAboveTheConfiguredSize_isRefusedNamingItBeforeItIsRead(@TempDir Path dir)
      throws Exception {
    Files.writeString(dir.resolve("index.html"), "<h1>hi</h1>");
    Files.write(dir.resolve("big.bin"), new byte[2048]);

    assertThatThrownBy(() -> ProjectFiles.fromDirectory(dir, 1024, 1 << 20, 100))
        .isInstanceOfSatisfying(DeploymentException.class, e -> {
          assertThat(e.code()).isEqualTo(ErrorCode.INVALID_CONFIG);
          assertThat(e.getMessage()).contains("big.bin").contains("1024");
        });
  }

  @Test
  void fileAboveTheDefault50MiB_failsTheDeploymentAtOnce(@TempDir Path dir, SecretCanary canary)
      throws Exception {
    Files.writeString(dir.resolve("package.json"), "{\"name\":\"my-app\"}");
    try (RandomAccessFile f = new RandomAccessFile(dir.resolve("huge.bin").toFile(), "rw")) {
      f.setLength(ProjectFiles.DEFAULT_MAX_FILE_BYTES + 1); // sparse: nothing written
    }
    try (InMemoryPlatform platform = InMemoryPlatform.create();
        DeploymentOrchestrator o = orchestrator(platform, canary.token())) {
      long start = System.nanoTime();
      Deployment d = o.deployAsync(config(canary).sourceDirectory(dir).build(), Target.USER,
          canary.listener()).get(10, TimeUnit.SECONDS);
      canary.scanDeployment(o, d);

      assertThat(d.status()).isEqualTo(DeploymentStatus.FAILED);
      assertThat(d.error().code()).isEqualTo(ErrorCode.INVALID_CONFIG);
      assertThat(d.error().message()).contains("huge.bin");
      assertThat(platform.calls(InMemoryPlatform.Operation.UPLOAD_FILES)).isZero();
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
    }
  }

  @Test
  void moreFilesThanTheConfiguredCount_isRefused(@TempDir Path dir) throws Exception {
    for (int i = 0; i < 11; i++) {
      Files.writeString(dir.resolve("f" + i + ".txt"), "x");
    }
    assertThatThrownBy(() -> ProjectFiles.fromDirectory(dir, 1024, 1 << 20, 10))
        .isInstanceOfSatisfying(DeploymentException.class,
            e -> assertThat(e.getMessage()).contains("more than 10 files"));
  }

  @Test
  void moreThan20000GivenFiles_failTheDeploymentBeforeAnyUpload(SecretCanary canary)
      throws Exception {
    List<GeneratedFile> files = new ArrayList<>();
    for (int i = 0; i <= DeploymentRun.MAX_FILES; i++) {
      files.add(GeneratedFile.text("public/f" + i + ".txt", "x"));
    }
    try (InMemoryPlatform platform = InMemoryPlatform.create();
        DeploymentOrchestrator o = orchestrator(platform, canary.token())) {
      Deployment d = o.deployAsync(config(canary).files(files).build(), Target.USER,
          canary.listener()).get(10, TimeUnit.SECONDS);
      canary.scanDeployment(o, d);

      assertThat(d.status()).isEqualTo(DeploymentStatus.FAILED);
      assertThat(d.error().code()).isEqualTo(ErrorCode.INVALID_CONFIG);
      assertThat(d.error().message()).contains("20001 files").contains("at most 20000");
      assertThat(platform.calls(InMemoryPlatform.Operation.CREATE_PROJECT)).isZero();
      assertThat(platform.calls(InMemoryPlatform.Operation.UPLOAD_FILES)).isZero();
    }
  }

  @Test
  void aBuildLogLineOf10MiB_isCutTo8KiBEverywhereAUserSeesIt(SecretCanary canary)
      throws Exception {
    String huge = "x".repeat(10 * 1024 * 1024);
    RecordingProgressListener listener = new RecordingProgressListener();
    try (InMemoryPlatform platform = InMemoryPlatform.builder().buildDuration(Duration.ofMillis(50))
            .buildLogs(List.of("before", huge, "after")).build();
        DeploymentOrchestrator o = orchestrator(platform, canary.token())) {
      long start = System.nanoTime();
      Deployment d = o.deployAsync(config(canary).files(Target.files()).build(), Target.USER,
          listener).get(10, TimeUnit.SECONDS);
      listener.awaitTerminal(Duration.ofSeconds(5));

      assertThat(d.status()).isEqualTo(DeploymentStatus.SUCCESS);
      assertThat(Duration.ofNanos(System.nanoTime() - start))
          .isLessThan(Target.DEPLOYMENT_TIMEOUT.plusSeconds(1));
      assertThat(d.logTail()).hasSize(3);
      String cut = d.logTail().get(1);
      assertThat(cut).hasSizeLessThan(DeploymentRun.MAX_LOG_LINE_CHARS + 100)
          .startsWith("xxxx").endsWith("(" + (huge.length() - DeploymentRun.MAX_LOG_LINE_CHARS)
              + " more characters cut)");
      assertThat(listener.logLines()).containsExactly("before", cut, "after");
      for (ProgressUpdate u : o.progress().history(d.id())) {
        assertThat(u.toString().length()).isLessThan(64 * 1024);
      }
    }
  }

  @Test
  void aListenerThatBlocksForever_delaysNeitherTheDeploymentNorOtherListeners(
      SecretCanary canary) throws Exception {
    CountDownLatch never = new CountDownLatch(1);
    CountDownLatch blocked = new CountDownLatch(1);
    RecordingProgressListener other = new RecordingProgressListener();
    Set<String> before = Threads.live();
    try (InMemoryPlatform platform = InMemoryPlatform.builder().buildDuration(Duration.ofMillis(50))
            .build();
        DeploymentOrchestrator o = orchestrator(platform, canary.token())) {
      long start = System.nanoTime();
      var future = o.deployAsync(config(canary).files(Target.files()).build(), Target.USER, u -> {
        blocked.countDown();
        try {
          never.await(); // until the test ends: "forever" for the deployment
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      });
      Deployment d = future.get(10, TimeUnit.SECONDS);
      assertThat(blocked.await(5, TimeUnit.SECONDS)).isTrue();
      o.subscribe(d.id(), other);

      assertThat(d.status()).isEqualTo(DeploymentStatus.SUCCESS);
      assertThat(Duration.ofNanos(System.nanoTime() - start))
          .isLessThan(Target.DEPLOYMENT_TIMEOUT.plusSeconds(1));
      assertThat(other.awaitTerminal(Duration.ofSeconds(5)).status())
          .isEqualTo(DeploymentStatus.SUCCESS);
      canary.scanDeployment(o, d);
    } finally {
      never.countDown();
    }
    Threads.assertNoneLeft(before, "the blocking listener");
  }
}
