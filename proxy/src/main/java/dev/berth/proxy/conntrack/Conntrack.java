package dev.berth.proxy.conntrack;

import dev.berth.proxy.model.IpFamily;
import dev.berth.proxy.rules.NodeConfig;
import dev.berth.proxy.rules.ProxyState;
import dev.berth.proxy.sync.Iptables;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the {@code conntrack} tool (Debian package {@code conntrack}) where the iptables commands run, through
 * {@link Iptables#run}, so a test's namespace prefix applies to it too. {@link #reconcile} lists the UDP flows of
 * the node's family and deletes the stale ones. A missing tool is logged once and cleanup is skipped from then on.
 */
public final class Conntrack {
    private static final Logger LOG = LoggerFactory.getLogger(Conntrack.class);
    private static final Pattern DELETED = Pattern.compile("(\\d+) flow entries have been deleted");

    /** What one reconcile did. */
    public record Result(int flows, List<Deletion> deletions, int deleted, List<String> errors) {}

    private final Iptables tools;
    private volatile boolean unavailable;

    public Conntrack(Iptables tools) {
        this.tools = tools;
    }

    /** The UDP flows of {@code family}. */
    public List<Flow> listUdp(IpFamily family) throws ConntrackException {
        var r = run(List.of("conntrack", "-L", "-p", "udp", "-f", familyArg(family)));
        if (!r.ok()) {
            throw new ConntrackException("listing conntrack flows: " + r.describe());
        }
        var out = new ArrayList<Flow>();
        for (var line : r.stdout().split("\n")) {
            var flow = Flow.parse(line);
            if (flow != null) {
                out.add(flow);
            }
        }
        return out;
    }

    /** Deletes the flows one filter selects; returns how many the kernel deleted (none is not an error). */
    public int delete(Deletion deletion, IpFamily family) throws ConntrackException {
        var cmd = new ArrayList<>(List.of("conntrack", "-D", "-p", "udp", "-f", familyArg(family)));
        cmd.addAll(deletion.filterArgs());
        var r = run(cmd);
        var m = DELETED.matcher(r.stderr() + r.stdout());
        boolean reported = m.find();
        int n = reported ? Integer.parseInt(m.group(1)) : 0;
        // conntrack exits 1 when nothing matched: a flow that expired in between is not a failure.
        if (!r.ok() && !(reported && n == 0)) {
            throw new ConntrackException("deleting conntrack flows " + deletion + ": " + r.describe());
        }
        return n;
    }

    /** Lists the UDP flows and deletes the stale ones for {@code state}; never throws. */
    public Result reconcile(ProxyState state, NodeConfig config) {
        // Without UDP Services nothing can be stale: skip listing the table (kube-proxy lists it anyway).
        if (unavailable || !StaleFlows.anyUdpService(state)) {
            return new Result(0, List.of(), 0, List.of());
        }
        List<Flow> flows;
        try {
            flows = listUdp(config.ipFamily());
        } catch (ConntrackException | UncheckedIOException e) {
            if (e instanceof UncheckedIOException) {
                unavailable = true;
                LOG.error("conntrack tool not available, stale UDP flows will not be cleaned: {}", e.getMessage());
            } else {
                LOG.error("conntrack cleanup failed: {}", e.getMessage());
            }
            return new Result(0, List.of(), 0, List.of(e.getMessage()));
        }
        var deletions = StaleFlows.compute(flows, state, config);
        int deleted = 0;
        var errors = new ArrayList<String>();
        for (var d : deletions) {
            try {
                deleted += delete(d, config.ipFamily());
            } catch (ConntrackException | UncheckedIOException e) {
                errors.add(e.getMessage());
            }
        }
        if (!deletions.isEmpty()) {
            LOG.info("conntrack cleanup flows={} filters={} deleted={} errors={}", flows.size(), deletions.size(),
                    deleted, errors.size());
        }
        errors.forEach(e -> LOG.error("conntrack cleanup: {}", e));
        return new Result(flows.size(), deletions, deleted, errors);
    }

    private Iptables.Result run(List<String> command) {
        return tools.run(command);
    }

    private static String familyArg(IpFamily family) {
        return family == IpFamily.IPV6 ? "ipv6" : "ipv4";
    }

    /** A conntrack command failed. */
    public static final class ConntrackException extends Exception {
        public ConntrackException(String message) {
            super(message);
        }
    }
}
