package dev.berth.bench.sidebyside;

import com.fasterxml.jackson.databind.JsonNode;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Checks where pods landed, from the API objects alone: every bound pod's node exists, its NoSchedule
 * and NoExecute taints are tolerated, the nodeSelector and required node affinity match, and per node
 * the summed requests fit allocatable and the pod count fits {@code pods}. Written independently of
 * the scheduler's plugins so that a bug there cannot hide here.
 */
final class PlacementChecker {
    /** One broken rule: which pod (or node, for capacity) and why. */
    record Violation(String subject, String rule, String detail) {
        @Override
        public String toString() {
            return subject + ": " + rule + ": " + detail;
        }
    }

    /** Outcome of a check: how many pods were bound, how many not, and every violation. */
    record Report(int bound, int unbound, List<Violation> violations) {}

    private PlacementChecker() {}

    static Report check(List<JsonNode> nodes, List<JsonNode> pods) {
        Map<String, JsonNode> byName = new HashMap<>();
        nodes.forEach(n -> byName.put(n.path("metadata").path("name").asText(), n));
        List<Violation> violations = new ArrayList<>();
        Map<String, Map<String, BigDecimal>> used = new TreeMap<>();
        Map<String, Integer> podCount = new HashMap<>();
        int bound = 0, unbound = 0;
        for (JsonNode pod : pods) {
            String podName = pod.path("metadata").path("namespace").asText() + "/" + pod.path("metadata").path("name").asText();
            String nodeName = pod.path("spec").path("nodeName").asText("");
            if (nodeName.isEmpty()) {
                unbound++;
                continue;
            }
            bound++;
            JsonNode node = byName.get(nodeName);
            if (node == null) {
                violations.add(new Violation(podName, "node", "bound to " + nodeName + ", which does not exist"));
                continue;
            }
            checkTaints(podName, pod, node, violations);
            checkSelector(podName, pod, node, violations);
            checkAffinity(podName, pod, node, violations);
            Map<String, BigDecimal> sum = used.computeIfAbsent(nodeName, k -> new HashMap<>());
            requests(pod).forEach((r, q) -> sum.merge(r, q, BigDecimal::add));
            podCount.merge(nodeName, 1, Integer::sum);
        }
        for (var e : used.entrySet()) {
            JsonNode alloc = byName.get(e.getKey()).path("status").path("allocatable");
            for (var r : e.getValue().entrySet()) {
                BigDecimal have = alloc.has(r.getKey()) ? Quantities.parse(alloc.get(r.getKey()).asText()) : BigDecimal.ZERO;
                if (r.getValue().compareTo(have) > 0) {
                    violations.add(new Violation(e.getKey(), "capacity", r.getKey() + " requested " + r.getValue().toPlainString()
                            + " > allocatable " + have.toPlainString()));
                }
            }
            BigDecimal maxPods = Quantities.parse(alloc.path("pods").asText("0"));
            if (BigDecimal.valueOf(podCount.get(e.getKey())).compareTo(maxPods) > 0) {
                violations.add(new Violation(e.getKey(), "capacity", podCount.get(e.getKey()) + " pods > allocatable pods " + maxPods));
            }
        }
        return new Report(bound, unbound, violations);
    }

    private static void checkTaints(String podName, JsonNode pod, JsonNode node, List<Violation> out) {
        for (JsonNode taint : node.path("spec").path("taints")) {
            String effect = taint.path("effect").asText();
            if (!effect.equals("NoSchedule") && !effect.equals("NoExecute")) {
                continue;
            }
            boolean tolerated = false;
            for (JsonNode tol : pod.path("spec").path("tolerations")) {
                tolerated |= tolerates(tol, taint);
            }
            if (!tolerated) {
                out.add(new Violation(podName, "taint", "node " + name(node) + " has untolerated taint "
                        + taint.path("key").asText() + "=" + taint.path("value").asText() + ":" + effect));
            }
        }
    }

    static boolean tolerates(JsonNode tol, JsonNode taint) {
        String effect = tol.path("effect").asText("");
        if (!effect.isEmpty() && !effect.equals(taint.path("effect").asText())) {
            return false;
        }
        String key = tol.path("key").asText("");
        String op = tol.path("operator").asText("Equal");
        if (key.isEmpty()) {
            return op.equals("Exists");
        }
        if (!key.equals(taint.path("key").asText())) {
            return false;
        }
        return switch (op) {
            case "Exists" -> true;
            case "Equal", "" -> tol.path("value").asText("").equals(taint.path("value").asText(""));
            default -> false;
        };
    }

    private static void checkSelector(String podName, JsonNode pod, JsonNode node, List<Violation> out) {
        JsonNode labels = node.path("metadata").path("labels");
        pod.path("spec").path("nodeSelector").properties().forEach(e -> {
            if (!e.getValue().asText().equals(labels.path(e.getKey()).asText(null))) {
                out.add(new Violation(podName, "nodeSelector", e.getKey() + "=" + e.getValue().asText()
                        + " does not match node " + name(node)));
            }
        });
    }

    private static void checkAffinity(String podName, JsonNode pod, JsonNode node, List<Violation> out) {
        JsonNode required = pod.path("spec").path("affinity").path("nodeAffinity")
                .path("requiredDuringSchedulingIgnoredDuringExecution");
        if (required.isMissingNode()) {
            return;
        }
        boolean any = false;
        for (JsonNode term : required.path("nodeSelectorTerms")) {
            any |= termMatches(term, node);
        }
        if (!any) {
            out.add(new Violation(podName, "nodeAffinity", "no required term matches node " + name(node)));
        }
    }

    /** A term matches when all its expressions do; a term with none matches nothing, as upstream has it. */
    static boolean termMatches(JsonNode term, JsonNode node) {
        JsonNode exprs = term.path("matchExpressions"), fields = term.path("matchFields");
        if (exprs.isEmpty() && fields.isEmpty()) {
            return false;
        }
        JsonNode labels = node.path("metadata").path("labels");
        for (JsonNode r : exprs) {
            if (!requirementMatches(r, labels.has(r.path("key").asText()) ? labels.get(r.path("key").asText()).asText() : null)) {
                return false;
            }
        }
        for (JsonNode r : fields) {
            String value = r.path("key").asText().equals("metadata.name") ? name(node) : null;
            if (!requirementMatches(r, value)) {
                return false;
            }
        }
        return true;
    }

    private static boolean requirementMatches(JsonNode r, String value) {
        List<String> values = new ArrayList<>();
        r.path("values").forEach(v -> values.add(v.asText()));
        return switch (r.path("operator").asText()) {
            case "In" -> value != null && values.contains(value);
            case "NotIn" -> value == null || !values.contains(value);
            case "Exists" -> value != null;
            case "DoesNotExist" -> value == null;
            case "Gt", "Lt" -> {
                if (value == null || values.size() != 1) {
                    yield false;
                }
                try {
                    long have = Long.parseLong(value), want = Long.parseLong(values.getFirst());
                    yield r.path("operator").asText().equals("Gt") ? have > want : have < want;
                } catch (NumberFormatException e) {
                    yield false;
                }
            }
            default -> false;
        };
    }

    /** A pod's effective requests: the larger of the containers' sum and any init container, plus overhead. */
    static Map<String, BigDecimal> requests(JsonNode pod) {
        Map<String, BigDecimal> sum = new HashMap<>();
        for (JsonNode c : pod.path("spec").path("containers")) {
            c.path("resources").path("requests").properties()
                    .forEach(e -> sum.merge(e.getKey(), Quantities.parse(e.getValue().asText()), BigDecimal::add));
        }
        for (JsonNode c : pod.path("spec").path("initContainers")) {
            c.path("resources").path("requests").properties()
                    .forEach(e -> sum.merge(e.getKey(), Quantities.parse(e.getValue().asText()), BigDecimal::max));
        }
        pod.path("spec").path("overhead").properties()
                .forEach(e -> sum.merge(e.getKey(), Quantities.parse(e.getValue().asText()), BigDecimal::add));
        return sum;
    }

    private static String name(JsonNode node) {
        return node.path("metadata").path("name").asText();
    }

    /** Kubernetes quantities ({@code 500m}, {@code 1Gi}, {@code 2k}, {@code 1e3}) as exact decimals. */
    static final class Quantities {
        private static final Map<String, BigDecimal> SUFFIX = Map.ofEntries(
                Map.entry("n", new BigDecimal("1e-9")), Map.entry("u", new BigDecimal("1e-6")),
                Map.entry("m", new BigDecimal("1e-3")), Map.entry("", BigDecimal.ONE),
                Map.entry("k", new BigDecimal("1e3")), Map.entry("M", new BigDecimal("1e6")),
                Map.entry("G", new BigDecimal("1e9")), Map.entry("T", new BigDecimal("1e12")),
                Map.entry("P", new BigDecimal("1e15")), Map.entry("E", new BigDecimal("1e18")),
                Map.entry("Ki", BigDecimal.valueOf(1L << 10)), Map.entry("Mi", BigDecimal.valueOf(1L << 20)),
                Map.entry("Gi", BigDecimal.valueOf(1L << 30)), Map.entry("Ti", BigDecimal.valueOf(1L << 40)),
                Map.entry("Pi", BigDecimal.valueOf(1L << 50)), Map.entry("Ei", BigDecimal.valueOf(1L << 60)));

        private Quantities() {}

        static BigDecimal parse(String q) {
            String s = q.strip();
            int i = 0;
            while (i < s.length() && (Character.isDigit(s.charAt(i)) || s.charAt(i) == '.' || s.charAt(i) == '+' || s.charAt(i) == '-')) {
                i++;
            }
            String number = s.substring(0, i), suffix = s.substring(i);
            if (number.isEmpty()) {
                throw new IllegalArgumentException("quantity '" + q + "': no number");
            }
            if (suffix.matches("[eE][+-]?[0-9]+")) {
                return new BigDecimal(number + suffix);
            }
            BigDecimal mult = SUFFIX.get(suffix);
            if (mult == null) {
                throw new IllegalArgumentException("quantity '" + q + "': unknown suffix '" + suffix + "'");
            }
            return new BigDecimal(number).multiply(mult).setScale(9, RoundingMode.UNNECESSARY).stripTrailingZeros();
        }
    }
}
