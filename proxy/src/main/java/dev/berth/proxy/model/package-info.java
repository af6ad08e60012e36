/**
 * The part of the Kubernetes API berth-proxy reads, as immutable values: {@link dev.berth.proxy.model.Service}s,
 * {@link dev.berth.proxy.model.EndpointSlice}s and the {@link dev.berth.proxy.model.ServicePortName} that joins them.
 * {@link dev.berth.proxy.model.KubeReader} builds them from API JSON of any version the proxy understands.
 */
package dev.berth.proxy.model;
