package dev.berth.cni.skel;

import dev.berth.cni.types.CniException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;

/**
 * The {@code CNI_*} environment of one invocation, validated as libcni's skeleton does: each command's
 * required variables must be non-empty (error 4 lists the missing ones), a container id must match the
 * spec's character rules and an interface name Linux's.
 *
 * @param commandName   CNI_COMMAND as given (may be unknown; {@link #command()} is then empty)
 * @param containerId   CNI_CONTAINERID
 * @param netns         CNI_NETNS, the namespace path ("" when not given)
 * @param ifName        CNI_IFNAME
 * @param args          CNI_ARGS, unparsed
 * @param path          CNI_PATH split on ':'
 * @param netnsOverride CNI_NETNS_OVERRIDE
 */
public record Environment(String commandName, String containerId, String netns, String ifName, String args,
        List<Path> path, String netnsOverride) {
    public static final String CNI_COMMAND = "CNI_COMMAND";
    public static final String CNI_CONTAINERID = "CNI_CONTAINERID";
    public static final String CNI_NETNS = "CNI_NETNS";
    public static final String CNI_IFNAME = "CNI_IFNAME";
    public static final String CNI_ARGS = "CNI_ARGS";
    public static final String CNI_PATH = "CNI_PATH";
    public static final String CNI_NETNS_OVERRIDE = "CNI_NETNS_OVERRIDE";

    private static final Pattern VALID_ID = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_.\\-]*");
    private static final int MAX_IFNAME = 15;

    public Environment {
        path = List.copyOf(path);
    }

    /** The command, empty when CNI_COMMAND names none the spec defines. */
    public java.util.Optional<Command> command() {
        return Command.of(commandName);
    }

    /** Reads and validates the environment; throws {@link CniException} code 4 (or 3) on a problem. */
    public static Environment read(UnaryOperator<String> getenv) {
        var command = value(getenv, CNI_COMMAND);
        var known = Command.of(command);
        var missing = new ArrayList<String>();
        if (command.isEmpty()) {
            missing.add(CNI_COMMAND);
        }
        for (var variable : List.of(CNI_CONTAINERID, CNI_NETNS, CNI_IFNAME, CNI_ARGS, CNI_PATH)) {
            var value = value(getenv, variable);
            boolean required = known.map(c -> c.requires(variable)).orElse(false);
            if (value.isEmpty()) {
                if (required) {
                    missing.add(variable);
                }
            } else if (required && variable.equals(CNI_CONTAINERID)) {
                validateContainerId(value);
            } else if (required && variable.equals(CNI_IFNAME)) {
                validateInterfaceName(value);
            }
        }
        if (!missing.isEmpty()) {
            throw new CniException(CniException.INVALID_ENVIRONMENT_VARIABLES,
                    "required env variables [" + String.join(",", missing) + "] missing");
        }
        var pathValue = value(getenv, CNI_PATH);
        var path = pathValue.isEmpty() ? List.<Path>of()
                : Arrays.stream(pathValue.split(":")).filter(p -> !p.isEmpty()).map(Path::of).toList();
        return new Environment(command, value(getenv, CNI_CONTAINERID), value(getenv, CNI_NETNS),
                value(getenv, CNI_IFNAME), value(getenv, CNI_ARGS), path, value(getenv, CNI_NETNS_OVERRIDE));
    }

    private static String value(UnaryOperator<String> getenv, String name) {
        var value = getenv.apply(name);
        return value == null ? "" : value;
    }

    /** The spec's container id rule: an alphanumeric, then alphanumerics, '_', '.', '-'. */
    public static void validateContainerId(String id) {
        if (id.isEmpty()) {
            throw new CniException(CniException.UNKNOWN_CONTAINER, "missing containerID");
        }
        if (!VALID_ID.matcher(id).matches()) {
            throw new CniException(CniException.INVALID_ENVIRONMENT_VARIABLES, "invalid characters in containerID", id);
        }
    }

    /** Linux's interface name rule: 1-15 bytes, not "." or "..", no '/', ':' or whitespace. */
    public static void validateInterfaceName(String name) {
        if (name.isEmpty()) {
            throw new CniException(CniException.INVALID_ENVIRONMENT_VARIABLES, "interface name is empty");
        }
        if (name.length() > MAX_IFNAME) {
            throw new CniException(CniException.INVALID_ENVIRONMENT_VARIABLES, "interface name is too long",
                    "interface name should be less than " + (MAX_IFNAME + 1) + " characters");
        }
        if (name.equals(".") || name.equals("..")) {
            throw new CniException(CniException.INVALID_ENVIRONMENT_VARIABLES, "interface name is . or ..");
        }
        for (var c : name.toCharArray()) {
            if (c == '/' || c == ':' || Character.isWhitespace(c)) {
                throw new CniException(CniException.INVALID_ENVIRONMENT_VARIABLES,
                        "interface name contains / or : or whitespace characters");
            }
        }
    }
}
