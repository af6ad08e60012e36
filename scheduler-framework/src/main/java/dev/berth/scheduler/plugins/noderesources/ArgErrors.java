package dev.berth.scheduler.plugins.noderesources;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/** Collects "field.path: problem" messages while validating plugin args, then fails with all of them. */
final class ArgErrors {
    private static final Pattern NAME_PART = Pattern.compile("([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]");
    private static final Pattern DNS_SUBDOMAIN =
            Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");

    private final String plugin;
    private final List<String> errors = new ArrayList<>();

    ArgErrors(String plugin) {
        this.plugin = plugin;
    }

    void add(String path, String problem) {
        errors.add(path + ": " + problem);
    }

    /** Throws one exception naming every problem found, if any. */
    void throwIfAny() {
        if (!errors.isEmpty()) {
            throw new IllegalArgumentException("invalid " + plugin + " args: " + String.join("; ", errors));
        }
    }

    /**
     * Whether {@code name} is a Kubernetes qualified name (what a label key may be): an optional DNS
     * subdomain prefix and '/', then at most 63 alphanumerics, '-', '_' or '.', alphanumeric at both ends.
     */
    static boolean isQualifiedName(String name) {
        if (name == null || name.isEmpty()) {
            return false;
        }
        String[] parts = name.split("/", -1);
        String local;
        if (parts.length == 1) {
            local = parts[0];
        } else if (parts.length == 2) {
            String prefix = parts[0];
            if (prefix.isEmpty() || prefix.length() > 253 || !DNS_SUBDOMAIN.matcher(prefix).matches()) {
                return false;
            }
            local = parts[1];
        } else {
            return false;
        }
        return !local.isEmpty() && local.length() <= 63 && NAME_PART.matcher(local).matches();
    }
}
