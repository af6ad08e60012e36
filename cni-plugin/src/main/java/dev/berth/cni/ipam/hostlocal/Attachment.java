package dev.berth.cni.ipam.hostlocal;

/**
 * Who holds an address: the container id and interface name of one CNI attachment. Files written before
 * the reference recorded interface names hold only the id; their {@code ifName} is empty.
 */
public record Attachment(String containerId, String ifName) {
    public Attachment {
        containerId = containerId.strip();
        ifName = ifName == null ? "" : ifName;
    }
}
