package dev.deploykit.examples.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.deploykit.core.Deployment;
import dev.deploykit.core.DeploymentError;
import dev.deploykit.core.FallbackResult;
import dev.deploykit.core.ProgressUpdate;
import dev.deploykit.core.RecoveryPlan;
import dev.deploykit.core.UploadProgress;
import dev.deploykit.core.UrlCheck;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Progress for machines ({@code --json}): one JSON object per line for each update ({@code
 * "type":"progress"}), then one final object ({@code "type":"result"}). Nothing else goes to
 * standard output.
 */
final class JsonProgress implements ProgressOutput {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final PrintWriter out;
  private final Supplier<Duration> elapsed;

  JsonProgress(PrintWriter out, Supplier<Duration> elapsed) {
    this.out = out;
    this.elapsed = elapsed;
  }

  @Override
  public void onUpdate(ProgressUpdate u) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("type", "progress");
    m.put("deploymentId", u.deploymentId());
    m.put("sequence", u.sequence());
    m.put("status", u.status().name());
    m.put("message", u.message());
    m.put("logLines", u.logLines());
    putIfNotNull(m, "deploymentUrl", u.deploymentUrl());
    UploadProgress up = u.upload();
    if (up != null) {
      Map<String, Object> p = new LinkedHashMap<>();
      p.put("filesDone", up.filesDone());
      p.put("filesTotal", up.filesTotal());
      p.put("bytesDone", up.bytesDone());
      p.put("bytesTotal", up.bytesTotal());
      m.put("upload", p);
    }
    DeploymentError error = u.error();
    if (error != null) {
      m.put("error", error(error));
    }
    m.put("timestamp", u.timestamp().toString());
    m.put("elapsedMs", elapsed.get().toMillis());
    print(m);
  }

  /** Prints the final object of a deployment that ran. */
  void result(int exitCode, Deployment d, @Nullable RecoveryPlan plan,
      @Nullable FallbackResult fallback, @Nullable String fallbackProblem) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("type", "result");
    m.put("exitCode", exitCode);
    m.put("status", d.status().name());
    m.put("deploymentId", d.id());
    m.put("platform", d.platform());
    m.put("projectName", d.projectName());
    putIfNotNull(m, "deploymentUrl", d.deploymentUrl());
    putIfNotNull(m, "platformProjectId", d.platformProjectId());
    putIfNotNull(m, "platformDeploymentId", d.platformDeploymentId());
    m.put("elapsedMs", elapsed.get().toMillis());
    UrlCheck check = d.urlCheck();
    if (check != null) {
      Map<String, Object> c = new LinkedHashMap<>();
      c.put("url", check.url());
      c.put("ok", check.ok());
      putIfNotNull(c, "httpStatus", check.httpStatus());
      c.put("latencyMs", check.latency().toMillis());
      putIfNotNull(c, "problem", check.problem());
      m.put("urlCheck", c);
    }
    DeploymentError error = d.error();
    if (error != null) {
      m.put("error", error(error));
    }
    if (plan != null) {
      Map<String, Object> p = new LinkedHashMap<>();
      p.put("action", plan.action().name());
      p.put("message", plan.userMessage());
      p.put("suggestions", plan.suggestions());
      p.put("alternativePlatforms", plan.alternativePlatforms());
      p.put("fallbackOptions", plan.fallbackOptions().stream().map(Enum::name).toList());
      if (plan.retryAfter() != null) {
        p.put("retryAfterMs", plan.retryAfter().toMillis());
      }
      m.put("recoveryPlan", p);
    }
    if (fallback != null) {
      Map<String, Object> f = new LinkedHashMap<>();
      f.put("option", fallback.option().name());
      f.put("location", fallback.location().toString());
      f.put("details", fallback.details());
      m.put("fallback", f);
    }
    putIfNotNull(m, "fallbackError", fallbackProblem);
    print(m);
  }

  /** Prints the final object of a command refused before any deployment started. */
  void badInput(String message) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("type", "result");
    m.put("exitCode", ExitCodes.BAD_INPUT);
    m.put("status", "BAD_INPUT");
    m.put("error", Map.of("code", "INVALID_CONFIG", "message", message));
    print(m);
  }

  private static Map<String, Object> error(DeploymentError e) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("code", e.code().name());
    m.put("message", e.message());
    putIfNotNull(m, "platform", e.platform());
    putIfNotNull(m, "httpStatus", e.httpStatus());
    if (e.retryAfter() != null) {
      m.put("retryAfterMs", e.retryAfter().toMillis());
    }
    putIfNotNull(m, "requestId", e.requestId());
    if (!e.details().isEmpty()) {
      m.put("details", List.copyOf(e.details()));
    }
    return m;
  }

  private static void putIfNotNull(Map<String, Object> m, String key, @Nullable Object value) {
    if (value != null) {
      m.put(key, value);
    }
  }

  private void print(Map<String, Object> m) {
    String line;
    try {
      line = JSON.writeValueAsString(m);
    } catch (JsonProcessingException e) {
      // Only strings, numbers, booleans, lists and maps: cannot happen.
      throw new IllegalStateException("Cannot write progress as JSON", e);
    }
    synchronized (out) {
      out.println(line);
      out.flush();
    }
  }
}
