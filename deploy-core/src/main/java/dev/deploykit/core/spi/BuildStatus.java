package dev.deploykit.core.spi;

import dev.deploykit.core.DeploymentError;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A platform deployment's status at one poll.
 *
 * @param state where it is
 * @param url the live URL, for {@link BuildState#SUCCESS}
 * @param error why it failed, for {@link BuildState#FAILED}
 * @param platformState the platform's own word for the state (e.g. {@code QUEUED}), for messages
 */
public record BuildStatus(
    BuildState state, @Nullable String url, @Nullable DeploymentError error, String platformState) {

  /** Checks the arguments. */
  public BuildStatus {
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(platformState, "platformState");
    if (state == BuildState.FAILED && error == null) {
      throw new IllegalArgumentException("A FAILED status needs an error");
    }
  }

  /** Returns a not-yet-finished status. */
  public static BuildStatus building(String platformState) {
    return new BuildStatus(BuildState.BUILDING, null, null, platformState);
  }

  /** Returns a live status. */
  public static BuildStatus success(String url) {
    return new BuildStatus(BuildState.SUCCESS, Objects.requireNonNull(url, "url"), null, "READY");
  }

  /** Returns a failed status. */
  public static BuildStatus failed(DeploymentError error, String platformState) {
    return new BuildStatus(BuildState.FAILED, null, error, platformState);
  }

  /** Returns a cancelled status. */
  public static BuildStatus cancelled(String platformState) {
    return new BuildStatus(BuildState.CANCELLED, null, null, platformState);
  }
}
