package dev.berth.cni.skel;

import dev.berth.cni.types.NetConf;

/** One invocation: the validated environment, the parsed configuration and stdin as received. */
public record Request(Command command, Environment environment, NetConf config, byte[] stdin) {}
