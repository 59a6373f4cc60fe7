package dev.deploykit.examples.web;

import com.fasterxml.jackson.databind.JsonNode;
import dev.deploykit.env.EnvironmentVariable;
import dev.deploykit.env.EnvironmentVariableDetector;
import dev.deploykit.env.InvalidScaffoldConfigException;
import dev.deploykit.env.ScaffoldConfig;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the form sends: the scaffold, the values typed so far and the handles of values generated
 * on the server. {@link #toString()} names keys only, never a value.
 */
record FormInput(ScaffoldConfig scaffold, Map<String, String> values, Map<String, String> generated) {

  FormInput {
    values = Map.copyOf(values);
    generated = Map.copyOf(generated);
  }

  /**
   * Reads {@code {"scaffold":{...}, "values":{KEY:value}, "generated":{KEY:handle}}}.
   *
   * @throws ApiException 400 naming the field that is wrong
   */
  static FormInput read(JsonNode body) throws ApiException {
    return new FormInput(scaffold(body.get("scaffold")), strings(body, "values"),
        strings(body, "generated"));
  }

  /** Reads a scaffold object in the seed's shape, e.g. {@code {"database":"prisma-postgres"}}. */
  static ScaffoldConfig scaffold(JsonNode node) throws ApiException {
    if (node == null || !node.isObject()) {
      throw new ApiException(400, "INVALID_SCAFFOLD",
          "scaffold is missing: send {\"scaffold\":{\"database\":..., \"auth\":...}}", "scaffold");
    }
    ScaffoldConfig.Builder b = ScaffoldConfig.builder()
        .database(HttpIo.text(node, "database"))
        .auth(HttpIo.text(node, "auth"))
        .aiTemplate(HttpIo.text(node, "aiTemplate"))
        .aiProvider(HttpIo.text(node, "aiProvider"));
    String framework = HttpIo.text(node, "framework");
    if (framework != null) {
      b.framework(framework);
    }
    for (String provider : list(node, "oauthProviders")) {
      b.oauthProvider(provider);
    }
    for (String service : list(node, "services")) {
      b.service(service);
    }
    try {
      return b.build();
    } catch (InvalidScaffoldConfigException e) {
      throw new ApiException(400, "INVALID_SCAFFOLD", e.getMessage(), e.field());
    }
  }

  private static List<String> list(JsonNode node, String field) throws ApiException {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      return List.of();
    }
    if (!value.isArray()) {
      throw new ApiException(400, "INVALID_SCAFFOLD", field + " must be an array of strings", field);
    }
    List<String> out = new ArrayList<>();
    for (JsonNode each : value) {
      if (!each.isTextual()) {
        throw new ApiException(400, "INVALID_SCAFFOLD", field + " must be an array of strings",
            field);
      }
      out.add(each.asText());
    }
    return out;
  }

  private static Map<String, String> strings(JsonNode body, String field) throws ApiException {
    JsonNode node = body.get(field);
    if (node == null || node.isNull()) {
      return Map.of();
    }
    if (!node.isObject()) {
      throw new ApiException(400, "INVALID_REQUEST", field + " must be an object of strings", field);
    }
    Map<String, String> out = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (e.getValue().isNull()) {
        continue;
      }
      if (!e.getValue().isTextual()) {
        // Name the key, never the value.
        throw new ApiException(400, "INVALID_REQUEST",
            field + "." + e.getKey() + " must be a string", e.getKey());
      }
      out.put(e.getKey(), e.getValue().asText());
    }
    return out;
  }

  /**
   * Returns the scaffold's detected variables holding the form's values; an empty value is unset,
   * and a generated handle is replaced by the value it stands for. A handle that is unknown or
   * expired leaves the variable unset and adds a message to {@code problems}.
   */
  List<EnvironmentVariable> variables(
      EnvironmentVariableDetector detector, GeneratedSecrets secrets, Map<String, String> problems) {
    List<EnvironmentVariable> out = new ArrayList<>();
    for (EnvironmentVariable v : detector.detect(scaffold)) {
      String value = values.get(v.key());
      String handle = generated.get(v.key());
      if (handle != null && (value == null || value.isEmpty())) {
        Optional<String> kept = secrets.value(handle, v.key());
        if (kept.isEmpty()) {
          problems.put(v.key(), v.key() + ": the generated value has expired; press Generate again");
        }
        value = kept.orElse(null);
      }
      out.add(v.withValue(value == null || value.isEmpty() ? null : value));
    }
    return out;
  }

  /** Returns the keys the form sent that the scaffold does not have. */
  List<String> unknownKeys(List<EnvironmentVariable> variables) {
    List<String> known = variables.stream().map(EnvironmentVariable::key).toList();
    List<String> unknown = new ArrayList<>();
    for (String key : values.keySet()) {
      if (!known.contains(key)) {
        unknown.add(key);
      }
    }
    for (String key : generated.keySet()) {
      if (!known.contains(key) && !unknown.contains(key)) {
        unknown.add(key);
      }
    }
    return unknown;
  }

  @Override
  public String toString() {
    return "FormInput[scaffold=" + scaffold + ", values=" + values.keySet() + ", generated="
        + generated.keySet() + "]";
  }
}
