/**
 * The reliability suite: the fault matrix over every adapter, the secret canary over whole
 * deployments, hostile input and limits. Tests only; see docs/reliability.md.
 */
@NullMarked
package dev.deploykit.reliability;

import org.jspecify.annotations.NullMarked;
