package dev.deploykit.github;

import com.fasterxml.jackson.databind.JsonNode;
import dev.deploykit.core.DeploymentError;
import dev.deploykit.core.DeploymentException;
import dev.deploykit.core.ErrorCode;
import dev.deploykit.core.GeneratedFile;
import dev.deploykit.core.UploadProgress;
import dev.deploykit.core.spi.PlatformContext;
import dev.deploykit.core.spi.UploadListener;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts a set of generated files in a GitHub repository as <b>one commit</b>, over GitHub's REST API
 * (the Git Data API: blobs, one tree, one commit, then a fast-forward of the branch).
 *
 * <p><b>The repository.</b> {@link #repository(String)} reuses a repository of that name the token
 * can push to, or creates it ({@code POST /user/repos}, or {@code POST /orgs/{org}/repos} with an
 * organization), private by default and with {@code auto_init: true}, because the Git Data API
 * refuses an empty repository. An existing repository that is empty anyway is initialised with a
 * {@code README.md} through the contents API first.
 *
 * <p><b>The commit.</b> {@link #publish(GitHubRepository, List, UploadListener)} uploads one blob per
 * file (base64, so binary files are safe; at most {@link Builder#blobConcurrency(int)} at a time),
 * makes one tree holding exactly those files (files of earlier commits that are not in the list are
 * removed from the new tree), one commit whose parent is the branch's head, then moves the branch
 * with {@code force: false}. If the branch moved in the meantime (a non-fast-forward), the publish
 * fails with {@link ErrorCode#UPLOAD_FAILED} and nothing is overwritten, unless {@link
 * Builder#force(boolean)} was asked for. Publishing the same files again makes no new commit.
 *
 * <p><b>Requests.</b> Every request carries {@code Accept: application/vnd.github+json}, {@code
 * X-GitHub-Api-Version: 2022-11-28} and a {@code User-Agent}; the token ({@code Authorization: Bearer})
 * goes only to the API host, {@code https://api.github.com} or the context's {@code apiUrl} setting
 * ({@code github.apiUrl} on the orchestrator; GitHub Enterprise uses {@code https://HOST/api/v3}).
 *
 * <p><b>Errors.</b> Every future fails with a {@link DeploymentException}: 401 {@code AUTH_FAILED};
 * 403, and 404 on something the token cannot see, {@code INSUFFICIENT_PERMISSIONS}, naming the
 * permissions GitHub says it needs ({@code X-Accepted-GitHub-Permissions}); a name used by a
 * repository the token cannot push to {@code PROJECT_NAME_TAKEN}; 403 or 429 with {@code
 * x-ratelimit-remaining: 0} (or a {@code Retry-After}) {@code RATE_LIMIT_EXCEEDED} with the wait and
 * the reset time; 5xx and connection failures {@code PLATFORM_UNAVAILABLE}; a bad name or setting
 * {@code INVALID_CONFIG}. No message contains the token.
 *
 * <p>Immutable and thread-safe; owns no threads (it uses the context's HTTP client). Every method
 * returns at once; cancelling a returned future stops the requests in flight.
 */
public final class GitHubPublisher {
  /** Blobs uploaded at once by default. */
  public static final int DEFAULT_BLOB_CONCURRENCY = 4;

  private static final Logger LOG = LoggerFactory.getLogger(GitHubPublisher.class);
  private static final Pattern REPOSITORY_NAME = Pattern.compile("[A-Za-z0-9._-]{1,100}");
  private static final Pattern OWNER_NAME = Pattern.compile("[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})");

  private final GitHubApi api;
  private final @Nullable String organization;
  private final @Nullable String branch;
  private final boolean privateRepository;
  private final boolean force;
  private final int blobConcurrency;
  private final @Nullable String commitMessage;
  private final String description;

  private GitHubPublisher(Builder b, GitHubApi api) {
    this.api = api;
    this.organization = b.organization;
    this.branch = b.branch;
    this.privateRepository = b.privateRepository;
    this.force = b.force;
    this.blobConcurrency = b.blobConcurrency;
    this.commitMessage = b.commitMessage;
    this.description = b.description;
  }

  /**
   * Returns a publisher configured from the context's settings (see {@link #builder(PlatformContext)}).
   *
   * @throws DeploymentException {@code INVALID_CONFIG} if a setting is invalid
   */
  public static GitHubPublisher create(PlatformContext context) {
    return builder(context).build();
  }

  /**
   * Returns a builder whose defaults come from the context's settings: {@code apiUrl} (default
   * {@code https://api.github.com}), {@code org} (the organization to create repositories in;
   * default the token's user), {@code branch} (default the repository's default branch), {@code
   * private} ({@code true} or {@code false}; default {@code true}) and {@code blobConcurrency}
   * (default 4). On the orchestrator these are {@code github.apiUrl}, {@code github.org}...
   */
  public static Builder builder(PlatformContext context) {
    return new Builder(Objects.requireNonNull(context, "context"));
  }

  /** Returns the API base URL the token is sent to. */
  public URI apiUrl() {
    return api.baseUrl();
  }

  // ------------------------------------------------------------------------------------------
  // The repository

  /**
   * Returns the repository {@code name} of the organization (if one is configured) or of the token's
   * user: the existing one when the token can push to it, else a new one.
   *
   * <p>Fails with {@code INVALID_CONFIG} for a name GitHub would not keep as it is (letters, digits,
   * {@code .}, {@code -} and {@code _}, at most 100 characters) or an archived repository, and with
   * {@code PROJECT_NAME_TAKEN} when a repository of that name exists that the token cannot push to
   * (or cannot see, for an organization's private repository).
   */
  public CompletableFuture<GitHubRepository> repository(String name) {
    Objects.requireNonNull(name, "name");
    if (!REPOSITORY_NAME.matcher(name).matches() || name.equals(".") || name.equals("..")
        || name.toLowerCase(Locale.ROOT).endsWith(".git")) {
      return failed(ErrorCode.INVALID_CONFIG, "'" + printable(name) + "' cannot be a GitHub"
          + " repository name: use letters, digits, '.', '-' and '_' only (at most 100 characters,"
          + " not ending in .git), e.g. my-app");
    }
    CompletableFuture<String> owner = organization != null
        ? CompletableFuture.completedFuture(organization)
        : api.get("/user").thenApply(user -> requiredText(user, "login", "GET /user"));
    return owner.thenCompose(login -> find(login, name).thenCompose(found -> found != null
        ? CompletableFuture.completedFuture(found)
        : create(login, name)));
  }

  /** The repository, if the token can see it and push to it; null if it does not exist. */
  private CompletableFuture<@Nullable GitHubRepository> find(String owner, String name) {
    return api.getOrNull("/repos/" + owner + "/" + name).thenApply(node -> {
      if (node == null) {
        return null;
      }
      JsonNode permissions = node.path("permissions");
      boolean canPush = permissions.isMissingNode()
          || permissions.path("push").asBoolean(false)
          || permissions.path("maintain").asBoolean(false)
          || permissions.path("admin").asBoolean(false);
      if (!canPush) {
        throw new DeploymentException(DeploymentError.of(ErrorCode.PROJECT_NAME_TAKEN,
            "The GitHub repository " + owner + "/" + name + " exists and this token cannot push to"
                + " it. Choose another project name, or use a token that can write to it.")
            .withPlatform("github"));
      }
      if (node.path("archived").asBoolean(false)) {
        throw new DeploymentException(DeploymentError.of(ErrorCode.INVALID_CONFIG,
            "The GitHub repository " + owner + "/" + name + " is archived, so nothing can be pushed"
                + " to it. Unarchive it on GitHub, or choose another project name.")
            .withPlatform("github"));
      }
      return repositoryOf(node, owner, name, false);
    });
  }

  private CompletableFuture<GitHubRepository> create(String owner, String name) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("name", name);
    body.put("description", description);
    body.put("private", privateRepository);
    body.put("auto_init", true);
    String path = organization != null ? "/orgs/" + organization + "/repos" : "/user/repos";
    return api.post(path, body)
        .thenApply(node -> {
          GitHubRepository repo = repositoryOf(node, owner, name, true);
          LOG.debug("Created GitHub repository {}", repo.fullName());
          return repo;
        })
        .exceptionallyCompose(e -> {
          DeploymentException d = deploymentException(e);
          if (d == null || !isNameTaken(d.error())) {
            return CompletableFuture.failedFuture(e);
          }
          // Created meanwhile, or hidden from this token: look once more, then give up.
          return find(owner, name).thenApply(found -> {
            if (found != null) {
              return found;
            }
            DeploymentError taken = d.error();
            throw new DeploymentException(new DeploymentError(ErrorCode.PROJECT_NAME_TAKEN,
                "A GitHub repository named " + owner + "/" + name + " already exists and this"
                    + " token cannot see it. Choose another project name, or use a token with"
                    + " access to it.", "github", taken.httpStatus(), null, taken.requestId(),
                taken.details()), d);
          });
        });
  }

  private static boolean isNameTaken(DeploymentError error) {
    Integer status = error.httpStatus();
    return status != null && status == 422
        && error.message().toLowerCase(Locale.ROOT).contains("already exists");
  }

  private static GitHubRepository repositoryOf(JsonNode node, String owner, String name,
      boolean created) {
    String html = node.path("html_url").asText("");
    String login = node.path("owner").path("login").asText(owner);
    String defaultBranch = node.path("default_branch").asText("");
    URI url;
    try {
      url = html.isEmpty() ? null : URI.create(html);
    } catch (IllegalArgumentException e) {
      url = null;
    }
    if (url == null || defaultBranch.isEmpty()) {
      throw new DeploymentException(DeploymentError.of(ErrorCode.PLATFORM_UNAVAILABLE,
          "GitHub described repository " + owner + "/" + name + " without its URL or default"
              + " branch. This is usually temporary; try again later.").withPlatform("github"));
    }
    return new GitHubRepository(login, node.path("name").asText(name), url, defaultBranch,
        node.path("private").asBoolean(false), created);
  }

  // ------------------------------------------------------------------------------------------
  // Publishing

  /**
   * Puts {@code files} in repository {@code name} as one commit: {@link #repository(String)} then
   * {@link #publish(GitHubRepository, List, UploadListener)}.
   */
  public CompletableFuture<PublishResult> publish(String name, List<GeneratedFile> files) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(files, "files");
    return repository(name).thenCompose(repo -> publish(repo, files, UploadListener.NONE));
  }

  /**
   * Puts exactly {@code files} on the branch (the configured one, else the repository's default
   * branch) as one commit whose parent is the branch's head, reporting each uploaded blob to {@code
   * listener}. A branch that does not exist is created. When the branch already holds exactly these
   * files the result says {@code changed == false} and no commit is made.
   *
   * <p>Fails with {@code INVALID_CONFIG} for an empty list or two files with one path, and with
   * {@code UPLOAD_FAILED} (HTTP 422) when the branch moved while publishing and {@code force} is
   * off.
   */
  public CompletableFuture<PublishResult> publish(
      GitHubRepository repository, List<GeneratedFile> files, UploadListener listener) {
    Objects.requireNonNull(repository, "repository");
    Objects.requireNonNull(files, "files");
    Objects.requireNonNull(listener, "listener");
    List<GeneratedFile> list = List.copyOf(files);
    if (list.isEmpty()) {
      return failed(ErrorCode.INVALID_CONFIG, "There are no files to publish to GitHub");
    }
    Set<String> paths = new HashSet<>();
    for (GeneratedFile f : list) {
      if (!paths.add(f.path())) {
        return failed(ErrorCode.INVALID_CONFIG, "Two files have the path " + f.path()
            + "; give every file its own path");
      }
    }
    String target = branch != null ? branch : repository.defaultBranch();
    String repo = "/repos/" + repository.owner() + "/" + repository.name();
    long totalBytes = list.stream().mapToLong(GeneratedFile::size).sum();

    CompletableFuture<PublishResult> result = head(repository, repo, target, true)
        .thenCompose(head -> uploadBlobs(repo, list, listener, totalBytes)
            .thenCompose(shas -> createTree(repo, list, shas))
            .thenCompose(tree -> {
              if (head.isPresent() && tree.equals(head.get().treeSha())) {
                LOG.debug("{} already holds these files at {}", repository.fullName(), target);
                return CompletableFuture.completedFuture(new PublishResult(repository, target,
                    head.get().commitSha(), false, list.size(), totalBytes));
              }
              return commit(repo, tree, head, list.size())
                  .thenCompose(sha -> moveBranch(repository, repo, target, head.isPresent(), sha))
                  .thenApply(sha -> new PublishResult(repository, target, sha, true, list.size(),
                      totalBytes));
            }));
    return result;
  }

  /** The branch's head commit and its tree, or empty when the branch does not exist. */
  private record Head(String commitSha, String treeSha) {}

  private CompletableFuture<Optional<Head>> head(
      GitHubRepository repository, String repo, String target, boolean seedIfEmpty) {
    String ref = encodeRef(target);
    return api.getOrNull(repo + "/git/ref/heads/" + ref)
        // The older documented path; it may also answer with an array of refs starting with the name.
        .thenCompose(node -> node != null ? CompletableFuture.completedFuture(node)
            : api.getOrNull(repo + "/git/refs/heads/" + ref))
        .thenCompose(node -> {
          String sha = node == null ? null : refSha(node, "refs/heads/" + target);
          if (sha == null) {
            return CompletableFuture.completedFuture(Optional.<Head>empty());
          }
          return api.get(repo + "/git/commits/" + sha).thenApply(commit -> Optional.of(
              new Head(sha, requiredText(commit.path("tree"), "sha", "GET commit " + sha))));
        })
        .exceptionallyCompose(e -> {
          DeploymentException d = deploymentException(e);
          if (d == null || !isEmptyRepository(d.error()) || !seedIfEmpty) {
            return CompletableFuture.failedFuture(e);
          }
          LOG.debug("{} is empty; initialising it with a README", repository.fullName());
          return seed(repository, repo, target).thenCompose(v -> head(repository, repo, target, false));
        });
  }

  private static @Nullable String refSha(JsonNode node, String fullRef) {
    if (node.isArray()) {
      for (JsonNode entry : node) {
        if (fullRef.equals(entry.path("ref").asText())) {
          return textOrNull(entry.path("object"), "sha");
        }
      }
      return null;
    }
    return textOrNull(node.path("object"), "sha");
  }

  private static boolean isEmptyRepository(DeploymentError error) {
    Integer status = error.httpStatus();
    return status != null && status == 409;
  }

  /** Makes the first commit of an empty repository with the contents API. */
  private CompletableFuture<Void> seed(GitHubRepository repository, String repo, String target) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("message", "Initialise the repository");
    body.put("content", Base64.getEncoder().encodeToString(
        ("# " + repository.name() + "\n").getBytes(StandardCharsets.UTF_8)));
    body.put("branch", target);
    return api.put(repo + "/contents/README.md", body).<Void>thenApply(n -> null)
        .exceptionally(e -> {
          DeploymentException d = deploymentException(e);
          DeploymentError error = d != null ? d.error()
              : DeploymentError.of(ErrorCode.UNKNOWN, String.valueOf(e)).withPlatform("github");
          throw new DeploymentException(error.withMessage("The GitHub repository "
              + repository.fullName() + " is empty and could not be initialised (" + error.message()
              + "). Add a README to it on GitHub and publish again."), d);
        });
  }

  private CompletableFuture<List<String>> uploadBlobs(
      String repo, List<GeneratedFile> files, UploadListener listener, long totalBytes) {
    AtomicInteger done = new AtomicInteger();
    AtomicLong bytes = new AtomicLong();
    Base64.Encoder base64 = Base64.getEncoder();
    return Parallel.run(files.size(), blobConcurrency, i -> {
      GeneratedFile file = files.get(i);
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("content", base64.encodeToString(file.bytes()));
      body.put("encoding", "base64");
      return api.post(repo + "/git/blobs", body).thenApply(node -> {
        String sha = requiredText(node, "sha", "POST blob " + file.path());
        UploadProgress progress = new UploadProgress(done.incrementAndGet(), files.size(),
            bytes.addAndGet(file.size()), totalBytes);
        try {
          listener.onProgress(progress);
        } catch (RuntimeException e) {
          LOG.debug("An upload listener failed: {}", e.toString());
        }
        return sha;
      });
    });
  }

  private CompletableFuture<String> createTree(
      String repo, List<GeneratedFile> files, List<String> shas) {
    List<Map<String, Object>> entries = new ArrayList<>();
    for (int i = 0; i < files.size(); i++) {
      Map<String, Object> entry = new LinkedHashMap<>();
      entry.put("path", files.get(i).path());
      entry.put("mode", (files.get(i).mode() & 0111) != 0 ? "100755" : "100644");
      entry.put("type", "blob");
      entry.put("sha", shas.get(i));
      entries.add(entry);
    }
    // No base_tree: the tree holds exactly these files.
    return api.post(repo + "/git/trees", Map.of("tree", entries))
        .thenApply(node -> requiredText(node, "sha", "POST tree"));
  }

  private CompletableFuture<String> commit(
      String repo, String tree, Optional<Head> head, int fileCount) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("message", commitMessage != null ? commitMessage
        : "Publish " + fileCount + (fileCount == 1 ? " file" : " files") + " with deploykit");
    body.put("tree", tree);
    body.put("parents", head.map(h -> List.of(h.commitSha())).orElse(List.of()));
    return api.post(repo + "/git/commits", body)
        .thenApply(node -> requiredText(node, "sha", "POST commit"));
  }

  private CompletableFuture<String> moveBranch(
      GitHubRepository repository, String repo, String target, boolean exists, String sha) {
    if (!exists) {
      return api.post(repo + "/git/refs", Map.of("ref", "refs/heads/" + target, "sha", sha))
          .thenApply(n -> sha);
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("sha", sha);
    body.put("force", force);
    return api.patch(repo + "/git/refs/heads/" + encodeRef(target), body)
        .thenApply(n -> sha)
        .exceptionally(e -> {
          DeploymentException d = deploymentException(e);
          Integer status = d == null ? null : d.error().httpStatus();
          if (d != null && status != null && status == 422) {
            throw new DeploymentException(new DeploymentError(ErrorCode.UPLOAD_FAILED,
                "GitHub refused to move branch " + target + " of " + repository.fullName()
                    + " to the new commit: it is not a fast-forward, so someone pushed to the"
                    + " branch while publishing (" + d.getMessage() + "). Nothing was"
                    + " overwritten. Publish again to build on their commit, or publish with"
                    + " force to replace it.", "github", status, null, d.error().requestId(),
                List.of("unpublished commit: " + sha)), d);
          }
          throw e instanceof CompletionException c ? c : new CompletionException(e);
        });
  }

  // ------------------------------------------------------------------------------------------
  // Helpers

  private static String encodeRef(String ref) {
    StringBuilder out = new StringBuilder();
    for (String segment : ref.split("/", -1)) {
      if (out.length() > 0) {
        out.append('/');
      }
      out.append(URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20"));
    }
    return out.toString();
  }

  private static @Nullable String textOrNull(JsonNode node, String field) {
    JsonNode value = node.get(field);
    return value != null && value.isTextual() && !value.asText().isBlank() ? value.asText() : null;
  }

  private static String requiredText(JsonNode node, String field, String what) {
    String value = textOrNull(node, field);
    if (value == null) {
      throw new DeploymentException(DeploymentError.of(ErrorCode.PLATFORM_UNAVAILABLE,
          "GitHub answered " + what + " without '" + field + "'. This is usually temporary; try"
              + " again later.").withPlatform("github"));
    }
    return value;
  }

  static @Nullable DeploymentException deploymentException(Throwable t) {
    Throwable c = t;
    while (c != null) {
      if (c instanceof DeploymentException d) {
        return d;
      }
      c = c.getCause();
    }
    return null;
  }

  private static <T> CompletableFuture<T> failed(ErrorCode code, String message) {
    return CompletableFuture.failedFuture(
        new DeploymentException(DeploymentError.of(code, message).withPlatform("github")));
  }

  private static String printable(String s) {
    String cut = s.length() > 60 ? s.substring(0, 60) + "..." : s;
    return cut.replaceAll("\\p{Cntrl}", "?");
  }

  @Override
  public String toString() {
    return "GitHubPublisher[" + api.baseUrl() + (organization == null ? "" : ", org=" + organization)
        + "]";
  }

  // ------------------------------------------------------------------------------------------

  /**
   * Configures a {@link GitHubPublisher}; starts from the context's settings. Not thread-safe;
   * {@link #build()} copies the configuration.
   */
  public static final class Builder {
    private final PlatformContext context;
    private @Nullable String organization;
    private @Nullable String branch;
    private boolean privateRepository = true;
    private boolean force;
    private int blobConcurrency = DEFAULT_BLOB_CONCURRENCY;
    private @Nullable String commitMessage;
    private String description = "Generated and published by deploykit";
    private @Nullable String invalid;

    private Builder(PlatformContext context) {
      this.context = context;
      context.setting("org").filter(s -> !s.isBlank()).ifPresent(s -> organization = s.strip());
      context.setting("branch").filter(s -> !s.isBlank()).ifPresent(s -> branch = s.strip());
      context.setting("private").ifPresent(s -> {
        String v = s.strip().toLowerCase(Locale.ROOT);
        if (v.equals("true") || v.equals("false")) {
          privateRepository = Boolean.parseBoolean(v);
        } else {
          invalid = "The github.private setting must be true or false, was '" + printable(s) + "'";
        }
      });
      context.setting("blobConcurrency").ifPresent(s -> {
        try {
          blobConcurrency = Integer.parseInt(s.strip());
        } catch (NumberFormatException e) {
          blobConcurrency = -1;
        }
      });
    }

    /**
     * Sets the organization repositories are created in and looked up under; default the {@code org}
     * setting, else the token's own user.
     */
    public Builder organization(@Nullable String organization) {
      this.organization = organization == null || organization.isBlank() ? null : organization.strip();
      return this;
    }

    /** Sets the branch to publish to; default the {@code branch} setting, else the default branch. */
    public Builder branch(@Nullable String branch) {
      this.branch = branch == null || branch.isBlank() ? null : branch.strip();
      return this;
    }

    /** Sets whether new repositories are private; default the {@code private} setting, else true. */
    public Builder privateRepository(boolean privateRepository) {
      this.privateRepository = privateRepository;
      return this;
    }

    /**
     * Sets whether the branch is moved even when that is not a fast-forward (a force push that
     * discards commits others pushed meanwhile); default false.
     */
    public Builder force(boolean force) {
      this.force = force;
      return this;
    }

    /** Sets how many blobs are uploaded at once, 1 to 16; default 4. */
    public Builder blobConcurrency(int blobConcurrency) {
      this.blobConcurrency = blobConcurrency;
      return this;
    }

    /** Sets the commit message; default {@code Publish <n> files with deploykit}. */
    public Builder commitMessage(@Nullable String message) {
      this.commitMessage = message == null || message.isBlank() ? null : message;
      return this;
    }

    /** Sets the description of created repositories; default {@code Generated and published by deploykit}. */
    public Builder description(String description) {
      this.description = Objects.requireNonNull(description, "description");
      return this;
    }

    /**
     * Builds the publisher.
     *
     * @throws DeploymentException {@code INVALID_CONFIG} for an invalid setting, organization,
     *     branch, concurrency or API URL
     */
    public GitHubPublisher build() {
      if (invalid != null) {
        throw invalidConfig(invalid);
      }
      if (blobConcurrency < 1 || blobConcurrency > 16) {
        throw invalidConfig("The GitHub blob concurrency must be between 1 and 16 (setting"
            + " github.blobConcurrency)");
      }
      if (organization != null && !OWNER_NAME.matcher(organization).matches()) {
        throw invalidConfig("'" + printable(organization) + "' is not a GitHub organization name"
            + " (setting github.org): use letters, digits and '-'");
      }
      if (branch != null && !validBranch(branch)) {
        throw invalidConfig("'" + printable(branch) + "' is not a valid Git branch name (setting"
            + " github.branch)");
      }
      return new GitHubPublisher(this, new GitHubApi(context));
    }

    private static boolean validBranch(String b) {
      if (b.startsWith("/") || b.endsWith("/") || b.endsWith(".") || b.contains("..")
          || b.contains("//") || b.contains("@{") || b.endsWith(".lock") || b.startsWith("-")) {
        return false;
      }
      for (char c : b.toCharArray()) {
        if (c <= 0x20 || c == 0x7f || "~^:?*[\\".indexOf(c) >= 0) {
          return false;
        }
      }
      return true;
    }

    private static DeploymentException invalidConfig(String message) {
      return new DeploymentException(
          DeploymentError.of(ErrorCode.INVALID_CONFIG, message).withPlatform("github"));
    }
  }
}
