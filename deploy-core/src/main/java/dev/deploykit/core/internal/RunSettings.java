package dev.deploykit.core.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.deploykit.core.DeploymentErrorHandler;
import dev.deploykit.core.ProgressTracker;
import dev.deploykit.core.RetrySettings;
import dev.deploykit.core.spi.CredentialsProvider;
import dev.deploykit.core.spi.DeploymentStore;
import dev.deploykit.core.spi.ScaffoldGenerator;
import dev.deploykit.env.EnvironmentVariableDetector;
import dev.deploykit.env.EnvironmentVariableValidator;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;

/** What every deployment run of one orchestrator shares. */
public record RunSettings(
    PlatformRegistry platforms,
    CredentialsProvider credentials,
    DeploymentStore store,
    ScaffoldGenerator generator,
    EnvironmentVariableDetector detector,
    EnvironmentVariableValidator validator,
    ProgressTracker tracker,
    DeploymentErrorHandler errorHandler,
    HttpClient httpClient,
    ObjectMapper objectMapper,
    ScheduledExecutorService scheduler,
    Executor executor,
    Clock clock,
    Map<String, String> settings,
    RetrySettings uploadRetry,
    Duration pollInitialInterval,
    Duration pollMaxInterval,
    Duration verifyTimeout,
    Duration logDrainTimeout,
    int logTailLines,
    int maxConsecutivePollFailures) {}
