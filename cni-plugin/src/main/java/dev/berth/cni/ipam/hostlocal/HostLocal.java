package dev.berth.cni.ipam.hostlocal;

import dev.berth.cni.skel.Plugin;
import dev.berth.cni.skel.Request;
import dev.berth.cni.types.CniException;
import dev.berth.cni.types.Dns;
import dev.berth.cni.types.IpConfig;
import dev.berth.cni.types.NetConf;
import dev.berth.cni.types.Result;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.function.BiFunction;

/**
 * host-local IPAM: one address per range set from a store shared with the reference plugin. Serves the
 * bridge plugin in-process and, through {@link dev.berth.cni.BerthHostLocal}, runs as a CNI IPAM plugin.
 * Beyond the reference, GC releases addresses of attachments the runtime no longer knows, and STATUS
 * reports an exhausted range set.
 */
public final class HostLocal implements Plugin {
    /** The GC parameter listing the attachments still in use. */
    public static final String VALID_ATTACHMENTS = "cni.dev/valid-attachments";

    private final BiFunction<java.nio.file.Path, String, Store> stores;

    public HostLocal() {
        this(DiskStore::open);
    }

    /** With a custom store factory (dataDir, network) → store; tests use it. */
    public HostLocal(BiFunction<java.nio.file.Path, String, Store> stores) {
        this.stores = stores;
    }

    private Store store(IpamConfig config) {
        return stores.apply(config.dataDir(), config.network());
    }

    @Override
    public Result add(Request request) {
        var env = request.environment();
        return allocate(request.config(), env.args(), new Attachment(env.containerId(), env.ifName()));
    }

    /** ADD: one address per range set, all or nothing; requested addresses must all be served. */
    public Result allocate(NetConf netConf, String cniArgs, Attachment attachment) {
        var config = IpamConfig.parse(netConf, cniArgs);
        var store = store(config);
        var requested = new ArrayList<>(config.requestedIps());
        var ips = new ArrayList<IpConfig>();
        try (var lock = store.lock()) {
            try {
                for (int i = 0; i < config.rangeSets().size(); i++) {
                    var allocator = new Allocator(config.rangeSets().get(i), store, i);
                    InetAddress wanted = null;
                    for (var ip : requested) {
                        if (allocator.rangeSet().contains(ip)) {
                            wanted = ip;
                            break;
                        }
                    }
                    requested.remove(wanted);
                    try {
                        ips.add(allocator.allocate(attachment, wanted));
                    } catch (Allocator.AllocationException e) {
                        throw new CniException(CniException.INTERNAL, "failed to allocate for range " + i + ": " + e.getMessage());
                    }
                }
                if (!requested.isEmpty()) {
                    throw new CniException(CniException.INTERNAL, "failed to allocate all requested IPs: "
                            + String.join(", ", requested.stream().map(Addresses::text).toList()));
                }
            } catch (RuntimeException e) {
                for (var ip : ips) {
                    store.release(ip.address().address());
                }
                throw e;
            }
        } catch (CniException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new CniException(CniException.IO_FAILURE, "host-local: " + e.getMessage());
        } catch (Exception e) {
            throw new CniException(CniException.IO_FAILURE, "host-local: cannot release the store lock: " + e.getMessage());
        }
        var dns = config.resolvConf() == null ? Dns.EMPTY : ResolvConf.read(config.resolvConf());
        return new Result(List.of(), ips, config.routes(), dns);
    }

    @Override
    public void del(Request request) {
        var env = request.environment();
        release(request.config(), env.args(), new Attachment(env.containerId(), env.ifName()));
    }

    /** DEL: releases whatever the attachment holds; nothing held is not an error. */
    public void release(NetConf netConf, String cniArgs, Attachment attachment) {
        var config = IpamConfig.parse(netConf, cniArgs);
        var store = store(config);
        locked(store, () -> {
            store.releaseByAttachment(attachment);
            return null;
        });
    }

    @Override
    public void check(Request request) {
        var env = request.environment();
        verify(request.config(), env.args(), new Attachment(env.containerId(), env.ifName()));
    }

    /** CHECK: the attachment holds at least one address, as the reference checks. */
    public void verify(NetConf netConf, String cniArgs, Attachment attachment) {
        var config = IpamConfig.parse(netConf, cniArgs);
        var store = store(config);
        var held = locked(store, () -> store.findByAttachment(attachment));
        if (held.isEmpty()) {
            throw new CniException(CniException.INTERNAL,
                    "host-local: Failed to find address added by container " + attachment.containerId());
        }
    }

    @Override
    public void gc(Request request) {
        collect(request.config());
    }

    /** GC: releases every address whose attachment is not in {@code cni.dev/valid-attachments}. */
    public List<InetAddress> collect(NetConf netConf) {
        var config = IpamConfig.parse(netConf, "");
        var valid = new HashSet<Attachment>();
        var validIds = new HashSet<String>();
        var list = netConf.raw().get(VALID_ATTACHMENTS);
        if (list != null && !list.isNull()) {
            if (!list.isArray()) {
                throw new CniException(CniException.DECODING_FAILURE, VALID_ATTACHMENTS + " must be a list");
            }
            for (var item : list) {
                var id = item.path("containerID").asText("");
                valid.add(new Attachment(id, item.path("ifname").asText("")));
                validIds.add(id.strip());
            }
        }
        var store = store(config);
        return locked(store, () -> {
            var released = new ArrayList<InetAddress>();
            store.reservations().forEach((address, holder) -> {
                boolean inUse = holder.ifName().isEmpty() ? validIds.contains(holder.containerId()) : valid.contains(holder);
                if (!inUse) {
                    store.release(address);
                    released.add(address);
                }
            });
            return released;
        });
    }

    @Override
    public void status(Request request) {
        checkCapacity(request.config());
    }

    /** STATUS: error 50 when a range set has no address left to hand out. */
    public void checkCapacity(NetConf netConf) {
        var config = IpamConfig.parse(netConf, "");
        var store = store(config);
        var taken = locked(store, () -> store.reservations().keySet());
        for (int i = 0; i < config.rangeSets().size(); i++) {
            var set = config.rangeSets().get(i);
            long used = taken.stream().filter(ip -> set.rangeFor(ip).filter(r -> !ip.equals(r.gateway())).isPresent()).count();
            if (set.capacity().compareTo(java.math.BigInteger.valueOf(used)) <= 0) {
                throw new CniException(CniException.PLUGIN_NOT_AVAILABLE,
                        "host-local: range set " + i + " (" + set + ") is exhausted", used + " of " + set.capacity() + " addresses in use");
            }
        }
    }

    private static <T> T locked(Store store, java.util.function.Supplier<T> work) {
        try (var lock = store.lock()) {
            return work.get();
        } catch (CniException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new CniException(CniException.IO_FAILURE, "host-local: " + e.getMessage());
        } catch (Exception e) {
            throw new CniException(CniException.IO_FAILURE, "host-local: cannot release the store lock: " + e.getMessage());
        }
    }

}
