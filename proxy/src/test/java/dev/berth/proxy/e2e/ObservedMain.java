package dev.berth.proxy.e2e;

import dev.berth.kube.KubeConnection;
import dev.berth.proxy.Main;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * berth-proxy's own {@link Main} with every API request it makes appended to a file ({@code "METHOD path?query"},
 * one per line), so a test in another JVM can compare the calls with the RBAC granted.
 * Usage: {@code ObservedMain CALLS_FILE berth-proxy-args...}.
 */
public final class ObservedMain {
    private ObservedMain() {
    }

    public static void main(String[] args) {
        var calls = Path.of(args[0]);
        KubeConnection.requestObserver = call -> {
            // The observer sees "SOURCE METHOD path"; SOURCE is the kubeconfig path, the same for every call.
            var request = call.substring(call.indexOf(' ') + 1);
            synchronized (ObservedMain.class) {
                try {
                    Files.writeString(calls, request + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                            StandardOpenOption.APPEND);
                } catch (IOException e) {
                    throw new UncheckedIOException("recording call " + request + " in " + calls, e);
                }
            }
        };
        var rest = new String[args.length - 1];
        System.arraycopy(args, 1, rest, 0, rest.length);
        Main.main(rest);
    }
}
