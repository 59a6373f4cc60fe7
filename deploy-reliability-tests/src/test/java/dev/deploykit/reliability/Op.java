package dev.deploykit.reliability;

import com.github.tomakehurst.wiremock.client.MappingBuilder;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * One operation of an adapter, as the request that carries it.
 *
 * @param name how the matrix names it, e.g. {@code createProject (POST /v11/projects)}
 * @param kind how the orchestrator treats its failure
 * @param request matches the request the fault replaces (null for the in-memory platform)
 * @param memory the in-memory platform's operation, for that target only
 */
record Op(String name, Kind kind, @Nullable Supplier<MappingBuilder> request,
    dev.deploykit.testing.InMemoryPlatform.@Nullable Operation memory) {

  static Op http(String name, Kind kind, Supplier<MappingBuilder> request) {
    return new Op(name, kind, request, null);
  }

  /** How a failure of the operation is handled, as DeploymentRun documents it. */
  enum Kind {
    /** Not retried: the deployment fails with the operation's error. */
    CALL,
    /** Retried by the orchestrator (RetrySettings) on temporary errors. */
    UPLOAD,
    /** Status polling: temporary errors retried up to 5 times in a row. */
    POLL,
    /** Build logs: best effort, a failure never fails the deployment. */
    LOGS,
    /** A step of the GitHub fallback publish: not retried. */
    PUBLISH
  }
}
