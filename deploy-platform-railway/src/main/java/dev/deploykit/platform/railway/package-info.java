/**
 * The Railway adapter: {@link dev.deploykit.platform.railway.RailwayPlatform}, a {@link
 * dev.deploykit.core.spi.PlatformProvider} with id {@code railway} that deploys over Railway's public
 * GraphQL API and the {@code railway up} tarball upload. Everything but the provider is
 * package-private.
 */
@NullMarked
package dev.deploykit.platform.railway;

import org.jspecify.annotations.NullMarked;
