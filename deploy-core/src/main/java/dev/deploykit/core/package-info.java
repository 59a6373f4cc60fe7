/**
 * Deploys generated web apps to hosting platforms: the {@link
 * dev.deploykit.core.DeploymentOrchestrator}, its public model (records), progress tracking and error
 * recovery.
 *
 * <p>Adapter authors implement {@link dev.deploykit.core.spi}; {@code dev.deploykit.core.internal} is
 * not API.
 */
@NullMarked
package dev.deploykit.core;

import org.jspecify.annotations.NullMarked;
