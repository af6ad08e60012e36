package dev.berth.cni.ipam.hostlocal;

import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where host-local records which address belongs to which attachment. Every call but {@link #lock()}
 * expects the caller to hold the lock, so a whole ADD or DEL is one critical section.
 */
public interface Store {
    /** Takes the store's exclusive lock, across processes; closing releases it. */
    AutoCloseable lock();

    /** Records {@code address} for the attachment; false when it is already taken. */
    boolean reserve(Attachment attachment, InetAddress address, int rangeSetIndex);

    /** The address last reserved from the range set, if recorded. */
    Optional<InetAddress> lastReserved(int rangeSetIndex);

    /** Addresses held by the attachment (including legacy records of its container id alone). */
    List<InetAddress> findByAttachment(Attachment attachment);

    /** Releases every address held by the attachment (or, failing that, by its container id alone). */
    void releaseByAttachment(Attachment attachment);

    /** Every reserved address and its holder. */
    Map<InetAddress, Attachment> reservations();

    /** Releases one address. */
    void release(InetAddress address);
}
