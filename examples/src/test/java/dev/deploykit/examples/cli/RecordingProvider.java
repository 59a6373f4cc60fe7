package dev.deploykit.examples.cli;

import dev.deploykit.core.spi.PlatformContext;
import dev.deploykit.core.spi.PlatformProvider;
import dev.deploykit.core.spi.PlatformService;
import dev.deploykit.testing.InMemoryPlatform;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A platform with its own id ({@code rec}) that records the context each deployment gets (token,
 * settings) and behaves as the wrapped in-memory platform. Unlike {@code memory}, the default
 * credentials give it no token, so a missing token fails the deployment.
 */
final class RecordingProvider implements PlatformProvider {
  static final String ID = "rec";

  final InMemoryPlatform memory;
  final List<PlatformContext> contexts = new CopyOnWriteArrayList<>();

  RecordingProvider(InMemoryPlatform memory) {
    this.memory = memory;
  }

  @Override
  public String id() {
    return ID;
  }

  @Override
  public String displayName() {
    return "Recording platform";
  }

  @Override
  public PlatformService create(PlatformContext context) {
    contexts.add(context);
    return memory.create(context);
  }
}
