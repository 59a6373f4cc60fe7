package dev.deploykit.examples.cli;

/** The exit codes of every {@code deploykit} command. */
final class ExitCodes {
  /** The command did what was asked: the deployment is live, the variables are valid. */
  static final int OK = 0;
  /** The deployment failed (the recovery plan is printed), or validation found problems. */
  static final int FAILED = 1;
  /** Bad input: an unknown option or value, a missing or malformed file, an unknown platform. */
  static final int BAD_INPUT = 2;
  /** The deployment did not finish within {@code --timeout}. */
  static final int TIMED_OUT = 3;

  private ExitCodes() {}
}
