package dev.deploykit.store.jdbc;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.deploykit.core.DeploymentError;
import dev.deploykit.core.DeploymentStatus;
import dev.deploykit.core.DeploymentTarget;
import dev.deploykit.core.ErrorCode;
import dev.deploykit.core.UrlCheck;
import dev.deploykit.core.spi.DeploymentCheckpoint;
import dev.deploykit.core.spi.PlatformDeployment;
import dev.deploykit.core.spi.PlatformProject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The JSON columns, written field by field (no reflection, no modules), so the stored form is
 * stable and readable in a SQL console.
 */
final class Json {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private Json() {}

  static String write(JsonNode node) {
    try {
      return MAPPER.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("Could not write JSON", e);
    }
  }

  static JsonNode read(String text) {
    try {
      return MAPPER.readTree(text);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("A stored JSON column is malformed: " + e.getOriginalMessage(), e);
    }
  }

  // ---- lists and maps ----------------------------------------------------------------------

  static String strings(List<String> list) {
    ArrayNode a = MAPPER.createArrayNode();
    list.forEach(a::add);
    return write(a);
  }

  static List<String> strings(@Nullable String text) {
    return text == null ? List.of() : strings(read(text));
  }

  private static List<String> strings(JsonNode node) {
    List<String> out = new ArrayList<>();
    node.forEach(n -> out.add(n.asText()));
    return out;
  }

  private static ObjectNode map(Map<String, String> map) {
    ObjectNode o = MAPPER.createObjectNode();
    map.forEach(o::put);
    return o;
  }

  private static Map<String, String> map(JsonNode node) {
    Map<String, String> out = new LinkedHashMap<>();
    node.fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asText()));
    return out;
  }

  private static @Nullable String text(JsonNode node, String field) {
    JsonNode n = node.get(field);
    return n == null || n.isNull() ? null : n.asText();
  }

  // ---- error and URL check -----------------------------------------------------------------

  static @Nullable String error(@Nullable DeploymentError e) {
    if (e == null) {
      return null;
    }
    ObjectNode o = MAPPER.createObjectNode();
    o.put("code", e.code().name());
    o.put("message", e.message());
    o.put("platform", e.platform());
    o.put("httpStatus", e.httpStatus());
    o.put("retryAfterMillis", e.retryAfter() == null ? null : e.retryAfter().toMillis());
    o.put("requestId", e.requestId());
    ArrayNode details = o.putArray("details");
    e.details().forEach(details::add);
    return write(o);
  }

  static @Nullable DeploymentError error(@Nullable String text) {
    if (text == null) {
      return null;
    }
    JsonNode o = read(text);
    ErrorCode code;
    try {
      code = ErrorCode.valueOf(o.path("code").asText());
    } catch (IllegalArgumentException e) {
      code = ErrorCode.UNKNOWN;
    }
    JsonNode status = o.get("httpStatus");
    JsonNode retry = o.get("retryAfterMillis");
    return new DeploymentError(code, o.path("message").asText(), text(o, "platform"),
        status == null || status.isNull() ? null : status.asInt(),
        retry == null || retry.isNull() ? null : Duration.ofMillis(retry.asLong()),
        text(o, "requestId"), strings(o.path("details")));
  }

  static @Nullable String urlCheck(@Nullable UrlCheck c) {
    if (c == null) {
      return null;
    }
    ObjectNode o = MAPPER.createObjectNode();
    o.put("url", c.url());
    o.put("httpStatus", c.httpStatus());
    o.put("latencyNanos", c.latency().toNanos());
    o.put("checkedAt", c.checkedAt().toString());
    o.put("problem", c.problem());
    return write(o);
  }

  static @Nullable UrlCheck urlCheck(@Nullable String text) {
    if (text == null) {
      return null;
    }
    JsonNode o = read(text);
    JsonNode status = o.get("httpStatus");
    return new UrlCheck(o.path("url").asText(),
        status == null || status.isNull() ? null : status.asInt(),
        Duration.ofNanos(o.path("latencyNanos").asLong()),
        Instant.parse(o.path("checkedAt").asText()), text(o, "problem"));
  }

  // ---- checkpoint --------------------------------------------------------------------------

  /** What the checkpoint's own columns do not hold. */
  static String checkpointRest(DeploymentCheckpoint c) {
    ObjectNode o = MAPPER.createObjectNode();
    o.put("target", c.target().name());
    o.set("settings", map(c.settings()));
    ArrayNode names = o.putArray("variableNames");
    c.variableNames().forEach(names::add);
    o.put("verifyUrl", c.verifyUrl());
    o.put("healthPath", c.healthPath());
    o.put("timeoutMillis", c.timeout() == null ? null : c.timeout().toMillis());
    PlatformProject p = c.project();
    if (p != null) {
      ObjectNode project = o.putObject("project");
      project.put("name", p.name());
      project.set("attributes", map(p.attributes()));
    }
    PlatformDeployment d = c.platformDeployment();
    if (d != null) {
      o.putObject("platformDeployment").put("url", d.url());
    }
    return write(o);
  }

  static DeploymentCheckpoint checkpoint(String deploymentId, DeploymentStatus step,
      @Nullable String manifestHash, @Nullable String projectId, @Nullable String platformDeploymentId,
      Instant updatedAt, String rest) {
    JsonNode o = read(rest);
    DeploymentTarget target;
    try {
      target = DeploymentTarget.valueOf(o.path("target").asText());
    } catch (IllegalArgumentException e) {
      target = DeploymentTarget.PRODUCTION;
    }
    JsonNode timeout = o.get("timeoutMillis");
    PlatformProject project = null;
    if (projectId != null) {
      JsonNode p = o.path("project");
      String name = text(p, "name");
      project = new PlatformProject(projectId, name == null ? projectId : name,
          map(p.path("attributes")));
    }
    PlatformDeployment platformDeployment = platformDeploymentId == null ? null
        : new PlatformDeployment(platformDeploymentId, text(o.path("platformDeployment"), "url"));
    String healthPath = text(o, "healthPath");
    return new DeploymentCheckpoint(deploymentId, step, target, map(o.path("settings")),
        strings(o.path("variableNames")), o.path("verifyUrl").asBoolean(true),
        healthPath == null ? "/" : healthPath,
        timeout == null || timeout.isNull() ? null : Duration.ofMillis(timeout.asLong()),
        manifestHash, project, platformDeployment, updatedAt);
  }
}
