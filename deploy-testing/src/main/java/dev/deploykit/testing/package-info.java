/**
 * Test support for deploykit users and adapter authors: {@link dev.deploykit.testing.InMemoryPlatform}
 * (platform id {@code memory}), a fake platform with failure injection and an optional loopback web
 * server; {@link dev.deploykit.testing.RecordingProgressListener}, which records a deployment's
 * progress; and {@link dev.deploykit.testing.PlatformServiceContractTest}, the JUnit contract every
 * {@link dev.deploykit.core.spi.PlatformService} extends.
 *
 * <p>Add this module with {@code test} scope. Nothing here sleeps: waiting is done with the
 * {@link dev.deploykit.core.spi.PlatformContext#scheduler() context's scheduler}.
 */
@NullMarked
package dev.deploykit.testing;

import org.jspecify.annotations.NullMarked;
