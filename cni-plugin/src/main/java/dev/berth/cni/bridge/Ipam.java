package dev.berth.cni.bridge;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.berth.cni.ipam.hostlocal.Attachment;
import dev.berth.cni.ipam.hostlocal.HostLocal;
import dev.berth.cni.ipam.hostlocal.IpamConfig;
import dev.berth.cni.skel.Command;
import dev.berth.cni.skel.Environment;
import dev.berth.cni.skel.Request;
import dev.berth.cni.types.CniException;
import dev.berth.cni.types.Result;
import dev.berth.cni.types.ResultCodec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * The IPAM a bridge delegates to: host-local in-process (same store and lock as the reference binary),
 * any other type executed from {@code CNI_PATH} with the same environment and configuration, as the spec
 * says a plugin delegates.
 */
sealed interface Ipam {
    Result add();

    void del();

    void check();

    void status();

    void gc();

    /** The IPAM for the request's {@code ipam.type}; {@code null} when the configuration has none. */
    static Ipam of(Request request) {
        var ipam = request.config().ipam();
        if (ipam == null) {
            return null;
        }
        var type = ipam.path("type").asText("");
        if (type.equals(IpamConfig.TYPE)) {
            // Parsed now so a bad ipam section fails before anything is created.
            IpamConfig.parse(request.config(), request.environment().args());
            return new InProcess(request);
        }
        if (type.isEmpty() || type.contains("/")) {
            throw new CniException(CniException.INVALID_NETWORK_CONFIG, "invalid ipam type \"" + type + "\"");
        }
        return new Exec(request, type);
    }

    record InProcess(Request request) implements Ipam {
        private static final HostLocal HOST_LOCAL = new HostLocal();

        private Attachment attachment() {
            var env = request.environment();
            return new Attachment(env.containerId(), env.ifName());
        }

        @Override
        public Result add() {
            return HOST_LOCAL.allocate(request.config(), request.environment().args(), attachment());
        }

        @Override
        public void del() {
            HOST_LOCAL.release(request.config(), request.environment().args(), attachment());
        }

        @Override
        public void check() {
            HOST_LOCAL.verify(request.config(), request.environment().args(), attachment());
        }

        @Override
        public void status() {
            HOST_LOCAL.checkCapacity(request.config());
        }

        @Override
        public void gc() {
            HOST_LOCAL.collect(request.config());
        }
    }

    record Exec(Request request, String type) implements Ipam {
        private static final ObjectMapper JSON = new ObjectMapper();

        @Override
        public Result add() {
            var output = run(Command.ADD);
            try {
                return ResultCodec.read(JSON.readTree(output), request.config().cniVersion());
            } catch (IOException e) {
                throw new CniException(CniException.DECODING_FAILURE, "cannot decode the result of IPAM plugin " + type + ": " + e.getMessage());
            }
        }

        @Override
        public void del() {
            run(Command.DEL);
        }

        @Override
        public void check() {
            run(Command.CHECK);
        }

        @Override
        public void status() {
            run(Command.STATUS);
        }

        @Override
        public void gc() {
            run(Command.GC);
        }

        private Path find() {
            for (var dir : request.environment().path()) {
                var candidate = dir.resolve(type);
                if (Files.isExecutable(candidate) && Files.isRegularFile(candidate)) {
                    return candidate;
                }
            }
            throw new CniException(CniException.INTERNAL, "failed to find plugin \"" + type + "\" in path "
                    + request.environment().path());
        }

        private byte[] run(Command command) {
            var env = request.environment();
            var builder = new ProcessBuilder(find().toString());
            Map<String, String> vars = builder.environment();
            var own = new HashMap<String, String>();
            own.put(Environment.CNI_COMMAND, command.name());
            own.put(Environment.CNI_CONTAINERID, env.containerId());
            own.put(Environment.CNI_NETNS, env.netns());
            own.put(Environment.CNI_IFNAME, env.ifName());
            own.put(Environment.CNI_ARGS, env.args());
            own.put(Environment.CNI_PATH, String.join(":", env.path().stream().map(Path::toString).toList()));
            vars.putAll(own);
            builder.redirectError(ProcessBuilder.Redirect.INHERIT);
            try {
                var process = builder.start();
                try (var in = process.getOutputStream()) {
                    in.write(request.stdin());
                }
                var output = process.getInputStream().readAllBytes();
                int status = process.waitFor();
                if (status != 0) {
                    throw error(output, status);
                }
                return output;
            } catch (IOException e) {
                throw new CniException(CniException.IO_FAILURE, "cannot run IPAM plugin " + type + ": " + e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CniException(CniException.INTERNAL, "interrupted while running IPAM plugin " + type);
            }
        }

        private CniException error(byte[] output, int status) {
            try {
                var json = JSON.readTree(output);
                return new CniException(json.path("code").asInt(CniException.INTERNAL), json.path("msg").asText(""),
                        json.path("details").asText(""));
            } catch (IOException e) {
                return new CniException(CniException.INTERNAL, "IPAM plugin " + type + " exited " + status,
                        new String(output, java.nio.charset.StandardCharsets.UTF_8));
            }
        }
    }
}
