package dev.deploykit.platform.vercel;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * A loopback HTTP server scripted by the test: a test-owned acceptor thread and one thread per
 * connection running the script. Counts connections and requests; records each request's raw head
 * and body; records which connections saw the client's EOF.
 */
final class ScriptedServer implements AutoCloseable {
  /** What the server does on one connection. */
  interface Script {
    void serve(Conn conn) throws Exception;
  }

  /** A request as it came: the head (request line and headers, CRLFs included) and the body. */
  record Request(String head, byte[] body) {
    String requestLine() {
      return head.substring(0, head.indexOf("\r\n"));
    }
  }

  final ServerSocket server;
  final AtomicInteger accepted = new AtomicInteger();
  final AtomicInteger requests = new AtomicInteger();
  final BlockingQueue<Request> received = new LinkedBlockingQueue<>();
  /** Indexes (1-based) of connections on which the server read the client's EOF. */
  final BlockingQueue<Integer> eofs = new LinkedBlockingQueue<>();
  /** Released by {@link #close()}: scripts that must never answer wait on it. */
  final CountDownLatch shutdown = new CountDownLatch(1);
  private final List<Thread> threads = new CopyOnWriteArrayList<>();
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();
  private final Script script;

  ScriptedServer(Script script) throws IOException {
    this(script, -1);
  }

  /** {@code receiveBuffer} > 0 sets the accepted sockets' receive buffer (a server that reads little). */
  ScriptedServer(Script script, int receiveBuffer) throws IOException {
    this.script = script;
    this.server = new ServerSocket();
    if (receiveBuffer > 0) {
      server.setReceiveBufferSize(receiveBuffer);
    }
    server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    Thread acceptor = new Thread(this::acceptLoop, "scripted-server-accept");
    acceptor.setDaemon(true);
    threads.add(acceptor);
    acceptor.start();
  }

  int port() {
    return server.getLocalPort();
  }

  String base() {
    return "http://127.0.0.1:" + port();
  }

  /** Answers every request on every connection with {@code response}, keeping connections open. */
  static Script answering(String response) {
    return conn -> {
      while (conn.readRequest() != null) {
        conn.write(response);
      }
    };
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      Socket s;
      try {
        s = server.accept();
      } catch (IOException e) {
        return;
      }
      sockets.add(s);
      Conn conn = new Conn(this, s, accepted.incrementAndGet());
      Thread t = new Thread(() -> {
        try {
          script.serve(conn);
        } catch (Exception e) {
          // the client went away, or the test closed the server
        } finally {
          conn.close();
        }
      }, "scripted-server-conn-" + conn.index);
      t.setDaemon(true);
      threads.add(t);
      t.start();
    }
  }

  @Override
  public void close() throws Exception {
    shutdown.countDown();
    server.close();
    for (Socket s : sockets) {
      s.close();
    }
    for (Thread t : threads) {
      t.join(5_000);
    }
  }

  /** One accepted connection. */
  static final class Conn {
    final ScriptedServer owner;
    final Socket socket;
    final int index;
    final InputStream in;
    final OutputStream out;

    Conn(ScriptedServer owner, Socket socket, int index) {
      this.owner = owner;
      this.socket = socket;
      this.index = index;
      try {
        this.in = new BufferedInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    }

    /**
     * Reads one request (head and Content-Length body); null when the client closed the
     * connection (recorded in {@link #eofs}).
     */
    @Nullable Request readRequest() throws IOException {
      ByteArrayOutputStream head = new ByteArrayOutputStream();
      int matched = 0;
      while (matched < 4) {
        int b = in.read();
        if (b < 0) {
          if (head.size() == 0) {
            owner.eofs.add(index);
            return null;
          }
          throw new IOException("EOF inside a request head");
        }
        head.write(b);
        matched = (b == (matched % 2 == 0 ? '\r' : '\n')) ? matched + 1 : (b == '\r' ? 1 : 0);
      }
      String h = head.toString(StandardCharsets.ISO_8859_1);
      int length = 0;
      for (String line : h.split("\r\n")) {
        if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
          length = Integer.parseInt(line.substring(15).strip());
        }
      }
      byte[] body = in.readNBytes(length);
      Request r = new Request(h, body);
      owner.requests.incrementAndGet();
      owner.received.add(r);
      return r;
    }

    /** Waits until the client closes the connection, discarding what it sends; records the EOF. */
    void awaitEof() throws IOException {
      byte[] b = new byte[8192];
      while (in.read(b) >= 0) {
        // discard
      }
      owner.eofs.add(index);
    }

    void write(String s) throws IOException {
      write(s.getBytes(StandardCharsets.ISO_8859_1));
    }

    void write(byte[] b) throws IOException {
      out.write(b);
      out.flush();
    }

    /** Waits (without answering) until the server is closed. */
    void hang() throws InterruptedException {
      owner.shutdown.await(30, TimeUnit.SECONDS);
    }

    /** Closes with a reset (SO_LINGER 0) instead of a FIN. */
    void reset() throws IOException {
      socket.setSoLinger(true, 0);
      socket.close();
    }

    void close() {
      try {
        socket.close();
      } catch (IOException ignored) {
        // closing anyway
      }
    }
  }
}
