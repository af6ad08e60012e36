package dev.berth.kube.http;

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
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.GlobalEventExecutor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A small HTTP/1.1 server for health, readiness and metrics endpoints: every request is answered in
 * full by one {@link Handler} on a worker thread. A server either owns its two threads (one acceptor,
 * one worker) or shares them through a {@link Loops}, for a component that opens many listeners (one
 * per health-check node port).
 */
public final class HttpServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(HttpServer.class);
    private static final int MAX_REQUEST_BYTES = 16 * 1024;

    /** A request as a handler sees it: method, path without the query, and the raw URI. */
    public record Request(String method, String path, String uri) {}

    /** A complete answer; {@code headers} come after Content-Type, in order. */
    public record Response(int status, String contentType, Map<String, String> headers, byte[] body) {
        public Response {
            headers = Map.copyOf(headers);
        }

        /** A UTF-8 text answer with {@code X-Content-Type-Options: nosniff}. */
        public static Response text(int status, String contentType, String body) {
            return new Response(status, contentType, Map.of("X-Content-Type-Options", "nosniff"),
                    body.getBytes(StandardCharsets.UTF_8));
        }

        /** The same answer with one more header. */
        public Response withHeader(String name, String value) {
            var h = new LinkedHashMap<>(headers);
            h.put(name, value);
            return new Response(status, contentType, h, body);
        }
    }

    /** Computes the answer to one request; must not block for long (it runs on the event loop). */
    @FunctionalInterface
    public interface Handler {
        Response handle(Request request);
    }

    /** Acceptor and worker threads shared by several servers; closing it stops them all. */
    public static final class Loops implements AutoCloseable {
        private final EventLoopGroup boss;
        private final EventLoopGroup worker;

        public Loops(String name) {
            this.boss = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory(name + "-accept", true),
                    NioIoHandler.newFactory());
            this.worker = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory(name, true),
                    NioIoHandler.newFactory());
        }

        @Override
        public void close() {
            // No quiet period: nothing new arrives once the listeners are closed.
            var b = boss.shutdownGracefully(0, 5, TimeUnit.SECONDS);
            var w = worker.shutdownGracefully(0, 5, TimeUnit.SECONDS);
            b.awaitUninterruptibly();
            w.awaitUninterruptibly();
        }
    }

    private final Loops ownLoops;
    private final Channel channel;
    private final ChannelGroup connections;
    private final InetSocketAddress address;
    private final String name;
    private final AtomicBoolean closed = new AtomicBoolean();

    private HttpServer(String name, Loops ownLoops, Channel channel, ChannelGroup connections) {
        this.name = name;
        this.ownLoops = ownLoops;
        this.channel = channel;
        this.connections = connections;
        this.address = (InetSocketAddress) channel.localAddress();
    }

    /**
     * Listens on {@code bind} with threads of its own (port 0 picks a free port; see {@link #port()}).
     *
     * @param name names the threads and the log lines, e.g. {@code berth-http}
     * @throws IOException when the address cannot be bound (in use, not local, no permission)
     */
    public static HttpServer start(String name, InetSocketAddress bind, Handler handler) throws IOException {
        var loops = new Loops(name);
        try {
            return start(name, bind, handler, loops, true);
        } catch (IOException | RuntimeException e) {
            loops.close();
            throw e;
        }
    }

    /** Listens on {@code bind} on shared threads; {@link #close()} leaves them running. */
    public static HttpServer start(String name, InetSocketAddress bind, Handler handler, Loops loops)
            throws IOException {
        return start(name, bind, handler, loops, false);
    }

    private static HttpServer start(String name, InetSocketAddress bind, Handler handler, Loops loops, boolean own)
            throws IOException {
        Objects.requireNonNull(bind, "bind");
        var routes = new Routes(name, Objects.requireNonNull(handler, "handler"));
        // Open connections are tracked so close() ends kept-alive ones too, even on shared threads.
        var connections = new DefaultChannelGroup(name, GlobalEventExecutor.INSTANCE);
        ChannelFuture bound = new ServerBootstrap()
                .group(loops.boss, loops.worker)
                .channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        connections.add(ch);
                        ch.pipeline().addLast(new HttpServerCodec(), new HttpServerKeepAliveHandler(),
                                new HttpObjectAggregator(MAX_REQUEST_BYTES), routes);
                    }
                })
                .bind(bind)
                .awaitUninterruptibly();
        if (!bound.isSuccess()) {
            throw new IOException(name + ": cannot listen on " + bind + ": " + bound.cause(), bound.cause());
        }
        return new HttpServer(name, own ? loops : null, bound.channel(), connections);
    }

    /** The address actually bound. */
    public InetSocketAddress address() {
        return address;
    }

    /** The port actually bound (the ephemeral one when started on port 0). */
    public int port() {
        return address.getPort();
    }

    /** Stops listening, closes open connections and, if it owns them, stops its threads; idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        channel.close().awaitUninterruptibly();
        connections.close().awaitUninterruptibly();
        if (ownLoops != null) {
            ownLoops.close();
        }
        LOG.debug("http server closed name={} address={}", name, address);
    }

    /** Turns Netty requests into handler calls; shared by every connection (it keeps no per-connection state). */
    @ChannelHandler.Sharable
    private static final class Routes extends SimpleChannelInboundHandler<FullHttpRequest> {
        private final String name;
        private final Handler handler;

        Routes(String name, Handler handler) {
            this.name = name;
            this.handler = handler;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
            FullHttpResponse response;
            if (request.decoderResult().isFailure()) {
                response = toNetty(Response.text(400, "text/plain; charset=utf-8", "bad request\n"));
                HttpUtil.setKeepAlive(response, false);
            } else {
                String uri = request.uri();
                int query = uri.indexOf('?');
                String path = query < 0 ? uri : uri.substring(0, query);
                Response answer;
                try {
                    answer = handler.handle(new Request(request.method().name(), path, uri));
                } catch (RuntimeException e) {
                    LOG.warn("http handler failed name={} uri={} error={}", name, uri, e.toString());
                    answer = Response.text(500, "text/plain; charset=utf-8", "internal error: " + e + "\n");
                }
                response = toNetty(answer);
                HttpUtil.setKeepAlive(response, HttpUtil.isKeepAlive(request));
            }
            ctx.writeAndFlush(response);
        }

        private static FullHttpResponse toNetty(Response r) {
            var response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(r.status()),
                    Unpooled.wrappedBuffer(r.body()));
            if (r.contentType() != null) {
                response.headers().set("Content-Type", r.contentType());
            }
            r.headers().forEach((k, v) -> response.headers().set(k, v));
            HttpUtil.setContentLength(response, r.body().length);
            return response;
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            LOG.debug("http connection failed name={} remote={} error={}", name, ctx.channel().remoteAddress(),
                    cause.toString());
            ctx.close();
        }
    }
}
