package dev.deploykit.examples.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.deploykit.examples.cli.DeployKitCommand;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class WebCommandTest {

  @Test
  void web_startsTheConsoleOnLoopback_printsItsUrl_andReturnsZeroWhenClosed() throws Exception {
    WebCommand command = new WebCommand();
    CompletableFuture<WebConsole> started = new CompletableFuture<>();
    command.onStart = started::complete;
    StringWriter out = new StringWriter();
    CommandLine cli = new CommandLine(command);
    cli.setOut(new PrintWriter(out, true));

    CompletableFuture<Integer> exit =
        CompletableFuture.supplyAsync(() -> cli.execute("--port", "0", "--memory-only"));
    WebConsole console = started.get(10, TimeUnit.SECONDS);
    URI uri = console.uri();
    assertThat(uri.getHost()).isEqualTo("127.0.0.1");
    assertThat(out.toString()).contains("deploykit web console: " + uri);
    HttpResponse<String> page = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.body()).contains("<title>deploykit console</title>");
    assertThat(exit).isNotDone();

    console.close();
    assertThat(exit.get(10, TimeUnit.SECONDS)).isZero();
  }

  @Test
  void web_whenThePortIsTaken_exitsTwoAndSaysWhatToDo() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      StringWriter err = new StringWriter();
      CommandLine cli = new CommandLine(new WebCommand());
      cli.setErr(new PrintWriter(err, true));

      int exit = cli.execute("--port", String.valueOf(taken.getLocalPort()), "--memory-only");

      assertThat(exit).isEqualTo(2);
      assertThat(err.toString()).contains("Port " + taken.getLocalPort(), "choose another with --port");
    }
  }

  @Test
  void deploykitHelp_listsTheWebSubcommand() {
    StringWriter out = new StringWriter();
    CommandLine cli = DeployKitCommand.newCommandLine();
    cli.setOut(new PrintWriter(out));

    assertThat(cli.execute("help", "web")).isZero();
    assertThat(out.toString()).contains("Usage: deploykit web", "--port");
  }
}
