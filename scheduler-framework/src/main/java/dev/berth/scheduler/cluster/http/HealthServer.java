package dev.berth.scheduler.cluster.http;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.concurrent.DefaultThreadFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * The scheduler's HTTP endpoints, as kube-scheduler serves them on its secure port (here plain
 * HTTP): {@code /healthz} and {@code /livez} answer whether the process works, {@code /readyz}
 * whether it is ready to serve (caches synced, not shutting down; leadership does not matter, so a
 * standby replica is ready too), and {@code /metrics} the Prometheus text of a {@link Registry}.
 * One acceptor and one worker platform thread; every answer is computed on the worker.
 */
public final class HealthServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(HealthServer.class);
    private static final String TEXT = "text/plain; charset=utf-8";
    private static final int MAX_REQUEST_BYTES = 16 * 1024;

    private final EventLoopGroup boss;
    private final EventLoopGroup worker;
    private final Channel channel;
    private final InetSocketAddress address;
    private final AtomicBoolean closed = new AtomicBoolean();

    private HealthServer(EventLoopGroup boss, EventLoopGroup worker, Channel channel) {
        this.boss = boss;
        this.worker = worker;
        this.channel = channel;
        this.address = (InetSocketAddress) channel.localAddress();
    }

    /**
     * Listens on {@code bind} (port 0 picks a free port; see {@link #port()}).
     *
     * @param healthy answers {@code /healthz} and {@code /livez}
     * @param ready   answers {@code /readyz}
     * @throws IOException when the address cannot be bound (in use, not local, no permission)
     */
    public static HealthServer start(InetSocketAddress bind, Registry metrics, Supplier<Health> healthy,
                                     Supplier<Health> ready) throws IOException {
        Objects.requireNonNull(bind, "bind");
        var routes = new Routes(Objects.requireNonNull(metrics, "metrics"),
                Objects.requireNonNull(healthy, "healthy"), Objects.requireNonNull(ready, "ready"));
        EventLoopGroup boss = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("berth-http-accept", true),
                NioIoHandler.newFactory());
        EventLoopGroup worker = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("berth-http", true),
                NioIoHandler.newFactory());
        ChannelFuture bound = new ServerBootstrap()
                .group(boss, worker)
                .channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new HttpServerCodec(), new HttpServerKeepAliveHandler(),
                                new HttpObjectAggregator(MAX_REQUEST_BYTES), routes);
                    }
                })
                .bind(bind)
                .awaitUninterruptibly();
        if (!bound.isSuccess()) {
            shutdown(boss, worker);
            throw new IOException("cannot serve health and metrics endpoints on " + bind + ": " + bound.cause(),
                    bound.cause());
        }
        var server = new HealthServer(boss, worker, bound.channel());
        LOG.info("serving /healthz /livez /readyz /metrics address={}", server.address);
        return server;
    }

    /** The address actually bound. */
    public InetSocketAddress address() {
        return address;
    }

    /** The port actually bound (the ephemeral one when started on port 0). */
    public int port() {
        return address.getPort();
    }

    /** Stops listening, lets answers in flight finish and stops both threads; idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        channel.close().awaitUninterruptibly();
        shutdown(boss, worker);
        LOG.info("stopped health and metrics endpoints address={}", address);
    }

    private static void shutdown(EventLoopGroup boss, EventLoopGroup worker) {
        // No quiet period: nothing new arrives once the listener is closed.
        var b = boss.shutdownGracefully(0, 5, TimeUnit.SECONDS);
        var w = worker.shutdownGracefully(0, 5, TimeUnit.SECONDS);
        b.awaitUninterruptibly();
        w.awaitUninterruptibly();
    }

    /** Maps a request to its answer; shared by every connection (it keeps no per-connection state). */
    @ChannelHandler.Sharable
    private static final class Routes extends SimpleChannelInboundHandler<FullHttpRequest> {
        private final Registry metrics;
        private final Supplier<Health> healthy;
        private final Supplier<Health> ready;

        Routes(Registry metrics, Supplier<Health> healthy, Supplier<Health> ready) {
            this.metrics = metrics;
            this.healthy = healthy;
            this.ready = ready;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
            FullHttpResponse response;
            if (request.decoderResult().isFailure()) {
                response = text(HttpResponseStatus.BAD_REQUEST, "bad request\n");
                HttpUtil.setKeepAlive(response, false);
            } else {
                response = answer(request);
                HttpUtil.setKeepAlive(response, HttpUtil.isKeepAlive(request));
            }
            ctx.writeAndFlush(response);
        }

        private FullHttpResponse answer(FullHttpRequest request) {
            String uri = request.uri();
            int query = uri.indexOf('?');
            String path = query < 0 ? uri : uri.substring(0, query);
            boolean known = switch (path) {
                case "/healthz", "/livez", "/readyz", "/metrics" -> true;
                default -> false;
            };
            if (!known) {
                return text(HttpResponseStatus.NOT_FOUND, "404 page not found\n");
            }
            if (!HttpMethod.GET.equals(request.method())) {
                var response = text(HttpResponseStatus.METHOD_NOT_ALLOWED, "method not allowed\n");
                response.headers().set(HttpHeaderNames.ALLOW, "GET");
                return response;
            }
            return switch (path) {
                case "/healthz", "/livez" -> check(healthy, "unhealthy: ");
                case "/readyz" -> check(ready, "not ready: ");
                default -> scrape();
            };
        }

        private static FullHttpResponse check(Supplier<Health> check, String failurePrefix) {
            Health health;
            try {
                health = Objects.requireNonNullElse(check.get(), Health.ok());
            } catch (RuntimeException e) {
                health = Health.failing("check failed: " + e);
            }
            return switch (health) {
                case Health.Ok ok -> text(HttpResponseStatus.OK, "ok");
                case Health.Failing(String reason) -> text(HttpResponseStatus.INTERNAL_SERVER_ERROR, failurePrefix + reason);
            };
        }

        private FullHttpResponse scrape() {
            String body;
            try {
                body = metrics.scrape();
            } catch (RuntimeException e) {
                LOG.warn("metrics scrape failed error={}", e.toString());
                return text(HttpResponseStatus.INTERNAL_SERVER_ERROR, "metrics unavailable: " + e + "\n");
            }
            var response = text(HttpResponseStatus.OK, body);
            response.headers().set(HttpHeaderNames.CONTENT_TYPE, TextFormat.CONTENT_TYPE);
            return response;
        }

        private static FullHttpResponse text(HttpResponseStatus status, String body) {
            var response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                    Unpooled.wrappedBuffer(body.getBytes(StandardCharsets.UTF_8)));
            response.headers()
                    .set(HttpHeaderNames.CONTENT_TYPE, TEXT)
                    .set("X-Content-Type-Options", "nosniff");
            HttpUtil.setContentLength(response, response.content().readableBytes());
            return response;
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            LOG.debug("health endpoint connection failed remote={} error={}", ctx.channel().remoteAddress(), cause.toString());
            ctx.close();
        }
    }
}
