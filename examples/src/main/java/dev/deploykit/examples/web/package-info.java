/**
 * The {@code deploykit web} console: a small web app, served by the JDK's {@code HttpServer} on
 * loopback, that renders a scaffold's environment variables as a form from their JSON Schema,
 * validates values as they are typed, deploys, and follows the deployment live over Server-Sent
 * Events. It uses only deploykit's public API; {@link dev.deploykit.examples.web.WebCommand} is the
 * only public type.
 */
@NullMarked
package dev.deploykit.examples.web;

import org.jspecify.annotations.NullMarked;
