package dev.deploykit.platform.vercel;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.deploykit.core.GeneratedFile;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Detects the Vercel framework slug of a project from the dependencies of its root {@code
 * package.json}. Without a {@code package.json}, or with no known dependency, there is no framework
 * ({@code null}: a static site).
 */
final class Frameworks {
  private static final Logger LOG = LoggerFactory.getLogger(Frameworks.class);

  /** Dependency to slug, most specific first (a Remix app also depends on vite, for example). */
  private static final List<Map.Entry<String, String>> RULES = List.of(
      Map.entry("next", "nextjs"),
      Map.entry("@remix-run/dev", "remix"),
      Map.entry("@remix-run/react", "remix"),
      Map.entry("@react-router/dev", "react-router"),
      Map.entry("astro", "astro"),
      Map.entry("@sveltejs/kit", "sveltekit-1"),
      Map.entry("nuxt", "nuxtjs"),
      Map.entry("nuxt3", "nuxtjs"),
      Map.entry("gatsby", "gatsby"),
      Map.entry("@solidjs/start", "solidstart-1"),
      Map.entry("@tanstack/react-start", "tanstack-start"),
      Map.entry("@docusaurus/core", "docusaurus-2"),
      Map.entry("vitepress", "vitepress"),
      Map.entry("vuepress", "vuepress"),
      Map.entry("@11ty/eleventy", "eleventy"),
      Map.entry("@angular/core", "angular"),
      Map.entry("react-scripts", "create-react-app"),
      Map.entry("@vue/cli-service", "vue"),
      Map.entry("@nestjs/core", "nestjs"),
      Map.entry("hono", "hono"),
      Map.entry("vite", "vite"),
      Map.entry("parcel", "parcel"),
      Map.entry("express", "express"));

  private Frameworks() {}

  /** Returns the slug for {@code files}, or {@code null}. */
  static @Nullable String detect(List<GeneratedFile> files, ObjectMapper mapper) {
    GeneratedFile pkg = null;
    for (GeneratedFile f : files) {
      if (f.path().equals("package.json")) {
        pkg = f;
        break;
      }
    }
    if (pkg == null) {
      return null;
    }
    JsonNode root;
    try {
      root = mapper.readTree(pkg.openStream());
    } catch (IOException | RuntimeException e) {
      LOG.debug("package.json is not valid JSON; deploying without a framework");
      return null;
    }
    if (root == null || !root.isObject()) {
      return null;
    }
    for (Map.Entry<String, String> rule : RULES) {
      for (String section : List.of("dependencies", "devDependencies")) {
        if (root.path(section).has(rule.getKey())) {
          return rule.getValue();
        }
      }
    }
    return null;
  }
}
