/**
 * A {@link dev.deploykit.core.spi.DeploymentStore} on JDBC: {@link
 * dev.deploykit.store.jdbc.JdbcDeploymentStore}. Deployments, their checkpoints and their build
 * logs survive a restart, and {@link dev.deploykit.core.DeploymentOrchestrator#resume()} continues
 * them. An embedded H2 file database is the default; PostgreSQL is supported.
 */
@NullMarked
package dev.deploykit.store.jdbc;

import org.jspecify.annotations.NullMarked;
