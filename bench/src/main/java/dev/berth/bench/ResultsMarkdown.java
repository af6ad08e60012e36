package dev.berth.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The generated blocks of {@code bench/RESULTS.md}: each harness owns the text between its begin and end markers
 * and replaces only that, so the prose written around a block survives every re-run.
 */
public final class ResultsMarkdown {
    private ResultsMarkdown() {
    }

    /**
     * Puts {@code block} (which starts with {@code begin} and ends with {@code end}) in place of the old one; without
     * one, right under {@code heading}; without that heading, in a new section at the end that names {@code command}.
     */
    public static void replaceBlock(Path md, String heading, String begin, String end, String block, String command)
            throws IOException {
        var text = Files.exists(md) ? Files.readString(md) : "# Benchmark results\n";
        int b = text.indexOf(begin);
        int e = text.indexOf(end);
        if (b >= 0 && e > b) {
            text = text.substring(0, b) + block + text.substring(e + end.length());
        } else if (text.contains(heading)) {
            int at = text.indexOf('\n', text.indexOf(heading)) + 1;
            text = text.substring(0, at) + "\n" + block + "\n" + text.substring(at);
        } else {
            text = text.stripTrailing() + "\n\n" + heading + "\n\n```sh\n" + command + "\n```\n\n" + block + "\n";
        }
        Files.writeString(md, text);
    }
}
