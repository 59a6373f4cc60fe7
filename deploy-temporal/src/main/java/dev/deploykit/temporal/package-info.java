/** Runs deploykit deployments as Temporal workflows. */
@NullMarked
package dev.deploykit.temporal;

import org.jspecify.annotations.NullMarked;
