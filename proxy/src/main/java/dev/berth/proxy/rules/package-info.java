/**
 * Rule generation: {@link dev.berth.proxy.rules.RuleGenerator#generate} turns a {@link dev.berth.proxy.rules.ProxyState}
 * and a {@link dev.berth.proxy.rules.NodeConfig} into {@code iptables-restore --noflush} input for the filter and
 * nat tables, in kube-proxy's iptables-mode chain layout. Nothing here touches the kernel. A
 * {@link dev.berth.proxy.rules.RuleCache} carries per-Service results from one generation to the next, so a partial
 * generation costs what changed.
 */
package dev.berth.proxy.rules;
