package dev.berth.proxy.model;

/** The IP family one proxier instance serves; a dual-stack node runs one per family. */
public enum IpFamily {
    IPV4, IPV6
}
