package dev.deploykit.temporal;

import dev.deploykit.core.DeploymentTarget;
import dev.deploykit.core.GeneratedFile;
import dev.deploykit.core.spi.BuildState;
import dev.deploykit.core.spi.BuildStatus;
import dev.deploykit.core.spi.CreateProjectRequest;
import dev.deploykit.core.spi.PlatformContext;
import dev.deploykit.core.spi.PlatformDeployment;
import dev.deploykit.core.spi.PlatformProject;
import dev.deploykit.core.spi.PlatformProvider;
import dev.deploykit.core.spi.PlatformService;
import dev.deploykit.core.spi.UploadResult;
import dev.deploykit.testing.ForwardingPlatformService;
import dev.deploykit.testing.InMemoryPlatform;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Test seam: the in-memory platform seen through one worker. It counts the calls this worker
 * made, can hold the trigger until the test releases it, and can report the build as still
 * running (whatever the in-memory build reached) until the test releases it, so a test decides how
 * long a build lasts without waiting on a real clock.
 */
final class GatedPlatform implements PlatformProvider {
  private final InMemoryPlatform delegate;
  final AtomicInteger creates = new AtomicInteger();
  final AtomicInteger triggers = new AtomicInteger();
  final AtomicInteger polls = new AtomicInteger();
  /** Completed by the test to let triggers through; completed already unless {@link #holdTrigger}. */
  volatile CompletableFuture<Void> triggerGate = CompletableFuture.completedFuture(null);
  /** Completed by the test to let polls report the in-memory build's real state. */
  volatile CompletableFuture<Void> buildGate = CompletableFuture.completedFuture(null);

  GatedPlatform(InMemoryPlatform delegate) {
    this.delegate = delegate;
  }

  GatedPlatform holdTrigger() {
    triggerGate = new CompletableFuture<>();
    return this;
  }

  GatedPlatform holdBuild() {
    buildGate = new CompletableFuture<>();
    return this;
  }

  @Override
  public String id() {
    return delegate.id();
  }

  @Override
  public String displayName() {
    return delegate.displayName();
  }

  @Override
  public PlatformService create(PlatformContext context) {
    PlatformService s = delegate.create(context);
    return new ForwardingPlatformService(s) {
      @Override
      public CompletableFuture<PlatformProject> createProject(CreateProjectRequest request) {
        creates.incrementAndGet();
        return super.createProject(request);
      }

      @Override
      public CompletableFuture<PlatformDeployment> triggerDeployment(PlatformProject project,
          UploadResult upload, List<GeneratedFile> files, DeploymentTarget target) {
        triggers.incrementAndGet();
        return triggerGate.thenCompose(v -> super.triggerDeployment(project, upload, files,
            target));
      }

      @Override
      public CompletableFuture<BuildStatus> getDeploymentStatus(PlatformProject project,
          String deploymentId) {
        polls.incrementAndGet();
        if (!buildGate.isDone()) {
          return CompletableFuture.completedFuture(BuildStatus.building("HELD_BY_TEST"));
        }
        return super.getDeploymentStatus(project, deploymentId);
      }
    };
  }

  /** Whether the in-memory build {@code id} is in {@code state}. */
  boolean buildIs(String id, BuildState state) {
    return delegate.deployment(id).map(d -> d.state() == state).orElse(false);
  }
}
