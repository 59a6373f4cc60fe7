package dev.deploykit.core.spi;

import org.jspecify.annotations.Nullable;

/**
 * What a platform said in an error response's body, as an {@link ErrorBodyReader} read it.
 *
 * @param code the platform's machine-readable error code (e.g. Vercel's {@code conflict}), or
 *     {@code null}
 * @param message the platform's human-readable message, or {@code null}
 */
public record PlatformErrorBody(@Nullable String code, @Nullable String message) {

  /** A body that said nothing usable (empty, HTML, or JSON of an unknown shape). */
  public static final PlatformErrorBody NONE = new PlatformErrorBody(null, null);
}
