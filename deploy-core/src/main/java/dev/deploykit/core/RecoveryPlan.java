package dev.deploykit.core;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What to do after a deployment failed: made by {@link DeploymentErrorHandler#handleError}.
 *
 * <p>Immutable; the lists are copied. Nothing in a plan holds a token or a sensitive value.
 *
 * @param action the main thing to do
 * @param userMessage a message a person can act on: what happened, why, and what to do
 * @param suggestions concrete steps, most useful first
 * @param alternativePlatforms ids of installed platforms to deploy to instead, sorted; never the
 *     failing one
 * @param fallbackOptions other ways to take the code out, in order of preference
 * @param retryAfter how long to wait before retrying, when the action is {@link RecoveryAction#RETRY}
 *     and the platform said so, else {@code null}
 */
public record RecoveryPlan(
    RecoveryAction action,
    String userMessage,
    List<String> suggestions,
    List<String> alternativePlatforms,
    List<FallbackOption> fallbackOptions,
    @Nullable Duration retryAfter) {

  /** Checks the arguments and copies the lists. */
  public RecoveryPlan {
    Objects.requireNonNull(action, "action");
    Objects.requireNonNull(userMessage, "userMessage");
    suggestions = suggestions == null ? List.of() : List.copyOf(suggestions);
    alternativePlatforms =
        alternativePlatforms == null ? List.of() : List.copyOf(alternativePlatforms);
    fallbackOptions = fallbackOptions == null ? List.of() : List.copyOf(fallbackOptions);
  }
}
