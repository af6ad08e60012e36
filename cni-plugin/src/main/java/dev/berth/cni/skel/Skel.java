package dev.berth.cni.skel;

import com.fasterxml.jackson.databind.JsonNode;
import dev.berth.cni.types.CniException;
import dev.berth.cni.types.CniJson;
import dev.berth.cni.types.CniVersions;
import dev.berth.cni.types.NetConf;
import dev.berth.cni.types.ResultCodec;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.function.UnaryOperator;

/**
 * The CNI command dispatcher, after libcni's {@code skel}: reads and validates the environment and the
 * configuration, negotiates the version, calls the {@link Plugin}, and prints the result (converted to
 * the configuration's version) or the spec's error JSON. It knows nothing of what the plugin does.
 *
 * <p>Order of checks, as libcni: environment (4), stdin (5), configuration JSON and name (6, 7), then
 * per command: ADD/DEL the configuration's version must be supported (1); CHECK needs 0.4.0+ and
 * GC/STATUS 1.1.0+ (1); an unknown command is 4; ADD/CHECK/DEL into the plugin's own namespace is 8.
 */
public final class Skel {
    private final UnaryOperator<String> getenv;
    private final InputStream stdin;
    private final PrintStream stdout;
    private final PrintStream stderr;

    public Skel(UnaryOperator<String> getenv, InputStream stdin, PrintStream stdout, PrintStream stderr) {
        this.getenv = getenv;
        this.stdin = stdin;
        this.stdout = stdout;
        this.stderr = stderr;
    }

    /** Runs {@code plugin} on the process's own environment and streams, then exits with its status. */
    public static void main(Plugin plugin, String about) {
        Trace.mark("init");
        var skel = new Skel(System::getenv, System.in, System.out, System.err);
        int status = skel.run(plugin, about);
        System.out.flush();
        Trace.report(System.err);
        System.err.flush();
        // halt, not exit: the plugin registers no shutdown hooks and has written everything, and System.exit
        // first looks up a System.Logger to log the exit, which scans the class path (~15 ms of every call).
        Runtime.getRuntime().halt(status);
    }

    /** Runs one invocation; returns the exit status (0 on success, 1 after printing an error). */
    public int run(Plugin plugin, String about) {
        String version = CniVersions.CURRENT;
        try {
            Environment environment;
            try {
                environment = Environment.read(getenv);
                Trace.mark("env");
            } catch (CniException e) {
                if (e.code() == CniException.INVALID_ENVIRONMENT_VARIABLES && isBlank(getenv.apply(Environment.CNI_COMMAND))
                        && about != null && !about.isEmpty()) {
                    stderr.println(about);
                    stderr.println("CNI protocol versions supported: " + String.join(", ", plugin.supportedVersions()));
                    return 0;
                }
                throw e;
            }
            if (environment.commandName().equals(Command.VERSION.name())) {
                printText(versionText(plugin));
                Trace.mark("version");
                return 0;
            }
            var input = readStdin();
            Trace.mark("stdin");
            var config = NetConf.parse(input);
            Trace.mark("config");
            version = config.cniVersion();
            var command = environment.command().orElseThrow(() -> new CniException(
                    CniException.INVALID_ENVIRONMENT_VARIABLES, "unknown CNI_COMMAND: " + environment.commandName()));
            checkVersion(command, config.cniVersion(), plugin);
            if (command == Command.ADD || command == Command.DEL || command == Command.CHECK) {
                checkNotOwnNamespace(environment);
            }
            var request = new Request(command, environment, config, input);
            switch (command) {
                case ADD -> {
                    var result = plugin.add(request);
                    Trace.mark("add");
                    print(ResultCodec.write(result, config.cniVersion()));
                }
                case DEL -> plugin.del(request);
                case CHECK -> plugin.check(request);
                case STATUS -> plugin.status(request);
                case GC -> plugin.gc(request);
                case VERSION -> throw new IllegalStateException("VERSION is answered above");
            }
            Trace.mark(command == Command.ADD ? "output" : command.name().toLowerCase(Locale.ROOT));
            return 0;
        } catch (CniException e) {
            return fail(e, version);
        } catch (RuntimeException e) {
            return fail(new CniException(CniException.INTERNAL, String.valueOf(e.getMessage())), version);
        }
    }

    private int fail(CniException error, String version) {
        print(error.toJson(version));
        return 1;
    }

    private static boolean isBlank(String value) {
        return value == null || value.isEmpty();
    }

    private byte[] readStdin() {
        try {
            return stdin.readAllBytes();
        } catch (IOException e) {
            throw new CniException(CniException.IO_FAILURE, "error reading from stdin: " + e.getMessage());
        }
    }

    /**
     * VERSION's answer, written without Jackson so that the cheapest command stays cheap (no mapper is
     * built); the layout is exactly what the pretty printer makes of the same object.
     */
    static String versionText(Plugin plugin) {
        var text = new StringBuilder("{\n  \"cniVersion\" : \"").append(CniVersions.CURRENT).append("\",\n  \"supportedVersions\" : [ ");
        var versions = plugin.supportedVersions();
        for (int i = 0; i < versions.size(); i++) {
            text.append(i == 0 ? "" : ", ").append('"').append(versions.get(i)).append('"');
        }
        return text.append(versions.isEmpty() ? "]\n}" : " ]\n}").toString();
    }

    /** libcni's version negotiation for each command. */
    static void checkVersion(Command command, String configVersion, Plugin plugin) {
        var floor = switch (command) {
            case CHECK -> "0.4.0";
            case STATUS, GC -> "1.1.0";
            default -> null;
        };
        if (floor != null) {
            if (!CniVersions.atLeast(configVersion, floor)) {
                throw new CniException(CniException.INCOMPATIBLE_CNI_VERSION,
                        "config version does not allow " + command.name());
            }
            boolean pluginCanServe = plugin.supportedVersions().stream().anyMatch(v -> CniVersions.atLeast(v, configVersion));
            if (!pluginCanServe) {
                throw new CniException(CniException.INCOMPATIBLE_CNI_VERSION,
                        "plugin version does not allow " + command.name());
            }
        }
        if (!plugin.supportedVersions().contains(configVersion)) {
            var supported = new StringBuilder("[");
            for (var v : plugin.supportedVersions()) {
                supported.append(supported.length() > 1 ? " " : "").append('"').append(v).append('"');
            }
            throw new CniException(CniException.INCOMPATIBLE_CNI_VERSION, "incompatible CNI versions",
                    "config is \"" + configVersion + "\", plugin supports " + supported + "]");
        }
    }

    /** A runtime passing the plugin's own namespace would have it rewire the node; refuse (code 8). */
    static void checkNotOwnNamespace(Environment environment) {
        var override = environment.netnsOverride().toUpperCase(Locale.ROOT);
        if (environment.netns().isEmpty() || override.equals("TRUE") || override.equals("1")) {
            return;
        }
        try {
            var target = Path.of(environment.netns());
            if (!Files.exists(target)) {
                return; // the plugin reports a missing namespace in its own terms (DEL must tolerate it)
            }
            var own = Path.of("/proc/thread-self/ns/net");
            if (Files.getAttribute(own, "unix:ino").equals(Files.getAttribute(target, "unix:ino"))
                    && Files.getAttribute(own, "unix:dev").equals(Files.getAttribute(target, "unix:dev"))) {
                throw new CniException(CniException.INVALID_NETNS,
                        "plugin's netns and netns from CNI_NETNS should not be the same");
            }
        } catch (IOException | UnsupportedOperationException e) {
            throw new CniException(CniException.INVALID_NETNS, "cannot inspect netns " + environment.netns(), e.getMessage());
        }
    }

    private void print(JsonNode json) {
        printText(CniJson.pretty(json));
    }

    private void printText(String text) {
        stdout.print(text);
        stdout.print('\n');
        stdout.flush();
        if (stdout.checkError()) {
            stderr.println("error writing to stdout");
        }
    }

}
