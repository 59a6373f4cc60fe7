package dev.deploykit.core;

import dev.deploykit.env.EnvironmentVariable;
import dev.deploykit.env.EnvironmentVariableDetector;
import dev.deploykit.env.ScaffoldConfig;
import dev.deploykit.env.SecretGenerator;
import java.util.ArrayList;
import java.util.List;

/** Configs that pass validation, for orchestrator tests. */
final class Fixtures {
  static final String ANTHROPIC_KEY = "sk-ant-api03-" + "Zq7Lm2Np4Rt6Vx8Bc0Df".repeat(4) + "-AbCdEfGh";

  private Fixtures() {}

  static ScaffoldConfig scaffold() {
    return ScaffoldConfig.builder()
        .database("prisma-postgres").auth("nextauth").aiTemplate("chatbot").aiProvider("anthropic")
        .build();
  }

  static List<EnvironmentVariable> validVariables(String canary) {
    List<EnvironmentVariable> out = new ArrayList<>();
    for (EnvironmentVariable v : EnvironmentVariableDetector.create().detect(scaffold())) {
      String value = switch (v.key()) {
        case "DATABASE_URL" -> "postgresql://app:" + canary + "@db.example.com:5432/app";
        case "ANTHROPIC_API_KEY" -> "sk-ant-api03-" + canary + "Zq7Lm2Np4Rt6Vx8Bc0Df".repeat(4);
        default -> null;
      };
      out.add(v.withValue(value));
    }
    return SecretGenerator.create().fillGeneratable(out);
  }

  static DeploymentConfig.Builder config(String project) {
    return DeploymentConfig.builder(project, "memory")
        .scaffold(scaffold())
        .environmentVariables(validVariables("Cn4ry0Secret"))
        .verifyUrl(false);
  }
}
