package dev.berth.proxy.model;

/**
 * One entry of {@code status.loadBalancer.ingress}.
 *
 * @param ip     the ingress IP, empty for hostname-only ingress
 * @param ipMode {@code VIP}, {@code Proxy}, or empty (meaning VIP)
 */
public record LoadBalancerIngress(String ip, String ipMode) {
    public LoadBalancerIngress {
        ip = ip == null ? "" : ip;
        ipMode = ipMode == null ? "" : ipMode;
    }

    public static LoadBalancerIngress vip(String ip) {
        return new LoadBalancerIngress(ip, "");
    }

    /** A Proxy-mode load balancer terminates traffic itself, so the node must not capture its IP. */
    public boolean isVip() {
        return !ipMode.equals("Proxy");
    }
}
