/**
 * UDP conntrack cleanup as kube-proxy's conntrack reconciler does it: after a sync, flows to a UDP Service's
 * addresses or node ports whose reply does not come from a serving endpoint are deleted, so a client is not stuck
 * on a removed endpoint or on the blackhole of a Service that had none. {@link dev.berth.proxy.conntrack.StaleFlows}
 * decides (a pure function), {@link dev.berth.proxy.conntrack.Conntrack} runs the {@code conntrack} tool.
 */
package dev.berth.proxy.conntrack;
