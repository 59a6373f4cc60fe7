package dev.deploykit.core.spi;

import dev.deploykit.core.UploadProgress;

/** Told by an adapter how an upload is going. Must return quickly; may be called from any thread. */
@FunctionalInterface
public interface UploadListener {
  /** A listener that ignores progress. */
  UploadListener NONE = p -> {};

  /** Receives the upload's progress so far. */
  void onProgress(UploadProgress progress);
}
