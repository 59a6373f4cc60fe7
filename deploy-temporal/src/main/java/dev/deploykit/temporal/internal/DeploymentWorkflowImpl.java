package dev.deploykit.temporal.internal;

import dev.deploykit.core.Deployment;
import dev.deploykit.core.DeploymentError;
import dev.deploykit.core.DeploymentStatus;
import dev.deploykit.core.ErrorCode;
import dev.deploykit.core.UrlCheck;
import dev.deploykit.core.internal.DeploymentSteps;
import dev.deploykit.core.spi.BuildStatus;
import dev.deploykit.core.spi.DeploymentCheckpoint;
import dev.deploykit.core.spi.PlatformDeployment;
import dev.deploykit.core.spi.PlatformProject;
import dev.deploykit.core.spi.UploadResult;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.CanceledFailure;
import io.temporal.failure.TimeoutFailure;
import io.temporal.workflow.CancellationScope;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.time.Instant;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;

/**
 * Not API: the deployment workflow. Each platform call is an activity with its own timeout and
 * retry policy (the {@link DeploymentActivitiesImpl#NON_RETRYABLE} codes are never retried);
 * status polling waits on durable timers; the cancel signal and the deployment's timeout cancel the
 * steps' scope, after which the platform is asked to cancel the build. The trigger runs outside
 * that scope, so the build it started is always known, and cancelled, after a cancel. After the
 * build succeeds, the URL is checked when the request's checkpoint asks for it, by one activity
 * attempt (the in-process engine GETs once, without retrying), whose {@link UrlCheck} the
 * deployment records; it still ends SUCCESS whatever the URL answered, as in-process.
 * Deterministic: no clock, no I/O, no randomness of its own.
 */
public final class DeploymentWorkflowImpl implements DeploymentWorkflow {
  private static final Logger LOG = Workflow.getLogger(DeploymentWorkflowImpl.class);
  private static final String[] DO_NOT_RETRY = DeploymentActivitiesImpl.NON_RETRYABLE.stream()
      .map(Enum::name).sorted().toArray(String[]::new);
  /** The GET's timeout for a request from before it carried one: the orchestrator's default. */
  private static final long DEFAULT_VERIFY_MILLIS = 10_000;
  /** How much longer than the GET's own timeout its activity may take. */
  private static final long VERIFY_MARGIN_MILLIS = 30_000;

  private @Nullable Deployment snapshot;
  private @Nullable CancellationScope scope;
  private boolean cancelRequested;
  private boolean timedOut;
  private @Nullable DeploymentCheckpoint checkpoint;

  /** Creates the workflow; Temporal calls it. */
  public DeploymentWorkflowImpl() {}

  @Override
  public Deployment run(DeploymentRequest r) {
    Deployment d = r.initial(now());
    snapshot = d;
    checkpoint = r.checkpoint();
    DeploymentActivities platform = Workflow.newActivityStub(DeploymentActivities.class,
        options(Duration.ofMinutes(2), Duration.ofSeconds(1), Duration.ofSeconds(30), 5));
    DeploymentActivities uploads = Workflow.newActivityStub(DeploymentActivities.class,
        options(Duration.ofMinutes(10), Duration.ofMillis(Math.max(1, r.uploadInitialMillis())),
            Duration.ofMillis(Math.max(1, r.uploadMaxMillis())), Math.max(1, r.uploadAttempts())));
    DeploymentActivities polls = Workflow.newActivityStub(DeploymentActivities.class,
        options(Duration.ofSeconds(30), Duration.ofMillis(Math.max(1, r.pollInitialMillis())),
            Duration.ofMillis(Math.max(1, r.pollMaxMillis())), Math.max(1, r.pollAttempts())));

    DeploymentActivities checks = Workflow.newActivityStub(DeploymentActivities.class,
        ActivityOptions.newBuilder()
            .setStartToCloseTimeout(Duration.ofMillis(
                (r.verifyTimeoutMillis() > 0 ? r.verifyTimeoutMillis() : DEFAULT_VERIFY_MILLIS)
                    + VERIFY_MARGIN_MILLIS))
            .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(1).build())
            .build());

    CancellationScope steps = Workflow.newCancellationScope(
        () -> steps(r, platform, uploads, polls, checks));
    scope = steps;
    Workflow.newTimer(Duration.ofMillis(r.timeoutMillis())).thenApply(fired -> {
      if (!current().isTerminal()) {
        timedOut = true;
        steps.cancel();
      }
      return fired;
    });
    try {
      if (cancelRequested) {
        steps.cancel();
      }
      steps.run();
    } catch (CanceledFailure e) {
      stopped(r, platform);
    } catch (ActivityFailure e) {
      // A step that ends in a failure after a cancel or the timeout (the trigger, which no cancel
      // interrupts) ends the deployment as the cancel or the timeout says.
      if (e.getCause() instanceof CanceledFailure || cancelRequested || timedOut) {
        stopped(r, platform);
      } else {
        end(DeploymentStatus.FAILED, errorOf(e, r), null);
      }
    }
    LOG.info("Deployment {} ended {}", r.deploymentId(), current().status());
    return current();
  }

  @Override
  public void cancel() {
    cancelRequested = true;
    CancellationScope s = scope;
    if (s != null) {
      s.cancel();
    }
  }

  @Override
  public Deployment progress() {
    return current();
  }

  // ---- the steps ---------------------------------------------------------------------------

  private void steps(DeploymentRequest r, DeploymentActivities platform,
      DeploymentActivities uploads, DeploymentActivities polls, DeploymentActivities checks) {
    step(DeploymentStatus.CREATING_PROJECT);
    DeploymentCheckpoint cp = platform.createProject(r, cp());
    checkpoint = cp;
    PlatformProject project = cp.project();
    snapshot = current().withPlatformProjectId(project == null ? null : project.id());

    step(DeploymentStatus.CONFIGURING);
    platform.configure(r, cp);

    step(DeploymentStatus.UPLOADING);
    UploadResult upload = uploads.upload(r, cp);

    step(DeploymentStatus.BUILDING);
    cp = triggerToTheEnd(r, platform, cp, upload);
    checkpoint = cp;
    PlatformDeployment pd = cp.platformDeployment();
    snapshot = current().withPlatformDeploymentId(pd == null ? null : pd.id());
    if (cancelRequested || timedOut) {
      throw new CanceledFailure("cancel requested while the build was being started");
    }

    long interval = Math.max(1, r.pollInitialMillis());
    while (true) {
      BuildStatus status = polls.poll(r, cp);
      switch (status.state()) {
        case SUCCESS -> {
          String url = status.url();
          UrlCheck check = null;
          if (url != null) {
            snapshot = current().withDeploymentUrl(url);
            check = verify(r, checks, cp, url);
          }
          end(DeploymentStatus.SUCCESS, null, url);
          snapshot = current().withUrlCheck(check);
          return;
        }
        case FAILED, CANCELLED -> {
          DeploymentError err = status.error() != null ? status.error()
              : DeploymentError.of(ErrorCode.BUILD_FAILED, "The build ended "
                  + status.platformState()).withPlatform(r.platform());
          end(DeploymentStatus.FAILED, err, null);
          return;
        }
        default -> {
          Workflow.sleep(Duration.ofMillis(interval));
          interval = Math.min(interval * 2, Math.max(1, r.pollMaxMillis()));
        }
      }
    }
  }

  /**
   * The check of a successful deployment's URL, when the checkpoint asks for it ({@link
   * DeploymentSteps#verifiesUrl}); else null. An activity that fails or times out (no worker
   * answered) is recorded as a check without an answer, as a GET that fails is; a cancel or the
   * deployment's timeout during the check ends the deployment as they say.
   */
  private @Nullable UrlCheck verify(DeploymentRequest r, DeploymentActivities checks,
      DeploymentCheckpoint cp, String url) {
    if (!DeploymentSteps.verifiesUrl(url, cp)
        || Workflow.getVersion("verify-url", Workflow.DEFAULT_VERSION, 1)
            == Workflow.DEFAULT_VERSION) {
      return null;
    }
    String target = DeploymentSteps.urlCheckTarget(url, cp);
    long sent = Workflow.currentTimeMillis();
    try {
      return checks.verifyUrl(r, target);
    } catch (ActivityFailure e) {
      if (e.getCause() instanceof CanceledFailure || cancelRequested || timedOut) {
        throw e;
      }
      Throwable cause = e.getCause();
      String problem = cause instanceof ApplicationFailure a ? a.getType()
          : cause == null ? "ActivityFailure" : cause.getClass().getSimpleName();
      LOG.warn("Deployment {}: the URL check did not finish ({})", r.deploymentId(), problem);
      return new UrlCheck(target, null, Duration.ofMillis(Workflow.currentTimeMillis() - sent),
          Instant.ofEpochMilli(sent), problem);
    }
  }

  /**
   * Starts the build in a scope that a cancel or the timeout does not cancel: the platform may
   * start a build before it answers, and only the answer names it, so the answer is always waited
   * for and recorded; the caller then honours a cancel that arrived meanwhile, and {@link #stopped}
   * asks the platform to cancel that build. A cancel therefore waits for the trigger activity to
   * end (at most its timeout and retries).
   */
  private static DeploymentCheckpoint triggerToTheEnd(DeploymentRequest r,
      DeploymentActivities platform, DeploymentCheckpoint cp, UploadResult upload) {
    DeploymentCheckpoint[] triggered = new DeploymentCheckpoint[1];
    Workflow.newDetachedCancellationScope(() -> {
      triggered[0] = platform.trigger(r, cp, upload);
    }).run();
    return triggered[0];
  }

  private void step(DeploymentStatus status) {
    if (cancelRequested || timedOut) {
      throw new CanceledFailure("cancel requested");
    }
    snapshot = current().withStatus(status, now());
  }

  /** Ends a cancelled or timed-out deployment, asking the platform to cancel its build. */
  private void stopped(DeploymentRequest r, DeploymentActivities platform) {
    DeploymentCheckpoint cp = cp();
    if (cp.platformDeployment() != null) {
      Workflow.newDetachedCancellationScope(() -> {
        try {
          platform.cancelBuild(r, cp);
        } catch (ActivityFailure e) {
          LOG.warn("Deployment {}: the platform did not cancel the build ({})", r.deploymentId(),
              e.getCause() instanceof ApplicationFailure a ? a.getType() : "no answer");
        }
      }).run();
    }
    if (timedOut && !cancelRequested) {
      Deployment d = current();
      end(DeploymentStatus.TIMED_OUT, DeploymentError.of(ErrorCode.TIMEOUT,
          "The deployment did not finish within " + Duration.ofMillis(r.timeoutMillis())
              + " (it was " + d.status().name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ')
              + "): deploy again, or give it a longer timeout").withPlatform(r.platform()), null);
    } else {
      end(DeploymentStatus.CANCELLED, null, null);
    }
  }

  private static DeploymentError errorOf(ActivityFailure e, DeploymentRequest r) {
    Throwable cause = e.getCause();
    if (cause instanceof ApplicationFailure a) {
      try {
        DeploymentError err = a.getDetails().get(DeploymentError.class);
        if (err != null) {
          return err;
        }
      } catch (RuntimeException ignored) {
        // Fall through: a failure from something other than our activities.
      }
      return DeploymentError.of(ErrorCode.PLATFORM_UNAVAILABLE, a.getOriginalMessage())
          .withPlatform(r.platform());
    }
    if (cause instanceof TimeoutFailure) {
      return DeploymentError.of(ErrorCode.PLATFORM_UNAVAILABLE, "Step " + e.getActivityType()
          + " did not finish in time on any worker: check that a deploykit worker runs on the"
          + " task queue and reaches the platform").withPlatform(r.platform());
    }
    return DeploymentError.of(ErrorCode.PLATFORM_UNAVAILABLE, "Step " + e.getActivityType()
        + " failed: " + (cause == null ? "unknown" : cause.getClass().getSimpleName()))
        .withPlatform(r.platform());
  }

  private void end(DeploymentStatus status, @Nullable DeploymentError error, @Nullable String url) {
    Deployment d = current().withStatus(status, now()).withError(error);
    if (url != null) {
      d = d.withDeploymentUrl(url);
    }
    snapshot = d;
  }

  private static ActivityOptions options(Duration timeout, Duration initial, Duration max,
      int attempts) {
    return ActivityOptions.newBuilder()
        .setStartToCloseTimeout(timeout)
        .setRetryOptions(RetryOptions.newBuilder()
            .setInitialInterval(initial)
            .setMaximumInterval(max.compareTo(initial) < 0 ? initial : max)
            .setBackoffCoefficient(2.0)
            .setMaximumAttempts(attempts)
            .setDoNotRetry(DO_NOT_RETRY)
            .build())
        .build();
  }

  private Deployment current() {
    Deployment d = snapshot;
    if (d == null) {
      throw new IllegalStateException("the workflow has not started");
    }
    return d;
  }

  private DeploymentCheckpoint cp() {
    DeploymentCheckpoint c = checkpoint;
    if (c == null) {
      throw new IllegalStateException("the workflow has not started");
    }
    return c;
  }

  private static Instant now() {
    return Instant.ofEpochMilli(Workflow.currentTimeMillis());
  }
}
