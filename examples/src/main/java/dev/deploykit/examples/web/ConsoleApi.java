package dev.deploykit.examples.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.deploykit.core.Deployment;
import dev.deploykit.core.DeploymentConfig;
import dev.deploykit.core.DeploymentError;
import dev.deploykit.core.DeploymentException;
import dev.deploykit.core.DeploymentOrchestrator;
import dev.deploykit.core.DeploymentStatus;
import dev.deploykit.core.ErrorCode;
import dev.deploykit.core.FallbackOption;
import dev.deploykit.core.RecoveryPlan;
import dev.deploykit.env.EnvironmentSchema;
import dev.deploykit.env.EnvironmentVariable;
import dev.deploykit.env.EnvironmentVariableDetector;
import dev.deploykit.env.EnvironmentVariableValidator;
import dev.deploykit.env.ScaffoldConfig;
import dev.deploykit.env.SecretGenerator;
import dev.deploykit.testing.InMemoryPlatform;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The console's JSON API. Every method answers with data or throws an {@link ApiException}; none
 * returns or logs a value the user typed into a sensitive field.
 */
final class ConsoleApi {
  private static final Logger log = LoggerFactory.getLogger(ConsoleApi.class);

  /** The user every deployment made from the console belongs to: the console is single-user. */
  static final String USER_ID = "web-console";

  private final DeploymentOrchestrator orchestrator;
  private final InMemoryPlatform memory;
  private final ObjectMapper mapper;
  private final GeneratedSecrets secrets;
  private final Duration deploymentTimeout;
  private final EnvironmentVariableDetector detector = EnvironmentVariableDetector.create();
  private final EnvironmentVariableValidator validator = EnvironmentVariableValidator.create();
  private final SecretGenerator generator = SecretGenerator.create();
  private final Map<String, List<String>> scaffoldOptions = ScaffoldOptions.read();

  ConsoleApi(DeploymentOrchestrator orchestrator, InMemoryPlatform memory, ObjectMapper mapper,
      GeneratedSecrets secrets, Duration deploymentTimeout) {
    this.orchestrator = orchestrator;
    this.memory = memory;
    this.mapper = mapper;
    this.secrets = secrets;
    this.deploymentTimeout = deploymentTimeout;
  }

  /** {@code GET /api/options}: what the choosers offer. */
  ObjectNode options() {
    ObjectNode body = mapper.createObjectNode();
    ObjectNode scaffold = body.putObject("scaffold");
    for (String field : List.of("database", "auth", "oauthProviders", "aiTemplate", "aiProvider",
        "services")) {
      ArrayNode values = scaffold.putArray(field);
      scaffoldOptions.getOrDefault(field, List.of()).forEach(values::add);
    }
    ArrayNode platforms = body.putArray("platforms");
    orchestrator.platforms().forEach(platforms::add);
    body.put("defaultPlatform", InMemoryPlatform.ID);
    return body;
  }

  /** {@code POST /api/schema}: the JSON Schema of the scaffold's variables. */
  ObjectNode schema(JsonNode request) throws ApiException {
    ScaffoldConfig scaffold = FormInput.scaffold(request.get("scaffold"));
    ObjectNode body = mapper.createObjectNode();
    try {
      body.set("schema", mapper.readTree(EnvironmentSchema.toJson(detector.detect(scaffold))));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new ApiException(500, "INTERNAL", "The schema could not be read back as JSON");
    }
    return body;
  }

  /** {@code POST /api/validate}: the validator's message for every invalid variable. */
  ObjectNode validate(JsonNode request) throws ApiException {
    FormInput input = FormInput.read(request);
    Map<String, String> problems = new LinkedHashMap<>();
    List<EnvironmentVariable> variables = input.variables(detector, secrets, problems);
    return validation(variables, problems);
  }

  private ObjectNode validation(List<EnvironmentVariable> variables, Map<String, String> problems) {
    Map<String, String> errors = new LinkedHashMap<>(validator.getErrors(variables));
    // An expired handle says more than the validator's "is required" for the value it left unset.
    problems.forEach(errors::put);
    ObjectNode body = mapper.createObjectNode();
    body.put("valid", errors.isEmpty());
    ObjectNode byKey = body.putObject("errors");
    errors.forEach(byKey::put);
    return body;
  }

  /** {@code POST /api/generate}: makes a secret for one variable, kept on the server. */
  ObjectNode generate(JsonNode request) throws ApiException {
    ScaffoldConfig scaffold = FormInput.scaffold(request.get("scaffold"));
    String key = HttpIo.text(request, "key");
    if (key == null) {
      throw new ApiException(400, "INVALID_REQUEST", "key is missing: name the variable", "key");
    }
    EnvironmentVariable variable = detector.detect(scaffold).stream()
        .filter(v -> v.key().equals(key)).findFirst()
        .orElseThrow(() -> new ApiException(400, "UNKNOWN_VARIABLE",
            key + " is not a variable of this scaffold", "key"));
    String value;
    try {
      value = generator.generate(variable);
    } catch (IllegalArgumentException e) {
      // SecretGenerator's messages name the variable and its rules, never a value.
      throw new ApiException(400, "NOT_GENERATABLE", e.getMessage(), key);
    }
    ObjectNode body = mapper.createObjectNode();
    body.put("key", key);
    body.put("handle", secrets.put(key, value));
    body.put("length", value.length());
    return body;
  }

  /**
   * {@code POST /api/deploy}: validates, then starts a deployment; completes with its id once the
   * orchestrator has recorded it.
   */
  CompletableFuture<ObjectNode> deploy(JsonNode request) throws ApiException {
    FormInput input = FormInput.read(request);
    String projectName = Optional.ofNullable(HttpIo.text(request, "projectName")).orElse("");
    String platform =
        Optional.ofNullable(HttpIo.text(request, "platform")).orElse(InMemoryPlatform.ID);
    boolean simulateFailure = request.path("simulateFailure").asBoolean(false);
    List<String> platforms = orchestrator.platforms();
    if (!platforms.contains(platform)) {
      throw new ApiException(400, "UNKNOWN_PLATFORM", "Unknown platform '" + platform
          + "': choose one of " + String.join(", ", platforms), "platform");
    }
    if (simulateFailure && !platform.equals(InMemoryPlatform.ID)) {
      throw new ApiException(400, "INVALID_REQUEST",
          "Only the in-memory platform can simulate a failure", "simulateFailure");
    }
    Map<String, String> problems = new LinkedHashMap<>();
    List<EnvironmentVariable> variables = input.variables(detector, secrets, problems);
    List<String> unknown = input.unknownKeys(variables);
    if (!unknown.isEmpty()) {
      throw new ApiException(400, "UNKNOWN_VARIABLE", "Not variables of this scaffold: "
          + String.join(", ", unknown) + "; reload the form", unknown.get(0));
    }
    ObjectNode validation = validation(variables, problems);
    if (!validation.path("valid").asBoolean()) {
      int count = validation.path("errors").size();
      validation.putObject("error")
          .put("code", "INVALID_VARIABLES")
          .put("message", count + (count == 1 ? " variable is" : " variables are")
              + " not valid: fix the fields marked in red");
      throw new InvalidVariables(validation);
    }
    DeploymentConfig config;
    try {
      config = DeploymentConfig.builder(projectName, platform)
          .scaffold(input.scaffold())
          .environmentVariables(variables)
          .timeout(deploymentTimeout)
          .build();
    } catch (DeploymentException e) {
      throw new ApiException(400, e.code().name(), e.error().message(), "projectName");
    }
    if (simulateFailure) {
      // failNext is platform-wide: a deployment started at the same moment may take the failure.
      memory.failNext(InMemoryPlatform.Operation.BUILD, ErrorCode.BUILD_FAILED);
    }
    CompletableFuture<String> recorded = new CompletableFuture<>();
    CompletableFuture<Deployment> result = orchestrator.deployAsync(config, USER_ID,
        update -> recorded.complete(update.deploymentId()));
    result.whenComplete((d, e) -> {
      if (d != null) {
        log.info("Deployment {} of {} to {} ended {}", d.id(), d.projectName(), d.platform(),
            d.status());
      } else {
        log.warn("Deployment of {} to {} ended abnormally: {}", projectName, platform,
            e.getClass().getName());
      }
    });
    return recorded.orTimeout(10, TimeUnit.SECONDS).thenApply(id -> {
      log.info("Deployment {} of {} to {} started", id, config.projectName(), platform);
      ObjectNode body = mapper.createObjectNode();
      body.put("id", id);
      body.put("events", "/api/deployments/" + id + "/events");
      body.put("status", "/api/deployments/" + id);
      return body;
    });
  }

  /** {@code GET /api/deployments/{id}}: the latest snapshot, with a recovery plan after a failure. */
  ObjectNode deployment(String id) throws ApiException {
    Deployment d = orchestrator.find(id).orElseThrow(() -> new ApiException(404, "NOT_FOUND",
        "No deployment " + id + " is known to this console"));
    ObjectNode body = mapper.createObjectNode();
    body.put("id", d.id());
    body.put("projectName", d.projectName());
    body.put("platform", d.platform());
    body.put("status", d.status().name());
    body.put("deploymentUrl", d.deploymentUrl());
    body.put("createdAt", d.createdAt().toString());
    body.put("updatedAt", d.updatedAt().toString());
    DeploymentError error = d.error();
    if (error == null) {
      body.putNull("error");
      body.putNull("recoveryPlan");
    } else {
      body.putObject("error").put("code", error.code().name()).put("message", error.message());
      RecoveryPlan plan = orchestrator.recoveryPlan(d);
      ObjectNode p = body.putObject("recoveryPlan");
      p.put("action", plan.action().name());
      p.put("userMessage", plan.userMessage());
      ArrayNode suggestions = p.putArray("suggestions");
      plan.suggestions().forEach(suggestions::add);
      ArrayNode alternatives = p.putArray("alternativePlatforms");
      plan.alternativePlatforms().forEach(alternatives::add);
      ArrayNode fallbacks = p.putArray("fallbackOptions");
      plan.fallbackOptions().forEach(o -> fallbacks.add(o.name()));
      if (plan.retryAfter() == null) {
        p.putNull("retryAfterSeconds");
      } else {
        p.put("retryAfterSeconds", plan.retryAfter().toSeconds());
      }
    }
    if (!d.isTerminal() || d.status() == DeploymentStatus.SUCCESS
        || orchestrator.files(d.id()).isEmpty()) {
      body.putNull("zipUrl");
    } else {
      body.put("zipUrl", "/api/deployments/" + d.id() + "/zip");
    }
    return body;
  }

  /** {@code GET /api/deployments/{id}/zip}: the ZIP fallback of a deployment that failed. */
  Zip zip(String id) throws ApiException, IOException {
    Deployment d = orchestrator.find(id).orElseThrow(() -> new ApiException(404, "NOT_FOUND",
        "No deployment " + id + " is known to this console"));
    if (orchestrator.files(id).isEmpty()) {
      throw new ApiException(404, "NOT_KEPT", "The files of deployment " + id
          + " are not kept: only recent deployments that did not succeed can be downloaded");
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    orchestrator.exportZip(id, out);
    return new Zip(safeFileName(d.projectName()) + ".zip", out.toByteArray());
  }

  private static String safeFileName(String name) {
    String safe = name.replaceAll("[^A-Za-z0-9._-]", "-");
    return safe.isEmpty() ? FallbackOption.ZIP.name().toLowerCase(Locale.ROOT) : safe;
  }

  /** A ZIP archive to send. */
  record Zip(String fileName, byte[] bytes) {}

  /** 422 with the validation body (errors by key) rather than the usual error shape. */
  static final class InvalidVariables extends ApiException {
    private static final long serialVersionUID = 1L;
    private final transient ObjectNode body;

    InvalidVariables(ObjectNode body) {
      super(422, "INVALID_VARIABLES", body.path("error").path("message").asText());
      this.body = body;
    }

    ObjectNode body() {
      return body;
    }
  }
}
