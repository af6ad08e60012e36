package dev.berth.linux;

/**
 * The kernel answered a netlink request with an error. {@link #operation()} names the request (kind and
 * object, e.g. {@code add link veth0 (veth)}); {@link #kernelMessage()} is the kernel's extended-ack
 * text when it sent one.
 */
public final class NetlinkException extends LinuxException {
    private final String kernelMessage;

    public NetlinkException(String operation, int errno, String kernelMessage) {
        super(operation, errno, kernelMessage);
        this.kernelMessage = kernelMessage == null ? "" : kernelMessage;
    }

    /** The kernel's own explanation (NLMSGERR_ATTR_MSG), or the empty string. */
    public String kernelMessage() {
        return kernelMessage;
    }
}
