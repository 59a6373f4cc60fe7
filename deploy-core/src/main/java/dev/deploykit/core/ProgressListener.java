package dev.deploykit.core;

/**
 * Receives a deployment's progress.
 *
 * <p>Called on a tracker thread, one update at a time per subscription, in sequence order. A
 * listener should return quickly; a slow one delays only itself (its updates queue, bounded), and
 * one that throws is logged and keeps its subscription.
 */
@FunctionalInterface
public interface ProgressListener {

  /** Receives the next update. */
  void onUpdate(ProgressUpdate update);
}
