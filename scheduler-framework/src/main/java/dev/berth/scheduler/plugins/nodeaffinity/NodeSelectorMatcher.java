package dev.berth.scheduler.plugins.nodeaffinity;

import dev.berth.scheduler.model.Node;
import dev.berth.scheduler.model.NodeSelector;
import dev.berth.scheduler.model.NodeSelectorRequirement;
import dev.berth.scheduler.model.NodeSelectorRequirement.Operator;
import dev.berth.scheduler.model.NodeSelectorTerm;
import dev.berth.scheduler.model.Pod;
import dev.berth.scheduler.model.PreferredSchedulingTerm;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A {@link NodeSelector} compiled for matching against nodes, with the semantics of Kubernetes'
 * component-helpers {@code nodeaffinity} package:
 * <ul>
 *   <li>terms are ORed; the expressions and fields inside one term are ANDed;</li>
 *   <li>a term without expressions and fields matches no node, so an empty term list matches none;</li>
 *   <li>{@code In}/{@code NotIn}/{@code Exists}/{@code DoesNotExist} test labels; {@code NotIn} also
 *       matches a node without the label; {@code Gt}/{@code Lt} compare the label value and the single
 *       requirement value as 64-bit decimal integers, and a label that is missing or not an integer does
 *       not match;</li>
 *   <li>matchFields support only {@code In}/{@code NotIn} with exactly one value; the only node field is
 *       {@code metadata.name};</li>
 *   <li>a term that fails to parse (bad label key or value, wrong number of values, a non-integer
 *       Gt/Lt bound) never matches. {@link #lazy} keeps such terms (pod specs: an invalid term simply
 *       matches nothing); {@link #strict} rejects the whole selector (scheduler configuration).</li>
 * </ul>
 * Instances are immutable and safe to share between threads.
 */
public final class NodeSelectorMatcher {
    /** The one node field matchFields may name. */
    public static final String NODE_NAME_FIELD = "metadata.name";

    private final List<Term> terms;

    private NodeSelectorMatcher(List<Term> terms) {
        this.terms = terms;
    }

    /** Compiles a selector; terms that do not parse are kept and never match. */
    public static NodeSelectorMatcher lazy(NodeSelector selector) {
        return new NodeSelectorMatcher(compileTerms(selector, "nodeSelectorTerms"));
    }

    /**
     * Compiles a selector and fails on any term that does not parse.
     *
     * @param path where the selector sits, for the error message (e.g. {@code addedAffinity.requiredDuringSchedulingIgnoredDuringExecution})
     * @throws IllegalArgumentException listing every parse error with its field path
     */
    public static NodeSelectorMatcher strict(NodeSelector selector, String path) {
        List<Term> terms = compileTerms(selector, path + ".nodeSelectorTerms");
        List<String> errors = new ArrayList<>();
        terms.forEach(t -> errors.addAll(t.errors()));
        if (!errors.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", errors));
        }
        return new NodeSelectorMatcher(terms);
    }

    /** Whether any term matches the node's labels and name. */
    public boolean matches(Node node) {
        for (Term t : terms) {
            if (t.matches(node)) {
                return true;
            }
        }
        return false;
    }

    private static List<Term> compileTerms(NodeSelector selector, String path) {
        List<Term> out = new ArrayList<>(selector.terms().size());
        for (int i = 0; i < selector.terms().size(); i++) {
            NodeSelectorTerm term = selector.terms().get(i);
            if (isEmpty(term)) {
                continue; // an empty term selects nothing, so it cannot make the OR true
            }
            out.add(compileTerm(term, path + "[" + i + "]"));
        }
        return List.copyOf(out);
    }

    static boolean isEmpty(NodeSelectorTerm term) {
        return term.matchExpressions().isEmpty() && term.matchFields().isEmpty();
    }

    /** Compiles one term; parse errors are recorded in the term, each with its field path. */
    public static Term compileTerm(NodeSelectorTerm term, String path) {
        List<String> errors = new ArrayList<>();
        List<LabelRequirement> labels = new ArrayList<>();
        for (int i = 0; i < term.matchExpressions().size(); i++) {
            LabelRequirement r = LabelRequirement.compile(term.matchExpressions().get(i),
                    path + ".matchExpressions[" + i + "]", errors);
            labels.add(r);
        }
        List<FieldRequirement> fields = new ArrayList<>();
        for (int i = 0; i < term.matchFields().size(); i++) {
            FieldRequirement f = FieldRequirement.compile(term.matchFields().get(i),
                    path + ".matchFields[" + i + "]", errors);
            if (f != null) {
                fields.add(f);
            }
        }
        return new Term(List.copyOf(labels), List.copyOf(fields), List.copyOf(errors));
    }

    /** A compiled node selector term. {@code errors} is non-empty when it did not parse; it then matches nothing. */
    public record Term(List<LabelRequirement> labels, List<FieldRequirement> fields, List<String> errors) {
        public boolean matches(Node node) {
            if (!errors.isEmpty()) {
                return false;
            }
            for (LabelRequirement r : labels) {
                if (!r.matches(node.labels())) {
                    return false;
                }
            }
            // Like upstream, field requirements are not checked against a node without a name.
            if (!node.name().isEmpty()) {
                for (FieldRequirement f : fields) {
                    if (!f.matches(node.name())) {
                        return false;
                    }
                }
            }
            return true;
        }
    }

    /** A label expression. {@code bound} is the parsed Gt/Lt value. */
    public record LabelRequirement(String key, Operator operator, Set<String> values, long bound) {
        static LabelRequirement compile(NodeSelectorRequirement r, String path, List<String> errors) {
            String keyError = LabelSyntax.qualifiedNameError(r.key());
            if (keyError != null) {
                errors.add(path + ".key: invalid value \"" + r.key() + "\": " + keyError);
            }
            List<String> values = r.values();
            long bound = 0;
            switch (r.operator()) {
                case IN, NOT_IN -> {
                    if (values.isEmpty()) {
                        errors.add(path + ".values: for 'In', 'NotIn' operators, values set can't be empty");
                    }
                }
                case EXISTS, DOES_NOT_EXIST -> {
                    if (!values.isEmpty()) {
                        errors.add(path + ".values: values set must be empty for 'Exists' and 'DoesNotExist'");
                    }
                }
                case GT, LT -> {
                    if (values.size() != 1) {
                        errors.add(path + ".values: for 'Gt', 'Lt' operators, exactly one value is required");
                    }
                    for (int i = 0; i < values.size(); i++) {
                        Long v = LabelSyntax.parseInt64(values.get(i));
                        if (v == null) {
                            errors.add(path + ".values[" + i + "]: invalid value \"" + values.get(i)
                                    + "\": for 'Gt', 'Lt' operators, the value must be an integer");
                        } else {
                            bound = v;
                        }
                    }
                }
            }
            for (int i = 0; i < values.size(); i++) {
                String valueError = LabelSyntax.labelValueError(values.get(i));
                if (valueError != null) {
                    errors.add(path + ".values[" + i + "]: invalid value \"" + values.get(i) + "\": " + valueError);
                }
            }
            return new LabelRequirement(r.key(), r.operator(), Set.copyOf(values), bound);
        }

        public boolean matches(Map<String, String> labels) {
            String actual = labels.get(key);
            return switch (operator) {
                case IN -> actual != null && values.contains(actual);
                case NOT_IN -> actual == null || !values.contains(actual);
                case EXISTS -> actual != null;
                case DOES_NOT_EXIST -> actual == null;
                case GT, LT -> {
                    Long v = actual == null ? null : LabelSyntax.parseInt64(actual);
                    if (v == null) {
                        yield false;
                    }
                    yield operator == Operator.GT ? v > bound : v < bound;
                }
            };
        }
    }

    /** A field expression: the node field {@code key} must ({@code equal}) or must not equal {@code value}. */
    public record FieldRequirement(String key, boolean equal, String value) {
        static FieldRequirement compile(NodeSelectorRequirement r, String path, List<String> errors) {
            if (r.operator() != Operator.IN && r.operator() != Operator.NOT_IN) {
                errors.add(path + ".operator: unsupported value \"" + r.operator().wire()
                        + "\": supported values: \"In\", \"NotIn\"");
                return null;
            }
            if (r.values().size() != 1) {
                errors.add(path + ".values: invalid value " + r.values() + ": must have one element");
                return null;
            }
            return new FieldRequirement(r.key(), r.operator() == Operator.IN, r.values().getFirst());
        }

        /** A field the node does not have reads as the empty string. */
        public boolean matches(String nodeName) {
            String actual = NODE_NAME_FIELD.equals(key) ? nodeName : "";
            return equal == actual.equals(value);
        }
    }

    /**
     * A pod's hard node constraints: {@code spec.nodeSelector} (every pair must be a node label) AND
     * the required node affinity terms (compiled lazily: an invalid term matches no node).
     */
    public static final class RequiredNodeAffinity {
        private final Map<String, String> nodeSelector;
        private final NodeSelectorMatcher affinity;

        private RequiredNodeAffinity(Map<String, String> nodeSelector, NodeSelectorMatcher affinity) {
            this.nodeSelector = nodeSelector;
            this.affinity = affinity;
        }

        public static RequiredNodeAffinity of(Pod pod) {
            var required = pod.nodeAffinity().required();
            return new RequiredNodeAffinity(pod.nodeSelector(), required == null ? null : lazy(required));
        }

        public boolean matches(Node node) {
            for (var e : nodeSelector.entrySet()) {
                if (!e.getValue().equals(node.labels().get(e.getKey()))) {
                    return false;
                }
            }
            return affinity == null || affinity.matches(node);
        }
    }

    /** Weighted preferred terms; a node's score is the sum of the weights of the terms it matches. */
    public static final class PreferredTerms {
        private record Weighted(Term term, int weight) {}

        private final List<Weighted> terms;

        private PreferredTerms(List<Weighted> terms) {
            this.terms = terms;
        }

        /**
         * Compiles the terms, skipping those of weight 0 and empty ones.
         *
         * @throws IllegalArgumentException listing the parse errors of the other terms, with field paths under {@code path}
         */
        public static PreferredTerms compile(List<PreferredSchedulingTerm> terms, String path) {
            List<Weighted> out = new ArrayList<>(terms.size());
            List<String> errors = new ArrayList<>();
            for (int i = 0; i < terms.size(); i++) {
                PreferredSchedulingTerm t = terms.get(i);
                if (t.weight() == 0 || t.preference() == null || isEmpty(t.preference())) {
                    continue;
                }
                Term term = compileTerm(t.preference(), path + "[" + i + "].preference");
                if (term.errors().isEmpty()) {
                    out.add(new Weighted(term, t.weight()));
                } else {
                    errors.addAll(term.errors());
                }
            }
            if (!errors.isEmpty()) {
                throw new IllegalArgumentException(String.join("; ", errors));
            }
            return new PreferredTerms(List.copyOf(out));
        }

        public long score(Node node) {
            long score = 0;
            for (Weighted w : terms) {
                if (w.term().matches(node)) {
                    score += w.weight();
                }
            }
            return score;
        }
    }

    /** Kubernetes' syntax rules for label keys and values, and Go's base-10 int64 parsing. */
    static final class LabelSyntax {
        private static final int NAME_MAX = 63;
        private static final int DNS1123_SUBDOMAIN_MAX = 253;
        private static final Pattern NAME = Pattern.compile("([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]");
        private static final Pattern VALUE = Pattern.compile("(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?");
        private static final Pattern DNS1123_SUBDOMAIN =
                Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
        private static final Pattern INT64 = Pattern.compile("[+-]?[0-9]+");

        private LabelSyntax() {}

        /** Why {@code key} is not a valid qualified name ({@code [prefix/]name}), or null when it is. */
        static String qualifiedNameError(String key) {
            List<String> errors = new ArrayList<>();
            String[] parts = key.split("/", -1);
            String name;
            if (parts.length == 1) {
                name = parts[0];
            } else if (parts.length == 2) {
                String prefix = parts[0];
                name = parts[1];
                if (prefix.isEmpty()) {
                    errors.add("prefix part must be non-empty");
                } else if (prefix.length() > DNS1123_SUBDOMAIN_MAX || !DNS1123_SUBDOMAIN.matcher(prefix).matches()) {
                    errors.add("prefix part must be a lowercase RFC 1123 subdomain of at most 253 characters");
                }
            } else {
                return "a qualified name has at most one '/', between an optional DNS subdomain prefix and a name";
            }
            if (name.isEmpty()) {
                errors.add("name part must be non-empty");
            } else if (name.length() > NAME_MAX) {
                errors.add("name part must be no more than 63 characters");
            }
            if (!NAME.matcher(name).matches()) {
                errors.add("name part must consist of alphanumeric characters, '-', '_' or '.', "
                        + "and must start and end with an alphanumeric character");
            }
            return errors.isEmpty() ? null : String.join(", ", errors);
        }

        /** Why {@code value} is not a valid label value, or null when it is (the empty value is valid). */
        static String labelValueError(String value) {
            List<String> errors = new ArrayList<>();
            if (value.length() > NAME_MAX) {
                errors.add("must be no more than 63 characters");
            }
            if (!VALUE.matcher(value).matches()) {
                errors.add("a valid label must be an empty string or consist of alphanumeric characters, "
                        + "'-', '_' or '.', and must start and end with an alphanumeric character");
            }
            return errors.isEmpty() ? null : String.join(", ", errors);
        }

        /** The value as Go's {@code strconv.ParseInt(s, 10, 64)} reads it: ASCII digits, optional sign; null if invalid or out of range. */
        static Long parseInt64(String s) {
            if (!INT64.matcher(s).matches()) {
                return null;
            }
            try {
                return Long.parseLong(s);
            } catch (NumberFormatException e) {
                return null;
            }
        }
    }
}
