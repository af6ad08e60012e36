package dev.berth.cni.types;

import java.util.List;

/** The CNI spec versions, their result formats and libcni's version comparison. */
public final class CniVersions {
    /** The spec version this implementation follows. */
    public static final String CURRENT = "1.1.0";
    /** Every version whose configs and results Berth reads and writes. */
    public static final List<String> ALL = List.of("0.1.0", "0.2.0", "0.3.0", "0.3.1", "0.4.0", "1.0.0", "1.1.0");

    /** The three result layouts the versions use. */
    public enum ResultFormat {
        /** 0.1.0, 0.2.0: {@code ip4} / {@code ip6} objects. */
        V020,
        /** 0.3.0, 0.3.1, 0.4.0: {@code interfaces} and {@code ips} with a {@code version} field. */
        V040,
        /** 1.0.0, 1.1.0: as 0.4.0 without {@code version}; DNS omitted when empty. */
        V100
    }

    private CniVersions() {}

    /** The result layout of {@code version}; the empty string means 0.1.0. */
    public static ResultFormat format(String version) {
        return switch (version) {
            case "", "0.1.0", "0.2.0" -> ResultFormat.V020;
            case "0.3.0", "0.3.1", "0.4.0" -> ResultFormat.V040;
            case "1.0.0", "1.1.0" -> ResultFormat.V100;
            default -> throw new CniException(CniException.INCOMPATIBLE_CNI_VERSION,
                    "unsupported CNI result version \"" + version + "\"");
        };
    }

    /** Whether {@code a >= b}, comparing up to three numeric parts as libcni does. */
    public static boolean atLeast(String a, String b) {
        var left = parse(a);
        var right = parse(b);
        for (int i = 0; i < 3; i++) {
            if (left[i] != right[i]) {
                return left[i] > right[i];
            }
        }
        return true;
    }

    private static int[] parse(String version) {
        var parts = version.split("\\.", -1);
        if (parts.length >= 4) {
            throw new CniException(CniException.DECODING_FAILURE, "invalid version \"" + version + "\": too many parts");
        }
        var numbers = new int[3];
        var names = List.of("major", "minor", "micro");
        for (int i = 0; i < parts.length; i++) {
            try {
                numbers[i] = Integer.parseInt(parts[i]);
            } catch (NumberFormatException e) {
                throw new CniException(CniException.DECODING_FAILURE,
                        "failed to convert " + names.get(i) + " version part \"" + parts[i] + "\"");
            }
        }
        return numbers;
    }
}
