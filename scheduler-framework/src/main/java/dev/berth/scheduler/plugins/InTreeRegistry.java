package dev.berth.scheduler.plugins;

import dev.berth.scheduler.framework.PluginFactory;
import dev.berth.scheduler.plugins.defaultbinder.DefaultBinder;
import dev.berth.scheduler.plugins.imagelocality.ImageLocality;
import dev.berth.scheduler.plugins.nodeaffinity.NodeAffinity;
import dev.berth.scheduler.plugins.nodename.NodeName;
import dev.berth.scheduler.plugins.nodeports.NodePorts;
import dev.berth.scheduler.plugins.noderesources.BalancedAllocation;
import dev.berth.scheduler.plugins.noderesources.Fit;
import dev.berth.scheduler.plugins.nodeunschedulable.NodeUnschedulable;
import dev.berth.scheduler.plugins.queuesort.PrioritySort;
import dev.berth.scheduler.plugins.tainttoleration.TaintToleration;

import java.util.List;

/** The plugins that ship with Berth, under kube-scheduler's names. */
public final class InTreeRegistry {
    private InTreeRegistry() {}

    public static List<PluginFactory<?>> factories() {
        return List.of(
                PrioritySort.factory(),
                NodeUnschedulable.factory(),
                NodeName.factory(),
                TaintToleration.factory(),
                NodeAffinity.factory(),
                NodePorts.factory(),
                Fit.factory(),
                BalancedAllocation.factory(),
                ImageLocality.factory(),
                DefaultBinder.factory());
    }
}
