package dev.deploykit.store.jdbc;

import dev.deploykit.core.Deployment;
import dev.deploykit.core.DeploymentConfig;
import dev.deploykit.core.DeploymentOrchestrator;
import dev.deploykit.core.GeneratedFile;
import dev.deploykit.env.EnvironmentVariable;
import dev.deploykit.platform.vercel.VercelPlatform;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The JVM {@link CrashTest} starts and kills: deploys to Vercel (a WireMock stub held by the test)
 * with a JDBC store, or resumes what the store holds. Prints {@code RESULT <status> <id>} per
 * deployment that ends.
 *
 * <p>Arguments: {@code deploy|resume <jdbc url> <Vercel API base URL>}.
 */
public final class CrashChild {
  static final String CANARY = "Cnry3CrshT";
  static final String TOKEN = "vc_tok_" + CANARY + "_0123456789";
  static final String SECRET = "postgresql://app:" + CANARY + "Db@db.example.com/app";
  static final String KEY = "crash-key-1";

  private CrashChild() {}

  static List<GeneratedFile> files() {
    return List.of(
        GeneratedFile.text("package.json", "{\"name\":\"crash-app\",\"private\":true}\n"),
        GeneratedFile.text("index.html", "<h1>crash</h1>\n"));
  }

  static DeploymentConfig config() {
    return DeploymentConfig.builder("crash-app", "vercel").files(files())
        .environmentVariables(List.of(
            EnvironmentVariable.builder("DATABASE_URL").value(SECRET).sensitive(true).build()))
        .idempotencyKey(KEY).verifyUrl(false).build();
  }

  public static void main(String[] args) {
    String mode = args[0];
    try (JdbcDeploymentStore store = JdbcDeploymentStore.create(args[1], null, null);
        DeploymentOrchestrator o = DeploymentOrchestrator.builder()
            .discoverPlatforms(false)
            .platform(VercelPlatform.create())
            .token("user-1", "vercel", TOKEN)
            .setting("vercel.apiUrl", args[2])
            .setting("vercel.logStatusIntervalMillis", "200")
            .setting("vercel.logReconnectDelayMillis", "100")
            .pollInterval(Duration.ofMillis(50), Duration.ofMillis(200))
            .deploymentTimeout(Duration.ofSeconds(40))
            .store(store)
            .build()) {
      if (mode.equals("deploy")) {
        Deployment d = o.deploy(config(), "user-1");
        System.out.println("RESULT " + d.status() + " " + d.id());
      } else {
        List<CompletableFuture<Deployment>> resumed = o.resume();
        System.out.println("RESUMING " + resumed.size());
        for (CompletableFuture<Deployment> f : resumed) {
          Deployment d = f.join();
          System.out.println("RESULT " + d.status() + " " + d.id() + " " + d.deploymentUrl());
        }
      }
    }
    System.out.flush();
  }
}
