package dev.berth.cni.skel;

import dev.berth.cni.types.CniException;
import dev.berth.cni.types.CniVersions;
import dev.berth.cni.types.Result;
import java.util.List;

/**
 * What a CNI plugin implements; {@link Skel} does the protocol around it (environment, stdin, versions,
 * output, errors). Throw {@link CniException} for an error with a spec code; any other exception is
 * reported with code 999, as libcni does.
 */
public interface Plugin {
    /** ADD: attach the container; the result is printed in the configuration's cniVersion. */
    Result add(Request request);

    /** DEL: detach; must succeed when things are already gone. */
    void del(Request request);

    /** CHECK: verify what ADD made, using {@code request.config().prevResult()}. */
    void check(Request request);

    /** STATUS: throw code 50/51 when the plugin cannot serve ADD. Default: ready. */
    default void status(Request request) {}

    /** GC: release what no valid attachment uses. Default: nothing to collect. */
    default void gc(Request request) {}

    /** The versions the plugin supports, reported by VERSION and checked against each configuration. */
    default List<String> supportedVersions() {
        return CniVersions.ALL;
    }
}
