/**
 * Publishes generated files to a GitHub repository as one commit: {@link
 * dev.deploykit.github.GitHubPublisher}. Also the {@link dev.deploykit.core.FallbackOption#GITHUB_REPO}
 * fallback of the orchestrator ({@link dev.deploykit.github.GitHubFallbackPublisher}, found with
 * {@link java.util.ServiceLoader}), and the source Render builds from.
 */
@NullMarked
package dev.deploykit.github;

import org.jspecify.annotations.NullMarked;
