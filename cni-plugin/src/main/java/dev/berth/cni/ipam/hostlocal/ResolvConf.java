package dev.berth.cni.ipam.hostlocal;

import dev.berth.cni.types.Dns;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;

/** Reads the DNS settings host-local returns from a resolv.conf-style file. */
final class ResolvConf {
    private ResolvConf() {}

    static Dns read(Path file) {
        var nameservers = new ArrayList<String>();
        var search = new ArrayList<String>();
        var options = new ArrayList<String>();
        String domain = "";
        try {
            for (var line : Files.readAllLines(file)) {
                var fields = line.strip().split("\\s+");
                if (fields.length < 2 || fields[0].startsWith("#") || fields[0].startsWith(";")) {
                    continue;
                }
                var values = Arrays.asList(fields).subList(1, fields.length);
                switch (fields[0]) {
                    case "nameserver" -> nameservers.add(fields[1]);
                    case "domain" -> domain = fields[1];
                    case "search" -> search.addAll(values);
                    case "options" -> options.addAll(values);
                    default -> { }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read resolvConf " + file, e);
        }
        return new Dns(nameservers, domain, search, options);
    }
}
