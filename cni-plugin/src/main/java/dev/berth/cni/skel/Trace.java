package dev.berth.cni.skel;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Phase timings of one plugin process, printed to stderr when {@code BERTH_CNI_TRACE} is set (to
 * anything but empty): where an invocation's time goes, from the JVM's start to the result on stdout.
 * Off by default; when off, {@link #mark} is a field read, so it may sit on the hot path.
 *
 * <p>One line: the time from the process's start (as the kernel records it, in clock ticks, so to about
 * 10 ms; this includes the JVM's own start-up) to {@code main}, then each phase since, in milliseconds.
 */
public final class Trace {
    private static final boolean ENABLED = enabled(System.getenv("BERTH_CNI_TRACE"));
    private static final List<String> NAMES = ENABLED ? new ArrayList<>() : null;
    private static final List<Long> TIMES = ENABLED ? new ArrayList<>() : null;
    /** Linux's USER_HZ: /proc reports process start times in these ticks. */
    private static final int TICKS_PER_SECOND = 100;

    private Trace() {}

    static boolean enabled(String value) {
        return value != null && !value.isEmpty();
    }

    /** Called first thing in a plugin's main. */
    public static void start() {
        if (ENABLED) {
            mark("main");
        }
    }

    /** Ends the phase that began at the previous mark; {@code name} is the phase just finished. */
    public static void mark(String name) {
        if (ENABLED) {
            NAMES.add(name);
            TIMES.add(System.nanoTime());
        }
    }

    /** Prints the phases, one {@code key=value} line per phase. */
    public static void report(PrintStream err) {
        if (!ENABLED || NAMES.isEmpty()) {
            return;
        }
        var line = new StringBuilder("berth-cni trace:");
        long age = processAgeMillis();
        if (age >= 0) {
            line.append(" exec-to-main=").append(age - (System.nanoTime() - TIMES.getFirst()) / 1_000_000).append("ms");
        }
        for (int i = 1; i < NAMES.size(); i++) {
            line.append(' ').append(NAMES.get(i)).append('=')
                    .append(String.format("%.1fms", (TIMES.get(i) - TIMES.get(i - 1)) / 1e6));
        }
        line.append(String.format(" main-to-exit=%.1fms", (System.nanoTime() - TIMES.getFirst()) / 1e6));
        err.println(line);
    }

    /** How long ago the kernel started this process (/proc/self/stat field 22 against /proc/uptime); -1 if unknown. */
    private static long processAgeMillis() {
        try {
            var stat = Files.readString(Path.of("/proc/self/stat"));
            // Fields after the command name, which is in parentheses and may hold spaces; starttime is field 22.
            var fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            long startTicks = Long.parseLong(fields[19]);
            double uptime = Double.parseDouble(Files.readString(Path.of("/proc/uptime")).split(" ")[0]);
            return (long) (uptime * 1000) - startTicks * 1000 / TICKS_PER_SECOND;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }
}
