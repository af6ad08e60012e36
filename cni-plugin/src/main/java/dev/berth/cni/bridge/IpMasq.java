package dev.berth.cni.bridge;

import dev.berth.cni.types.CniException;
import dev.berth.linux.IpNet;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * {@code ipMasq}: the reference's per-container NAT chain in the host namespace. Chain
 * {@code CNI-<first 24 hex of sha512(network + containerID)>} accepts traffic to the pod's own subnet and
 * masquerades the rest but multicast; {@code POSTROUTING} sends the pod's source address to it. Rules
 * carry the comment {@code name: "<network>" id: "<containerID>"}. Teardown needs no address: it finds
 * the jumps by chain name, so it also works after the pod's namespace is gone.
 */
final class IpMasq {
    private static final int HASH_CHARS = 24;

    private IpMasq() {}

    static String chain(String network, String containerId) {
        try {
            var digest = MessageDigest.getInstance("SHA-512").digest((network + containerId).getBytes(StandardCharsets.UTF_8));
            return "CNI-" + HexFormat.of().formatHex(digest).substring(0, HASH_CHARS);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-512 is part of every JDK", e);
        }
    }

    static String comment(String network, String containerId) {
        return "name: " + goQuote(network) + " id: " + goQuote(containerId);
    }

    private static String goQuote(String text) {
        return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    /** Installs the chain and jump for each pod address; idempotent. */
    static void setup(List<IpNet> addresses, String network, String containerId) {
        var chain = chain(network, containerId);
        var comment = comment(network, containerId);
        for (var address : addresses) {
            var tool = tool(address.isIpv4());
            var multicast = address.isIpv4() ? "224.0.0.0/4" : "ff00::/8";
            if (run(tool, "-t", "nat", "-S", chain).exit() != 0) {
                check(run(tool, "-t", "nat", "-N", chain), "create chain " + chain);
            }
            appendUnique(tool, chain, "-d", address.toString(), "-j", "ACCEPT", "-m", "comment", "--comment", comment);
            appendUnique(tool, chain, "!", "-d", multicast, "-j", "MASQUERADE", "-m", "comment", "--comment", comment);
            appendUnique(tool, "POSTROUTING", "-s", IpNet.format(address.address()), "-j", chain, "-m", "comment",
                    "--comment", comment);
        }
    }

    /** Removes the jumps and the chain in both families; absent pieces are fine. */
    static void teardown(String network, String containerId) {
        var chain = chain(network, containerId);
        var problems = new ArrayList<String>();
        for (boolean v4 : new boolean[] {true, false}) {
            Path tool;
            try {
                tool = tool(v4);
            } catch (CniException e) {
                continue; // No ip6tables: nothing of ours can be there.
            }
            if (run(tool, "-t", "nat", "-S", chain).exit() != 0) {
                continue;
            }
            var listing = run(tool, "-t", "nat", "-L", "POSTROUTING", "-n", "--line-numbers");
            var numbers = new ArrayList<Integer>();
            for (var line : listing.output().split("\n")) {
                var fields = line.trim().split("\\s+");
                if (fields.length > 1 && fields[1].equals(chain) && fields[0].matches("[0-9]+")) {
                    numbers.add(Integer.parseInt(fields[0]));
                }
            }
            // Highest first, so the remaining numbers stay valid.
            for (var number : numbers.reversed()) {
                var deleted = run(tool, "-t", "nat", "-D", "POSTROUTING", number.toString());
                if (deleted.exit() != 0) {
                    problems.add(deleted.output());
                }
            }
            for (var step : List.of("-F", "-X")) {
                var done = run(tool, "-t", "nat", step, chain);
                if (done.exit() != 0) {
                    problems.add(done.output());
                }
            }
        }
        if (!problems.isEmpty()) {
            throw new CniException(CniException.INTERNAL, "could not remove ipMasq chain " + chain, String.join("; ", problems));
        }
    }

    private static void appendUnique(Path tool, String chain, String... rule) {
        var check = new ArrayList<>(List.of("-t", "nat", "-C", chain));
        check.addAll(List.of(rule));
        if (run(tool, check.toArray(String[]::new)).exit() == 0) {
            return;
        }
        var append = new ArrayList<>(List.of("-t", "nat", "-A", chain));
        append.addAll(List.of(rule));
        check(run(tool, append.toArray(String[]::new)), "append to " + chain);
    }

    private record Outcome(int exit, String output) {}

    private static void check(Outcome outcome, String what) {
        if (outcome.exit() != 0) {
            throw new CniException(CniException.INTERNAL, "iptables: cannot " + what, outcome.output().strip());
        }
    }

    private static Path tool(boolean v4) {
        var name = v4 ? "iptables" : "ip6tables";
        var dirs = new ArrayList<String>();
        var path = System.getenv("PATH");
        if (path != null) {
            dirs.addAll(List.of(path.split(":")));
        }
        dirs.addAll(List.of("/usr/sbin", "/sbin", "/usr/bin", "/bin"));
        for (var dir : dirs) {
            if (dir.isEmpty()) {
                continue;
            }
            var candidate = Path.of(dir, name);
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        throw new CniException(CniException.INTERNAL, "failed to locate " + name + " for ipMasq");
    }

    private static Outcome run(Path tool, String... args) {
        var command = new ArrayList<String>();
        command.add(tool.toString());
        command.add("-w"); // Wait for the xtables lock instead of failing while another writer holds it.
        command.addAll(List.of(args));
        try {
            var process = new ProcessBuilder(command).redirectErrorStream(true).start();
            process.getOutputStream().close();
            var output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            return new Outcome(process.waitFor(), output);
        } catch (IOException e) {
            throw new CniException(CniException.INTERNAL, "cannot run " + tool + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CniException(CniException.INTERNAL, "interrupted while running " + tool);
        }
    }
}
