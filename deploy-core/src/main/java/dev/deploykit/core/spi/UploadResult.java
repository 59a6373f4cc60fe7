package dev.deploykit.core.spi;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * What an upload did.
 *
 * <p>On platforms where the upload itself starts the build (Railway's tarball, Vercel's
 * content-addressed handshake), {@link #deploymentId()} holds the deployment it started and {@link
 * PlatformService#triggerDeployment} returns that deployment instead of starting a second one.
 *
 * @param filesUploaded files whose bytes were sent
 * @param bytesUploaded bytes sent
 * @param filesSkipped files the platform already had
 * @param deploymentId the deployment the upload started, or {@code null}
 * @param attributes what the adapter needs later (a commit SHA, a manifest...)
 */
public record UploadResult(
    int filesUploaded, long bytesUploaded, int filesSkipped, @Nullable String deploymentId,
    Map<String, String> attributes) {

  /** Copies the attributes. */
  public UploadResult {
    attributes = attributes == null ? Map.of() : Map.copyOf(attributes);
  }

  /** Returns a result with only counts. */
  public static UploadResult of(int filesUploaded, long bytesUploaded, int filesSkipped) {
    return new UploadResult(filesUploaded, bytesUploaded, filesSkipped, null, Map.of());
  }

  /** Returns the started deployment's id, if the upload started one. */
  public Optional<String> startedDeployment() {
    return Optional.ofNullable(deploymentId);
  }

  /** Returns an attribute. */
  public Optional<String> attribute(String key) {
    return Optional.ofNullable(attributes.get(Objects.requireNonNull(key, "key")));
  }
}
