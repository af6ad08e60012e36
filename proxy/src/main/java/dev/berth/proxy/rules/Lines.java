package dev.berth.proxy.rules;

/** A growing block of restore text, counting its lines; arguments are joined by single spaces. */
final class Lines {
    final StringBuilder text;
    int count;

    Lines(int capacity) {
        text = new StringBuilder(capacity);
    }

    /** Declares a chain (which, in restore input, also flushes it). */
    void chain(String name) {
        text.append(':').append(name).append(" - [0:0]\n");
        count++;
    }

    /** Starts {@code -A chain}; finish with {@link #end()}. */
    Lines rule(String chain) {
        text.append("-A ").append(chain);
        return this;
    }

    Lines a(String arg) {
        text.append(' ').append(arg);
        return this;
    }

    Lines a(int arg) {
        text.append(' ').append(arg);
        return this;
    }

    /** {@code -m comment --comment "text"}, quoted as kube-proxy quotes comments containing spaces. */
    Lines quotedComment(String comment) {
        text.append(" -m comment --comment \"").append(comment).append('"');
        return this;
    }

    /** {@link #quotedComment(String)} of {@code a + " -> " + b}, without building that string first. */
    Lines arrowComment(String a, String b) {
        text.append(" -m comment --comment \"").append(a).append(" -> ").append(b).append('"');
        return this;
    }

    /** {@code -m comment --comment text}, for comments without spaces, written bare as kube-proxy does. */
    Lines comment(String comment) {
        text.append(" -m comment --comment ").append(comment);
        return this;
    }

    /** {@code -m proto -p proto}. */
    Lines proto(String protocol) {
        text.append(" -m ").append(protocol).append(" -p ").append(protocol);
        return this;
    }

    void end() {
        text.append('\n');
        count++;
    }

    void clear() {
        text.setLength(0);
    }
}
