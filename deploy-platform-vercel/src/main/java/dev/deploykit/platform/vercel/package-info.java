/**
 * The Vercel adapter: {@link dev.deploykit.platform.vercel.VercelPlatform}, a {@link
 * dev.deploykit.core.spi.PlatformProvider} with id {@code vercel} that deploys over Vercel's REST API
 * (content-addressed file upload, deployment status, build events). Everything but the provider is
 * package-private.
 */
@NullMarked
package dev.deploykit.platform.vercel;

import org.jspecify.annotations.NullMarked;
