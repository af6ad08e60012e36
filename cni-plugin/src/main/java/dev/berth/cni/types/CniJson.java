package dev.berth.cni.types;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;

/**
 * The one Jackson mapper of a plugin process. Building an {@link ObjectMapper} is a large share of a
 * plugin's start-up (its factories, caches and introspection), so the skeleton and the configuration
 * parser share this one instead of each making its own.
 */
public final class CniJson {
    /** Plain reads and compact writes. */
    public static final ObjectMapper MAPPER = new ObjectMapper();
    /** What the skeleton prints on stdout: indented as libcni's plugins print. */
    public static final ObjectWriter PRETTY = MAPPER.writerWithDefaultPrettyPrinter();

    private CniJson() {}
}
