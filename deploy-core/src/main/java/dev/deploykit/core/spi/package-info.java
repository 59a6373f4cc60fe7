/**
 * What a platform adapter implements: a {@link dev.deploykit.core.spi.PlatformProvider} found with
 * {@link java.util.ServiceLoader} (or registered explicitly) creates a {@link
 * dev.deploykit.core.spi.PlatformService} from a {@link dev.deploykit.core.spi.PlatformContext}.
 *
 * <p>Also here: the replaceable pieces of the orchestrator ({@link
 * dev.deploykit.core.spi.ScaffoldGenerator}, {@link dev.deploykit.core.spi.CredentialsProvider}, {@link
 * dev.deploykit.core.spi.DeploymentStore}) and {@link dev.deploykit.core.spi.PlatformHttp}, the shared
 * HTTP helper adapters use so that status codes, error bodies and rate limits map the same way
 * everywhere.
 */
@NullMarked
package dev.deploykit.core.spi;

import org.jspecify.annotations.NullMarked;
