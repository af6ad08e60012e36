package dev.berth.cni.ipam.hostlocal;

import dev.berth.linux.FileLock;
import dev.berth.linux.IpNet;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The reference host-local's on-disk store, byte for byte, so both plugins can share a directory:
 * {@code <dataDir>/<network>/<ip>} holds {@code <containerID>\r\n<ifname>}, {@code last_reserved_ip.<n>}
 * the last address handed out from range set n, and {@code lock} is {@code flock}ed around every change.
 */
public final class DiskStore implements Store {
    public static final Path DEFAULT_DATA_DIR = Path.of("/var/lib/cni/networks");
    static final String LAST_RESERVED_PREFIX = "last_reserved_ip.";
    static final String LINE_BREAK = "\r\n";
    static final String LOCK_FILE = "lock";

    private final Path dir;

    private DiskStore(Path dir) {
        this.dir = dir;
    }

    /** The store of {@code network} under {@code dataDir}, creating its directory (0755) if needed. */
    public static DiskStore open(Path dataDir, String network) {
        var dir = dataDir.resolve(network);
        try {
            if (!Files.isDirectory(dir)) {
                Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create host-local data directory " + dir, e);
        }
        return new DiskStore(dir);
    }

    public Path directory() {
        return dir;
    }

    @Override
    public FileLock lock() {
        return FileLock.exclusive(dir.resolve(LOCK_FILE));
    }

    /** What a reservation file holds; the reference writes no trailing newline. */
    static String content(Attachment attachment) {
        return attachment.containerId() + LINE_BREAK + attachment.ifName();
    }

    @Override
    public boolean reserve(Attachment attachment, InetAddress address, int rangeSetIndex) {
        var file = dir.resolve(IpNet.format(address));
        try {
            Files.writeString(file, content(attachment), StandardCharsets.UTF_8, StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE);
        } catch (FileAlreadyExistsException e) {
            return false;
        } catch (IOException e) {
            deleteQuietly(file);
            throw new UncheckedIOException("cannot reserve " + IpNet.format(address) + " in " + dir, e);
        }
        try {
            Files.writeString(dir.resolve(LAST_RESERVED_PREFIX + rangeSetIndex), IpNet.format(address));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot record last reserved address in " + dir, e);
        }
        return true;
    }

    @Override
    public Optional<InetAddress> lastReserved(int rangeSetIndex) {
        try {
            var text = Files.readString(dir.resolve(LAST_RESERVED_PREFIX + rangeSetIndex)).strip();
            return Optional.of(IpNet.parseAddress(text));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException | IllegalArgumentException e) {
            // A damaged record only costs round-robin order once, as in the reference.
            return Optional.empty();
        }
    }

    @Override
    public List<InetAddress> findByAttachment(Attachment attachment) {
        var found = new ArrayList<InetAddress>();
        reservations().forEach((address, holder) -> {
            if (holds(holder, attachment)) {
                found.add(address);
            }
        });
        return found;
    }

    private static boolean holds(Attachment holder, Attachment attachment) {
        return holder.containerId().equals(attachment.containerId())
                && (holder.ifName().equals(attachment.ifName()) || holder.ifName().isEmpty());
    }

    @Override
    public void releaseByAttachment(Attachment attachment) {
        var exact = new ArrayList<InetAddress>();
        var legacy = new ArrayList<InetAddress>();
        reservations().forEach((address, holder) -> {
            if (holder.equals(attachment)) {
                exact.add(address);
            } else if (holds(holder, attachment)) {
                legacy.add(address);
            }
        });
        // As the reference: records of the id alone are released only when no exact record exists.
        (exact.isEmpty() ? legacy : exact).forEach(this::release);
    }

    @Override
    public Map<InetAddress, Attachment> reservations() {
        var result = new LinkedHashMap<InetAddress, Attachment>();
        try (var files = Files.list(dir)) {
            for (var file : files.sorted().toList()) {
                var name = file.getFileName().toString();
                if (name.equals(LOCK_FILE) || name.startsWith(LAST_RESERVED_PREFIX) || !Files.isRegularFile(file)) {
                    continue;
                }
                InetAddress address;
                try {
                    address = IpNet.parseAddress(name);
                } catch (IllegalArgumentException e) {
                    continue;
                }
                String text;
                try {
                    text = Files.readString(file, StandardCharsets.UTF_8).strip();
                } catch (NoSuchFileException e) {
                    continue;
                }
                int breakAt = text.indexOf(LINE_BREAK);
                result.put(address, breakAt < 0 ? new Attachment(text, "")
                        : new Attachment(text.substring(0, breakAt), text.substring(breakAt + LINE_BREAK.length())));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list host-local data directory " + dir, e);
        }
        return result;
    }

    @Override
    public void release(InetAddress address) {
        try {
            Files.deleteIfExists(dir.resolve(IpNet.format(address)));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot release " + IpNet.format(address) + " in " + dir, e);
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // The reservation failed already; that error is the one to report.
        }
    }
}
