package dev.berth.scheduler.plugins.nodeaffinity;

/**
 * The NodeAffinity plugin's args ({@code NodeAffinityArgs} in a KubeSchedulerConfiguration).
 *
 * @param addedAffinity node affinity the scheduler applies to every pod of the profile, or null: its
 *                      required terms must hold in addition to the pod's own, and its preferred terms
 *                      add to the pod's in scoring
 */
public record NodeAffinityArgs(dev.berth.scheduler.model.NodeAffinity addedAffinity) {}
