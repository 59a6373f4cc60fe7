package dev.deploykit.reliability;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.ok;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.deploykit.core.Deployment;
import dev.deploykit.core.DeploymentOrchestrator;
import dev.deploykit.core.DeploymentStatus;
import dev.deploykit.core.ErrorCode;
import dev.deploykit.platform.vercel.VercelPlatform;
import dev.deploykit.testing.SecretCanary;
import dev.deploykit.testing.SecretCanaryExtension;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Tokens go only to the configured API host: the API answers every request with a redirect to
 * another host, and that host never sees a request, whatever HTTP client the user gives.
 */
@ExtendWith(SecretCanaryExtension.class)
class RedirectTest {
  @RegisterExtension
  static WireMockExtension api =
      WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

  @RegisterExtension
  static WireMockExtension elsewhere =
      WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

  private void redirectEverything() {
    // "localhost" rather than 127.0.0.1: another host, as far as the client can tell.
    api.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(302)
        .withHeader("Location", "http://localhost:" + elsewhere.getPort() + "/steal?x=1")));
    elsewhere.stubFor(any(anyUrl()).willReturn(ok()));
  }

  private Deployment deploy(DeploymentOrchestrator.Builder builder, SecretCanary canary) {
    try (DeploymentOrchestrator o = builder.discoverPlatforms(false)
        .platform(VercelPlatform.create())
        .token(Target.USER, "vercel", canary.token())
        .setting("vercel.apiUrl", api.baseUrl())
        .deploymentTimeout(Duration.ofSeconds(5))
        .build()) {
      Deployment d = o.deployAsync(new VercelTarget().config(canary), Target.USER,
          canary.listener()).join();
      canary.scanDeployment(o, d);
      return d;
    }
  }

  @Test
  void jdkClient_followingRedirects_carriesTheAuthorizationHeaderToAnotherHost() throws Exception {
    // Why the library must refuse such a client: the JDK copies every header to the new host.
    redirectEverything();
    HttpClient following = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL)
        .build();
    following.send(HttpRequest.newBuilder(URI.create(api.baseUrl() + "/v11/projects"))
        .header("Authorization", "Bearer not-a-real-token").build(),
        HttpResponse.BodyHandlers.discarding());
    elsewhere.verify(1, anyRequestedFor(urlPathEqualTo("/steal"))
        .withHeader("Authorization", equalTo("Bearer not-a-real-token")));
  }

  @Test
  void deploy_withAClientThatFollowsRedirects_isRefusedBeforeAnyRequest(SecretCanary canary) {
    redirectEverything();
    HttpClient following = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL)
        .build();

    Deployment d = deploy(DeploymentOrchestrator.builder().httpClient(following), canary);

    assertThat(d.status()).isEqualTo(DeploymentStatus.FAILED);
    assertThat(d.error().code()).isEqualTo(ErrorCode.INVALID_CONFIG);
    assertThat(d.error().message()).contains("follows redirects")
        .contains("HttpClient.Redirect.NEVER");
    assertThat(api.getAllServeEvents()).as("nothing sent, not even to the API").isEmpty();
    assertThat(elsewhere.getAllServeEvents()).isEmpty();
  }

  @Test
  void deploy_withTheDefaultClient_stopsAtTheRedirectAndNamesOnlyItsHost(SecretCanary canary) {
    redirectEverything();

    Deployment d = deploy(DeploymentOrchestrator.builder(), canary);

    assertThat(d.status()).isEqualTo(DeploymentStatus.FAILED);
    assertThat(d.error().code()).isEqualTo(ErrorCode.INVALID_CONFIG);
    assertThat(d.error().httpStatus()).isEqualTo(302);
    assertThat(d.error().message())
        .contains("redirected the request to http://localhost:" + elsewhere.getPort())
        .doesNotContain("/steal").doesNotContain("x=1")
        .contains("vercel.apiUrl");
    api.verify(1, postRequestedFor(urlPathEqualTo("/v11/projects"))
        .withHeader("Authorization", equalTo("Bearer " + canary.token())));
    assertThat(elsewhere.getAllServeEvents()).as("the token never left the API host").isEmpty();
  }
}
