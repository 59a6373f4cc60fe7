package dev.deploykit.core;

/** A subscription to a deployment's progress; {@link #close()} ends it. Idempotent. */
public interface Subscription extends AutoCloseable {

  /** Stops delivery to the listener. Updates already being delivered may still arrive. */
  @Override
  void close();
}
