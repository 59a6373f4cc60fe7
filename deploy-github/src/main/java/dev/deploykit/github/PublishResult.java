package dev.deploykit.github;

import java.util.Objects;

/**
 * What {@link GitHubPublisher#publish} did.
 *
 * @param repository the repository the files are in
 * @param branch the branch that now points at {@link #commitSha()}
 * @param commitSha the SHA of the commit holding exactly the published files
 * @param changed false when the branch already held exactly these files, so no commit was made and
 *     {@link #commitSha()} is the existing head
 * @param filesUploaded the files whose bytes were sent (as blobs)
 * @param bytesUploaded the bytes of those files
 */
public record PublishResult(
    GitHubRepository repository, String branch, String commitSha, boolean changed,
    int filesUploaded, long bytesUploaded) {

  /** Checks the arguments. */
  public PublishResult {
    Objects.requireNonNull(repository, "repository");
    Objects.requireNonNull(branch, "branch");
    Objects.requireNonNull(commitSha, "commitSha");
  }
}
