/**
 * kube-proxy's health endpoints: {@code /healthz} and {@code /livez} from the sync loop's queued and updated
 * times ({@link dev.berth.proxy.health.ProxyHealth}), and the per-Service health-check node-port servers of
 * {@code externalTrafficPolicy: Local} ({@link dev.berth.proxy.health.ServiceHealthServers}).
 */
package dev.berth.proxy.health;
