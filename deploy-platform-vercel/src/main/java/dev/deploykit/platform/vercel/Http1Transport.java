package dev.deploykit.platform.vercel;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.ProxySelector;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A small blocking HTTP/1.1 client for the bulk file uploads, on keep-alive connections reused
 * across requests and deployments.
 *
 * <p>Why it exists: on a loopback stub, the JDK {@link HttpClient} spends 260–460 µs of CPU per
 * small request (its HTTP/1.1 exchange runs through several asynchronous stages and selector
 * hand-offs), against 20–50 µs for a plain blocking socket; 2,000 uploads of 1 KiB took it 7x as
 * long as a Node.js keep-alive client (see {@code docs/benchmarks.md}). Everything else the adapter
 * sends still goes through the context's client.
 *
 * <p>What it does: one request per connection at a time; {@code Content-Length} request bodies;
 * responses with {@code Content-Length}, {@code chunked} or a body up to the end of the connection;
 * interim 1xx answers skipped; a connection is reused unless the answer says {@code Connection:
 * close} (or is HTTP/1.0 without keep-alive) and is closed after {@link #IDLE_TIMEOUT} idle. An
 * idempotent request (a file upload: content-addressed) that fails on a reused connection before any
 * byte of the answer came is sent once more on a new connection, since the server may have closed
 * the idle connection; any other request is sent once, and reuses only a connection idle for less
 * than {@link #NON_IDEMPOTENT_MAX_IDLE} (servers keep idle connections for 5 s or more), so that a
 * server's idle close rarely fails it. TLS
 * uses the client's {@code SSLContext} and {@code SSLParameters}, with host name verification and
 * ALPN {@code http/1.1}. It is used only where the client would connect directly: {@link
 * #canSend} is false when the client's (or the default) proxy selector picks a proxy, or the client
 * has an authenticator.
 *
 * <p>Threads: the blocking exchanges run on this transport's pool of at most {@code maxThreads}
 * daemon threads ({@code deploykit-vercel-upload-N}), created on demand and ended after {@link
 * #IDLE_TIMEOUT} idle; the returned futures complete on them. One transport is shared by every
 * service of a {@link VercelPlatform}. The request timeout bounds connecting, each read, and (for
 * bodies over 64 KiB, which may not fit the socket's send buffer) the whole exchange. Cancelling a
 * returned future closes its connection. Thread-safe.
 */
final class Http1Transport {
  static final Duration IDLE_TIMEOUT = Duration.ofSeconds(30);
  static final Duration NON_IDEMPOTENT_MAX_IDLE = Duration.ofSeconds(2);
  static final int DEFAULT_MAX_THREADS = 32;
  private static final int MAX_LINE = 16 * 1024;
  private static final int MAX_HEADER_BYTES = 64 * 1024;
  private static final int MAX_BODY = 8 * 1024 * 1024;
  private static final int WATCHED_BODY = 64 * 1024;
  private static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);
  private static final Logger LOG = LoggerFactory.getLogger(Http1Transport.class);

  /** An answer: status, headers, body (empty when there was none). */
  record Response(int status, HttpHeaders headers, byte[] body) {}

  /**
   * A request body, written without copying it (a file's contents are sent from its own array)
   * and as often as needed (a second connection).
   */
  interface Body {
    /** The body's length in bytes. */
    int length();

    /** Opens the body from its start. */
    InputStream open();

    /** A body of {@code bytes}, not copied: the caller must not change them. */
    static Body of(byte[] bytes) {
      return new Body() {
        @Override
        public int length() {
          return bytes.length;
        }

        @Override
        public InputStream open() {
          return new java.io.ByteArrayInputStream(bytes);
        }
      };
    }

    /** The contents of {@code file}. */
    static Body of(dev.deploykit.core.GeneratedFile file) {
      return new Body() {
        @Override
        public int length() {
          return (int) file.size();
        }

        @Override
        public InputStream open() {
          return file.openStream();
        }
      };
    }
  }

  private final int maxThreads;
  private @Nullable ThreadPoolExecutor pool;
  private final Map<Endpoint, Deque<Connection>> idle = new ConcurrentHashMap<>();
  private final AtomicBoolean sweepScheduled = new AtomicBoolean();
  private final AtomicInteger opened = new AtomicInteger();
  /** Exchanges sent and not yet completed, queued or running; {@link #close()} ends them. */
  private final Set<Exchange> inFlight = ConcurrentHashMap.newKeySet();
  /** The clock of idle times ({@link System#nanoTime()} but in tests). */
  private final LongSupplier nanoClock;

  Http1Transport(int maxThreads) {
    this(maxThreads, System::nanoTime);
  }

  /** A transport whose idle times are read from {@code nanoClock}; for tests. */
  Http1Transport(int maxThreads, LongSupplier nanoClock) {
    this.maxThreads = maxThreads;
    this.nanoClock = nanoClock;
  }

  /** The pool, made on first use and again after {@link #close()}. */
  private synchronized ThreadPoolExecutor pool() {
    ThreadPoolExecutor p = pool;
    if (p == null) {
      AtomicInteger n = new AtomicInteger();
      p = new ThreadPoolExecutor(maxThreads, maxThreads, IDLE_TIMEOUT.toMillis(),
          TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(r, "deploykit-vercel-upload-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
          });
      p.allowCoreThreadTimeOut(true);
      pool = p;
    }
    return p;
  }

  /**
   * Ends the threads (at once when idle; an exchange in flight or still queued fails with an
   * {@link IOException} and its connection is closed) and closes the idle connections. The
   * transport stays usable: the next request starts a new pool.
   */
  void close() {
    ThreadPoolExecutor p;
    synchronized (this) {
      p = pool;
      pool = null;
    }
    if (p != null) {
      for (Runnable never : p.shutdownNow()) {
        if (never instanceof Abortable a) {
          a.abort(); // a lane that never ran: its owner must not wait for it
        }
      }
    }
    // A blocking socket read does not end on an interrupt, and the exchanges shutdownNow took off
    // the queue never run: fail them all here, closing their connections, so that none hangs.
    for (Exchange e : inFlight) {
      e.abort();
    }
    closeIdle();
  }

  /**
   * Whether this transport can send to {@code uri} as {@code client} would: http or https, no
   * proxy, no authenticator.
   */
  static boolean canSend(HttpClient client, URI uri) {
    String scheme = uri.getScheme();
    if (uri.getHost() == null || scheme == null
        || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))) {
      return false;
    }
    if (client.authenticator().isPresent()) {
      return false;
    }
    ProxySelector selector = client.proxy().orElseGet(ProxySelector::getDefault);
    if (selector == null) {
      return true;
    }
    try {
      List<Proxy> proxies = selector.select(uri);
      return proxies == null || proxies.isEmpty() || proxies.get(0).type() == Proxy.Type.DIRECT;
    } catch (RuntimeException e) {
      return false;
    }
  }

  /** How many connections this transport has opened; for tests and benchmarks. */
  int connectionsOpened() {
    return opened.get();
  }

  /**
   * Sends {@code request} (its method, URI, headers and timeout) with {@code body} as its body;
   * {@code idempotent} if sending it twice does no harm (see the class documentation).
   * Fails with an {@link IOException} ({@link HttpTimeoutException} for a timeout) when no answer
   * came; any answer, whatever its status, completes normally.
   *
   * @param scheduler closes idle connections and watches long writes; a shut down one only means
   *     idle connections are closed at once
   */
  CompletableFuture<Response> send(HttpClient client, ScheduledExecutorService scheduler,
      HttpRequest request, byte[] body, boolean idempotent) {
    Exchange exchange = new Exchange(client, scheduler, request, Body.of(body), idempotent);
    track(exchange);
    try {
      pool().execute(exchange);
    } catch (RejectedExecutionException e) {
      exchange.result.completeExceptionally(new IOException("the upload pool refused the request",
          e));
    }
    return exchange.result;
  }

  /** A task given to {@link #execute} that can be told it will never run. */
  interface Abortable extends Runnable {
    /** Called instead of {@link #run()} when {@link #close()} drops the task unrun. */
    void abort();
  }

  /**
   * Runs {@code lane} on this transport's threads: a loop of blocking {@link #exchange}s. If
   * {@link #close()} drops it before it ran, its {@link Abortable#abort()} is called instead.
   */
  void execute(Abortable lane) {
    pool().execute(lane);
  }

  /**
   * Returns an exchange to {@link Exchange#run() run} on the calling thread, which must be allowed
   * to block (a lane given to {@link #execute}): it saves the hand-off to another thread per
   * request. {@code extraHeaders} (name, value, name, value...) are sent after the request's own,
   * so that one request can be the template of many. Cancelling its {@link Exchange#result()}
   * closes its connection.
   *
   * @throws IllegalArgumentException if an extra header's name or value holds a control character
   */
  Exchange exchange(HttpClient client, ScheduledExecutorService scheduler, HttpRequest request,
      String[] extraHeaders, Body body, boolean idempotent) {
    for (String h : extraHeaders) {
      for (int i = 0; i < h.length(); i++) {
        char ch = h.charAt(i);
        if ((ch < 0x20 && ch != '\t') || ch == 0x7f || ch > 0xff) {
          throw new IllegalArgumentException("a header holds a control or non-Latin-1 character");
        }
      }
    }
    Exchange e = new Exchange(client, scheduler, request, body, idempotent);
    e.extraHeaders = extraHeaders.clone();
    track(e);
    return e;
  }

  /** Keeps {@code e} in {@link #inFlight} until its result completes. */
  private void track(Exchange e) {
    inFlight.add(e);
    e.result.whenComplete((r, x) -> inFlight.remove(e));
  }

  /** One request and its answer; {@link #run()} sends it and completes {@link #result()}. */
  final class Exchange implements Runnable {
    final CompletableFuture<Response> result = new CompletableFuture<>();
    final HttpClient client;
    final ScheduledExecutorService scheduler;
    final HttpRequest request;
    final Body body;
    final boolean idempotent;
    String[] extraHeaders = new String[0];
    /**
     * The connection this exchange holds. Whoever takes it out (the exchange when it is done, a
     * cancel, the write watchdog) is the only one to close or pool it: a cancel that comes late
     * must not close a connection already back in the pool.
     */
    final AtomicReference<@Nullable Connection> owned = new AtomicReference<>();

    Exchange(HttpClient client, ScheduledExecutorService scheduler, HttpRequest request,
        Body body, boolean idempotent) {
      this.idempotent = idempotent;
      this.client = client;
      this.scheduler = scheduler;
      this.request = request;
      this.body = body;
      result.whenComplete((r, e) -> {
        if (e instanceof CancellationException) {
          Connection c = owned.getAndSet(null);
          if (c != null) {
            c.close();
          }
        }
      });
    }

    CompletableFuture<Response> result() {
      return result;
    }

    /** Fails the exchange (the transport is closing) and closes its connection. */
    void abort() {
      result.completeExceptionally(new IOException("the upload transport was closed"));
      Connection c = owned.getAndSet(null);
      if (c != null) {
        c.close();
      }
    }

    @Override
    public void run() {
      if (result.isDone()) {
        return;
      }
      send();
    }

    private void send() {
      URI uri = request.uri();
      Endpoint endpoint = Endpoint.of(client, uri);
      long timeoutNanos = request.timeout().orElse(Duration.ofSeconds(30)).toNanos();
      long deadline = System.nanoTime() + timeoutNanos;
      byte[] head = head(request, uri, extraHeaders, body.length());
      Connection c = take(endpoint, idempotent ? IDLE_TIMEOUT : NON_IDEMPOTENT_MAX_IDLE);
      boolean reused = c != null;
      try {
        while (true) {
          if (c == null) {
            c = open(endpoint, uri, deadline);
          }
          owned.set(c);
          if (result.isDone()) {
            owned.set(null);
            c.close();
            return;
          }
          try {
            Response response = exchange(c, head, deadline);
            if (owned.compareAndSet(c, null)) {
              if (c.keepAlive) {
                c.idleSince = nanoClock.getAsLong();
                release(endpoint, c);
                scheduleSweep(scheduler);
              } else {
                c.close();
              }
            }
            result.complete(response);
            return;
          } catch (IOException e) {
            owned.compareAndSet(c, null);
            c.close();
            if (idempotent && reused && !c.answered && !(e instanceof HttpTimeoutException)
                && !result.isDone()) {
              LOG.debug("A kept-alive connection to {} failed before answering ({}); sending on a"
                  + " new one", endpoint, e.getClass().getSimpleName());
              c = null;
              reused = false;
              continue;
            }
            throw e;
          }
        }
      } catch (IOException | RuntimeException e) {
        if (c != null) {
          owned.compareAndSet(c, null);
          c.close();
        }
        result.completeExceptionally(result.isCancelled() ? new CancellationException() : e);
      }
    }

    private Response exchange(Connection c, byte[] head, long deadline) throws IOException {
      // Reset before writing, not only when reading: a write that fails on a kept-alive connection
      // the server has closed must not look answered because the previous exchange was.
      c.answered = false;
      ScheduledFuture<?> watchdog = null;
      int length = body.length();
      if (length > WATCHED_BODY) {
        watchdog = watch(c, deadline);
      }
      try {
        if (length <= WATCHED_BODY) {
          // One write, one segment: head and body together.
          byte[] all = new byte[head.length + length];
          System.arraycopy(head, 0, all, 0, head.length);
          try (InputStream in = body.open()) {
            if (in.readNBytes(all, head.length, length) != length) {
              throw new IOException("the request body is shorter than its length");
            }
          }
          c.out.write(all);
        } else {
          c.out.write(head);
          try (InputStream in = body.open()) {
            // A ByteArrayInputStream writes its whole array at once: no copy.
            if (in.transferTo(c.out) != length) {
              throw new IOException("the request body is not as long as its length");
            }
          }
        }
        c.out.flush();
        return c.read(request.method(), deadline);
      } catch (IOException e) {
        if (System.nanoTime() - deadline >= 0 && !(e instanceof HttpTimeoutException)) {
          HttpTimeoutException t = new HttpTimeoutException("request timed out");
          t.initCause(e);
          throw t;
        }
        throw e;
      } finally {
        if (watchdog != null) {
          watchdog.cancel(false);
        }
      }
    }

    private @Nullable ScheduledFuture<?> watch(Connection c, long deadline) {
      try {
        return scheduler.schedule(() -> {
          if (owned.compareAndSet(c, null)) {
            c.close();
          }
        }, Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      } catch (RejectedExecutionException e) {
        return null;
      }
    }

    private Connection open(Endpoint endpoint, URI uri, long deadline) throws IOException {
      Duration connectTimeout = client.connectTimeout().orElse(DEFAULT_CONNECT_TIMEOUT);
      long left = Math.min(connectTimeout.toMillis(),
          TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
      if (left <= 0) {
        throw new HttpTimeoutException("request timed out");
      }
      String host = endpoint.host().startsWith("[")
          ? endpoint.host().substring(1, endpoint.host().length() - 1) : endpoint.host();
      Socket socket = new Socket();
      try {
        socket.setTcpNoDelay(true);
        try {
          socket.connect(new InetSocketAddress(host, endpoint.port()), (int) left);
        } catch (SocketTimeoutException e) {
          HttpConnectTimeoutException t = new HttpConnectTimeoutException("connect timed out");
          t.initCause(e);
          throw t;
        }
        if (endpoint.tls()) {
          SSLSocket tls = (SSLSocket) client.sslContext().getSocketFactory()
              .createSocket(socket, host, endpoint.port(), true);
          SSLParameters params = client.sslParameters();
          params.setEndpointIdentificationAlgorithm("HTTPS");
          params.setApplicationProtocols(new String[] {"http/1.1"});
          if (!Character.isDigit(host.charAt(0)) && host.indexOf(':') < 0) {
            params.setServerNames(List.of(new SNIHostName(host)));
          }
          tls.setSSLParameters(params);
          tls.setSoTimeout((int) Math.max(1,
              TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
          tls.startHandshake();
          socket = tls;
        }
        opened.incrementAndGet();
        return new Connection(endpoint, socket);
      } catch (IOException | RuntimeException e) {
        try {
          socket.close();
        } catch (IOException ignored) {
          // already failing
        }
        throw e;
      }
    }
  }

  /** The request line and headers; {@code Host} and {@code Content-Length} added. */
  static byte[] head(HttpRequest request, URI uri, int length) {
    return head(request, uri, new String[0], length);
  }

  /** As {@link #head(HttpRequest, URI, int)}, with {@code extra} headers (name, value...). */
  static byte[] head(HttpRequest request, URI uri, String[] extra, int length) {
    StringBuilder sb = new StringBuilder(256);
    String path = uri.getRawPath();
    sb.append(request.method()).append(' ').append(path == null || path.isEmpty() ? "/" : path);
    if (uri.getRawQuery() != null) {
      sb.append('?').append(uri.getRawQuery());
    }
    sb.append(" HTTP/1.1\r\nHost: ").append(uri.getHost());
    int port = uri.getPort();
    if (port != -1 && port != defaultPort(uri.getScheme())) {
      sb.append(':').append(port);
    }
    sb.append("\r\n");
    request.headers().map().forEach((name, values) -> {
      if (name.equalsIgnoreCase("host") || name.equalsIgnoreCase("content-length")
          || name.equalsIgnoreCase("connection")) {
        return;
      }
      for (String v : values) {
        sb.append(name).append(": ").append(v).append("\r\n");
      }
    });
    for (int i = 0; i + 1 < extra.length; i += 2) {
      sb.append(extra[i]).append(": ").append(extra[i + 1]).append("\r\n");
    }
    String method = request.method();
    if (length > 0 || !(method.equals("GET") || method.equals("HEAD") || method.equals("DELETE"))) {
      sb.append("Content-Length: ").append(length).append("\r\n");
    }
    sb.append("\r\n");
    return sb.toString().getBytes(StandardCharsets.ISO_8859_1);
  }

  private static int defaultPort(String scheme) {
    return "https".equalsIgnoreCase(scheme) ? 443 : 80;
  }

  /** The most recently used idle connection, if idle for less than {@code maxIdle}. */
  private @Nullable Connection take(Endpoint endpoint, Duration maxIdle) {
    Deque<Connection> q = idle.get(endpoint);
    if (q == null) {
      return null;
    }
    long now = nanoClock.getAsLong();
    Connection c;
    while ((c = q.pollLast()) != null) {
      if (c.isClosed()) {
        continue;
      }
      long idleFor = now - c.idleSince;
      if (idleFor < maxIdle.toNanos()) {
        return c;
      }
      if (idleFor < IDLE_TIMEOUT.toNanos()) {
        // Too old for this request, fine for an idempotent one: keep it (the most recent are
        // taken first, so what is left behind is only older).
        q.addLast(c);
        return null;
      }
      c.close();
    }
    return null;
  }

  private void release(Endpoint endpoint, Connection c) {
    idle.computeIfAbsent(endpoint, k -> new ConcurrentLinkedDeque<>()).addLast(c);
  }

  /** Schedules a sweep of idle connections unless one is pending. */
  private void scheduleSweep(ScheduledExecutorService scheduler) {
    if (!sweepScheduled.compareAndSet(false, true)) {
      return;
    }
    try {
      scheduler.schedule(() -> {
        sweepScheduled.set(false);
        if (sweep()) {
          scheduleSweep(scheduler);
        }
      }, IDLE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      sweepScheduled.set(false);
      closeIdle();
    }
  }

  /** Closes connections idle too long; true if some remain. */
  private boolean sweep() {
    long now = nanoClock.getAsLong();
    boolean left = false;
    for (Deque<Connection> q : idle.values()) {
      for (Connection c : q) {
        if (now - c.idleSince >= IDLE_TIMEOUT.toNanos()) {
          if (q.remove(c)) {
            c.close();
          }
        } else {
          left = true;
        }
      }
    }
    return left;
  }

  /** Closes every idle connection. */
  void closeIdle() {
    for (Deque<Connection> q : idle.values()) {
      Connection c;
      while ((c = q.pollFirst()) != null) {
        c.close();
      }
    }
  }

  /** Where a connection goes; the client is part of it (its TLS settings). */
  private record Endpoint(HttpClient client, boolean tls, String host, int port) {
    static Endpoint of(HttpClient client, URI uri) {
      boolean tls = "https".equalsIgnoreCase(uri.getScheme());
      int port = uri.getPort() == -1 ? (tls ? 443 : 80) : uri.getPort();
      return new Endpoint(client, tls, uri.getHost().toLowerCase(Locale.ROOT), port);
    }

    @Override
    public String toString() {
      return (tls ? "https://" : "http://") + host + ":" + port;
    }
  }

  /** One socket, its read buffer, and what the last answer said about keeping it. */
  private static final class Connection {
    final Endpoint endpoint;
    final Socket socket;
    final InputStream in;
    final OutputStream out;
    final byte[] buf = new byte[8192];
    int pos;
    int lim;
    boolean keepAlive;
    boolean answered;
    volatile long idleSince;
    private final AtomicBoolean closed = new AtomicBoolean();

    Connection(Endpoint endpoint, Socket socket) throws IOException {
      this.endpoint = endpoint;
      this.socket = socket;
      this.in = socket.getInputStream();
      this.out = socket.getOutputStream();
    }

    boolean isClosed() {
      return closed.get();
    }

    void close() {
      if (closed.compareAndSet(false, true)) {
        try {
          socket.close();
        } catch (IOException ignored) {
          // nothing to do
        }
      }
    }

    /** Reads one answer (skipping 1xx); sets {@link #keepAlive}. */
    Response read(String method, long deadline) throws IOException {
      answered = false;
      while (true) {
        String statusLine = line(deadline);
        if (!statusLine.startsWith("HTTP/1.") || statusLine.length() < 12
            || statusLine.charAt(8) != ' ') {
          throw new IOException("malformed HTTP status line from " + endpoint);
        }
        boolean http10 = statusLine.charAt(7) == '0';
        int status = parseStatus(statusLine);
        Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        int headerBytes = 0;
        String h;
        while (!(h = line(deadline)).isEmpty()) {
          headerBytes += h.length();
          if (headerBytes > MAX_HEADER_BYTES) {
            throw new IOException("the answer's headers from " + endpoint + " exceed "
                + MAX_HEADER_BYTES + " bytes");
          }
          int colon = h.indexOf(':');
          if (colon <= 0) {
            throw new IOException("malformed HTTP header line from " + endpoint);
          }
          headers.computeIfAbsent(h.substring(0, colon).strip(), k -> new ArrayList<>(1))
              .add(h.substring(colon + 1).strip());
        }
        if (status >= 100 && status < 200) {
          continue;
        }
        String connection = first(headers, "Connection");
        keepAlive = http10
            ? connection != null && connection.toLowerCase(Locale.ROOT).contains("keep-alive")
            : connection == null || !connection.toLowerCase(Locale.ROOT).contains("close");
        byte[] body;
        String te = first(headers, "Transfer-Encoding");
        String cl = first(headers, "Content-Length");
        if (method.equals("HEAD") || status == 204 || status == 304) {
          body = new byte[0];
        } else if (te != null && te.toLowerCase(Locale.ROOT).endsWith("chunked")) {
          body = chunked(deadline);
        } else if (cl != null) {
          long n;
          try {
            n = Long.parseLong(cl);
          } catch (NumberFormatException e) {
            throw new IOException("malformed Content-Length from " + endpoint);
          }
          if (n < 0 || n > MAX_BODY) {
            throw new IOException("an answer body of " + n + " bytes from " + endpoint
                + " (at most " + MAX_BODY + " are read)");
          }
          body = bytes((int) n, deadline);
        } else {
          keepAlive = false;
          body = toEnd(deadline);
        }
        return new Response(status, HttpHeaders.of(headers, (a, b) -> true), body);
      }
    }

    private static int parseStatus(String line) throws IOException {
      int s = 0;
      for (int i = 9; i < 12; i++) {
        char ch = line.charAt(i);
        if (ch < '0' || ch > '9') {
          throw new IOException("malformed HTTP status code");
        }
        s = s * 10 + (ch - '0');
      }
      return s;
    }

    private static @Nullable String first(Map<String, List<String>> headers, String name) {
      List<String> v = headers.get(name);
      return v == null || v.isEmpty() ? null : v.get(v.size() - 1);
    }

    private byte[] chunked(long deadline) throws IOException {
      java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
      while (true) {
        String sizeLine = line(deadline);
        int semi = sizeLine.indexOf(';');
        String hex = (semi < 0 ? sizeLine : sizeLine.substring(0, semi)).strip();
        long size;
        try {
          size = Long.parseLong(hex, 16);
        } catch (NumberFormatException e) {
          throw new IOException("malformed chunk size from " + endpoint);
        }
        if (size < 0 || out.size() + size > MAX_BODY) {
          throw new IOException("an answer body over " + MAX_BODY + " bytes from " + endpoint);
        }
        if (size == 0) {
          while (!line(deadline).isEmpty()) {
            // trailers are ignored
          }
          return out.toByteArray();
        }
        out.write(bytes((int) size, deadline));
        if (!line(deadline).isEmpty()) {
          throw new IOException("malformed chunk from " + endpoint);
        }
      }
    }

    private byte[] toEnd(long deadline) throws IOException {
      java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
      while (true) {
        if (pos == lim && !fill(deadline)) {
          return out.toByteArray();
        }
        if (out.size() + (lim - pos) > MAX_BODY) {
          throw new IOException("an answer body over " + MAX_BODY + " bytes from " + endpoint);
        }
        out.write(buf, pos, lim - pos);
        pos = lim;
      }
    }

    private byte[] bytes(int n, long deadline) throws IOException {
      byte[] b = new byte[n];
      int off = 0;
      while (off < n) {
        if (pos == lim && !fill(deadline)) {
          throw new IOException("the connection to " + endpoint + " closed mid-answer");
        }
        int k = Math.min(n - off, lim - pos);
        System.arraycopy(buf, pos, b, off, k);
        pos += k;
        off += k;
      }
      return b;
    }

    /** A line without its CRLF (or LF), ISO-8859-1. */
    private String line(long deadline) throws IOException {
      StringBuilder sb = null;
      while (true) {
        if (pos == lim && !fill(deadline)) {
          throw new IOException(answered
              ? "the connection to " + endpoint + " closed mid-answer"
              : "the connection to " + endpoint + " closed without an answer");
        }
        int start = pos;
        while (pos < lim && buf[pos] != '\n') {
          pos++;
        }
        int end = pos;
        boolean found = pos < lim;
        if (found) {
          pos++;
        }
        int len = end - start;
        if (sb == null && found) {
          if (len > 0 && buf[end - 1] == '\r') {
            len--;
          }
          return new String(buf, start, len, StandardCharsets.ISO_8859_1);
        }
        if (sb == null) {
          sb = new StringBuilder(Math.max(16, len * 2));
        }
        sb.append(new String(buf, start, len, StandardCharsets.ISO_8859_1));
        if (sb.length() > MAX_LINE) {
          throw new IOException("a line longer than " + MAX_LINE + " bytes from " + endpoint);
        }
        if (found) {
          int l = sb.length();
          if (l > 0 && sb.charAt(l - 1) == '\r') {
            sb.setLength(l - 1);
          }
          return sb.toString();
        }
      }
    }

    /** Reads more; false at the end of the stream. */
    private boolean fill(long deadline) throws IOException {
      long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
      if (left <= 0) {
        throw new HttpTimeoutException("request timed out");
      }
      socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, left));
      int n;
      try {
        n = in.read(buf, 0, buf.length);
      } catch (SocketTimeoutException e) {
        HttpTimeoutException t = new HttpTimeoutException("request timed out");
        t.initCause(e);
        throw t;
      }
      if (n <= 0) {
        return false;
      }
      answered = true;
      pos = 0;
      lim = n;
      return true;
    }
  }
}
