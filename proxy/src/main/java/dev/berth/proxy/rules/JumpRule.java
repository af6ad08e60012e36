package dev.berth.proxy.rules;

import java.util.ArrayList;
import java.util.List;

/**
 * A rule in a built-in chain that sends packets into one of the proxy's chains. These cannot go in the
 * {@code --noflush} restore input (appending would duplicate them on every sync), so the sync loop checks and
 * inserts them itself, at the head of the built-in chain.
 *
 * @param comment empty for the kubelet-owned KUBE-FIREWALL jumps, which carry none
 */
public record JumpRule(Table table, String sourceChain, String targetChain, String comment, List<String> extraArgs) {
    /** The iptables tables the proxy writes to. */
    public enum Table {
        FILTER("filter"), NAT("nat");

        private final String iptablesName;

        Table(String iptablesName) {
            this.iptablesName = iptablesName;
        }

        public String iptablesName() {
            return iptablesName;
        }
    }

    public JumpRule {
        extraArgs = List.copyOf(extraArgs);
    }

    /** The rule's arguments after the chain, as passed to {@code iptables -I CHAIN}. */
    public List<String> args() {
        var args = new ArrayList<>(extraArgs);
        if (!comment.isEmpty()) {
            args.addAll(List.of("-m", "comment", "--comment", comment));
        }
        args.addAll(List.of("-j", targetChain));
        return args;
    }

    /** The rule as one line of restore text ({@code -A SOURCE ...}), comment quoted. */
    public String restoreLine() {
        var sb = new StringBuilder("-A ").append(sourceChain);
        for (var arg : args()) {
            sb.append(' ').append(arg.indexOf(' ') >= 0 ? '"' + arg + '"' : arg);
        }
        return sb.toString();
    }
}
