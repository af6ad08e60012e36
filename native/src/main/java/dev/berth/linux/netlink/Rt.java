package dev.berth.linux.netlink;

/** Numbers from linux/netlink.h, rtnetlink.h, if_link.h, if_addr.h and veth.h that this package uses. */
final class Rt {
    private Rt() {}

    // nlmsghdr types and flags
    static final int NLMSG_NOOP = 1;
    static final int NLMSG_ERROR = 2;
    static final int NLMSG_DONE = 3;
    static final int NLMSG_OVERRUN = 4;
    static final int NLM_F_REQUEST = 0x1;
    static final int NLM_F_MULTI = 0x2;
    static final int NLM_F_ACK = 0x4;
    static final int NLM_F_DUMP_INTR = 0x10;
    static final int NLM_F_DUMP = 0x300;
    static final int NLM_F_EXCL = 0x200;
    static final int NLM_F_CREATE = 0x400;
    static final int NLM_F_CAPPED = 0x100;
    static final int NLM_F_ACK_TLVS = 0x200;
    static final int NETLINK_CAP_ACK = 10;
    static final int NETLINK_EXT_ACK = 11;
    static final int NLMSGERR_ATTR_MSG = 1;
    static final int NLA_F_NESTED = 0x8000;
    static final int NLA_TYPE_MASK = 0x3fff;
    static final int NLMSG_HDRLEN = 16;

    // rtnetlink message types
    static final int RTM_NEWLINK = 16;
    static final int RTM_DELLINK = 17;
    static final int RTM_GETLINK = 18;
    static final int RTM_SETLINK = 19;
    static final int RTM_NEWADDR = 20;
    static final int RTM_DELADDR = 21;
    static final int RTM_GETADDR = 22;
    static final int RTM_NEWROUTE = 24;
    static final int RTM_DELROUTE = 25;
    static final int RTM_GETROUTE = 26;

    // struct sizes
    static final int IFINFOMSG_LEN = 16;
    static final int IFADDRMSG_LEN = 8;
    static final int RTMSG_LEN = 12;

    // interface flags
    static final int IFF_UP = 0x1;
    static final int IFF_PROMISC = 0x100;

    // IFLA_*
    static final int IFLA_ADDRESS = 1;
    static final int IFLA_IFNAME = 3;
    static final int IFLA_MTU = 4;
    static final int IFLA_LINK = 5;
    static final int IFLA_MASTER = 10;
    static final int IFLA_PROTINFO = 12;
    static final int IFLA_OPERSTATE = 16;
    static final int IFLA_LINKINFO = 18;
    static final int IFLA_AF_SPEC = 26;
    static final int IFLA_NET_NS_FD = 28;
    static final int IFLA_EXT_MASK = 29;
    static final int RTEXT_FILTER_BRVLAN = 1 << 1;
    static final int IFLA_INFO_KIND = 1;
    static final int IFLA_INFO_DATA = 2;
    static final int IFLA_INFO_SLAVE_KIND = 4;
    static final int IFLA_INFO_SLAVE_DATA = 5;
    static final int VETH_INFO_PEER = 1;
    static final int IFLA_BRPORT_MODE = 4;
    static final int IFLA_BRPORT_ISOLATED = 33;
    static final int IFLA_BR_VLAN_FILTERING = 7;

    // linux/if_bridge.h: IFLA_AF_SPEC contents for AF_BRIDGE
    static final int IFLA_BRIDGE_FLAGS = 0;
    static final int IFLA_BRIDGE_VLAN_INFO = 2;
    static final int BRIDGE_FLAGS_MASTER = 1;
    static final int BRIDGE_FLAGS_SELF = 2;
    static final int BRIDGE_VLAN_INFO_PVID = 1 << 1;
    static final int BRIDGE_VLAN_INFO_UNTAGGED = 1 << 2;
    static final int BRIDGE_VLAN_INFO_LEN = 4;

    // IFA_*
    static final int IFA_ADDRESS = 1;
    static final int IFA_LOCAL = 2;
    static final int IFA_BROADCAST = 4;
    static final int IFA_FLAGS = 8;

    // RTA_*
    static final int RTA_DST = 1;
    static final int RTA_OIF = 4;
    static final int RTA_GATEWAY = 5;
    static final int RTA_PRIORITY = 6;
    static final int RTA_TABLE = 15;
    static final int RT_SCOPE_NOWHERE = 255;

    static String typeName(int type) {
        return switch (type) {
            case RTM_NEWLINK -> "RTM_NEWLINK";
            case RTM_DELLINK -> "RTM_DELLINK";
            case RTM_GETLINK -> "RTM_GETLINK";
            case RTM_SETLINK -> "RTM_SETLINK";
            case RTM_NEWADDR -> "RTM_NEWADDR";
            case RTM_DELADDR -> "RTM_DELADDR";
            case RTM_GETADDR -> "RTM_GETADDR";
            case RTM_NEWROUTE -> "RTM_NEWROUTE";
            case RTM_DELROUTE -> "RTM_DELROUTE";
            case RTM_GETROUTE -> "RTM_GETROUTE";
            default -> "type " + type;
        };
    }
}
