package dev.deploykit.core.spi;

/** A platform deployment's state, as the orchestrator needs it. */
public enum BuildState {
  /** Queued, building or starting: not finished. */
  BUILDING,
  /** Live. */
  SUCCESS,
  /** Failed; the status carries the error. */
  FAILED,
  /** Cancelled on the platform. */
  CANCELLED;

  /** Returns whether the platform deployment has ended. */
  public boolean isTerminal() {
    return this != BUILDING;
  }
}
