/**
 * Detects, validates, generates, imports and exports the environment variables a generated web app
 * needs.
 *
 * <p>This module stands on its own: a service may use only it to validate its configuration. The
 * usual flow is {@link dev.deploykit.env.ScaffoldConfig} &rarr; {@link
 * dev.deploykit.env.EnvironmentVariableDetector#detect} &rarr; values filled by a user, a {@code .env}
 * file ({@link dev.deploykit.env.DotEnv}) or the {@link dev.deploykit.env.SecretGenerator} &rarr; {@link
 * dev.deploykit.env.EnvironmentVariableValidator#validateAll}.
 *
 * <p>A variable marked sensitive never appears in a {@code toString()}, exception message or
 * validation message.
 */
@NullMarked
package dev.deploykit.env;

import org.jspecify.annotations.NullMarked;
