package dev.deploykit.github;

import java.net.URI;
import java.util.Objects;

/**
 * A GitHub repository the publisher created or found.
 *
 * @param owner the owner's login (a user or an organization)
 * @param name the repository's name
 * @param htmlUrl the repository's page, e.g. {@code https://github.com/octo/my-app}; also the URL
 *     Render clones
 * @param defaultBranch the default branch, e.g. {@code main}
 * @param privateRepository whether the repository is private
 * @param created whether this publisher created it (false when it existed and was reused)
 */
public record GitHubRepository(
    String owner, String name, URI htmlUrl, String defaultBranch, boolean privateRepository,
    boolean created) {

  /** Checks the arguments. */
  public GitHubRepository {
    Objects.requireNonNull(owner, "owner");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(htmlUrl, "htmlUrl");
    Objects.requireNonNull(defaultBranch, "defaultBranch");
  }

  /** Returns {@code owner/name}. */
  public String fullName() {
    return owner + "/" + name;
  }
}
