/**
 * The Render adapter: {@link dev.deploykit.platform.render.RenderPlatform}, a {@link
 * dev.deploykit.core.spi.PlatformProvider} with id {@code render}. Render builds from a Git
 * repository, so the files are first published to GitHub (deploy-github), then Render's REST API
 * creates or redeploys the web service from that commit.
 */
@NullMarked
package dev.deploykit.platform.render;

import org.jspecify.annotations.NullMarked;
