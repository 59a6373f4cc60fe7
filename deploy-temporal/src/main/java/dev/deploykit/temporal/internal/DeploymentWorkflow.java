package dev.deploykit.temporal.internal;

import dev.deploykit.core.Deployment;
import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.SignalMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/** Not API: one deployment as a Temporal workflow. */
@WorkflowInterface
public interface DeploymentWorkflow {
  /** The workflow type's name. */
  String TYPE = "DeploykitDeployment";

  /** Runs the deployment's steps; returns the final snapshot (a failure is data, not an error). */
  @WorkflowMethod(name = TYPE)
  Deployment run(DeploymentRequest request);

  /** Asks the deployment to stop: the platform is asked to cancel the build; it ends CANCELLED. */
  @SignalMethod(name = "cancel")
  void cancel();

  /** Returns the latest snapshot. */
  @QueryMethod(name = "progress")
  Deployment progress();
}
