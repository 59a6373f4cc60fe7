package dev.deploykit.core.spi;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A deployment the platform started.
 *
 * @param id the platform's id for it
 * @param url the URL it will be served at, if the platform says so early, or {@code null}
 */
public record PlatformDeployment(String id, @Nullable String url) {

  /** Checks the arguments. */
  public PlatformDeployment {
    Objects.requireNonNull(id, "id");
  }
}
