package dev.berth.scheduler.framework.runtime;

import dev.berth.scheduler.framework.PluginFactory;
import dev.berth.scheduler.plugins.InTreeRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Every plugin the scheduler can enable, by name: Berth's in-tree plugins, then the {@link PluginFactory}
 * services visible to the scheduler's class loader, then the services of each {@code *.jar} in the
 * {@code --plugin-dir} directories. Each such jar gets its own {@link URLClassLoader} whose parent is the
 * scheduler's loader, so a plugin sees the SPI and the model but not the other plugin jars. Two factories
 * with the same name are an error that names both origins.
 */
public final class PluginRegistry {
    private static final Logger LOG = LoggerFactory.getLogger(PluginRegistry.class);

    private final Map<String, PluginFactory<?>> factories;
    private final Map<String, String> sources;

    private PluginRegistry(Map<String, PluginFactory<?>> factories, Map<String, String> sources) {
        this.factories = Collections.unmodifiableMap(factories);
        this.sources = Collections.unmodifiableMap(sources);
    }

    /** In-tree plugins, class-path services and plugin jars, the class path being this class's loader. */
    public static PluginRegistry load(List<Path> pluginDirs) {
        return load(pluginDirs, PluginRegistry.class.getClassLoader());
    }

    /**
     * In-tree plugins, the services visible to {@code loader}, and the jars in {@code pluginDirs}, each
     * loaded by a new {@link URLClassLoader} with {@code loader} as parent.
     *
     * @throws IllegalStateException naming every problem found: a missing directory, an unreadable jar,
     *                               a provider that cannot be instantiated, a duplicate name
     */
    public static PluginRegistry load(List<Path> pluginDirs, ClassLoader loader) {
        var builder = new Builder();
        for (PluginFactory<?> f : InTreeRegistry.factories()) {
            builder.add(f, "in-tree");
        }
        try {
            // Only providers whose class the scheduler's loader itself defines count as class-path plugins.
            services(loader).stream()
                    .forEach(p -> builder.add(p.get(), "class path (" + location(p.type()) + ")"));
        } catch (ServiceConfigurationError e) {
            builder.problems.add("class path: cannot load a PluginFactory service: " + e.getMessage());
        }
        for (Path dir : pluginDirs) {
            builder.addDirectory(dir, loader);
        }
        return builder.build();
    }

    /** Exactly these factories (for tests and embedders); the same duplicate rule applies. */
    public static PluginRegistry of(Collection<? extends PluginFactory<?>> factories) {
        var builder = new Builder();
        for (PluginFactory<?> f : factories) {
            builder.add(f, "given " + f.getClass().getName());
        }
        return builder.build();
    }

    /** The factory registered under {@code name}. */
    public Optional<PluginFactory<?>> factory(String name) {
        return Optional.ofNullable(factories.get(name));
    }

    /** Every registered name, in-tree first, in registration order. */
    public Set<String> names() {
        return factories.keySet();
    }

    /** Where the plugin came from ("in-tree", a class-path location or a jar path), for logs and errors. */
    public Optional<String> source(String name) {
        return Optional.ofNullable(sources.get(name));
    }

    @Override
    public String toString() {
        return "PluginRegistry" + factories.keySet();
    }

    /** The services are generic; ServiceLoader only knows the raw interface. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    private static ServiceLoader<PluginFactory<?>> services(ClassLoader loader) {
        return (ServiceLoader) ServiceLoader.load(PluginFactory.class, loader);
    }

    private static String location(Class<?> type) {
        CodeSource cs = type.getProtectionDomain().getCodeSource();
        return cs == null || cs.getLocation() == null ? type.getName() : cs.getLocation().toString();
    }

    private static final class Builder {
        private final Map<String, PluginFactory<?>> factories = new LinkedHashMap<>();
        private final Map<String, String> sources = new LinkedHashMap<>();
        private final List<String> problems = new ArrayList<>();

        boolean add(PluginFactory<?> factory, String source) {
            String name = factory.name();
            if (name == null || name.isBlank()) {
                problems.add(source + ": factory " + factory.getClass().getName() + " has no name");
                return false;
            }
            String previous = sources.putIfAbsent(name, source);
            if (previous != null) {
                problems.add("plugin name \"" + name + "\" is registered twice: by " + previous + " and by " + source);
                return false;
            }
            factories.put(name, factory);
            return true;
        }

        void addDirectory(Path dir, ClassLoader parent) {
            if (!Files.isDirectory(dir)) {
                problems.add("--plugin-dir " + dir + ": not a directory");
                return;
            }
            List<Path> jars;
            try (Stream<Path> s = Files.list(dir)) {
                jars = s.filter(p -> p.getFileName().toString().endsWith(".jar") && Files.isRegularFile(p))
                        .sorted().toList();
            } catch (IOException e) {
                problems.add("--plugin-dir " + dir + ": cannot list: " + e.getMessage());
                return;
            }
            for (Path jar : jars) {
                addJar(jar, parent);
            }
        }

        // The loader is deliberately never closed: the plugin's classes are used for the scheduler's lifetime.
        @SuppressWarnings("resource")
        private void addJar(Path jar, ClassLoader parent) {
            URL url;
            try {
                url = jar.toUri().toURL();
            } catch (MalformedURLException e) {
                problems.add(jar + ": " + e.getMessage());
                return;
            }
            var jarLoader = new URLClassLoader("plugin:" + jar.getFileName(), new URL[]{url}, parent);
            int found = 0;
            int added = 0;
            try {
                // The jar's loader also sees its parent's services; keep only the classes the jar defines.
                for (var provider : services(jarLoader).stream().toList()) {
                    if (provider.type().getClassLoader() != jarLoader) {
                        continue;
                    }
                    found++;
                    if (add(provider.get(), jar.toString())) {
                        added++;
                    }
                }
            } catch (ServiceConfigurationError e) {
                problems.add(jar + ": cannot load a PluginFactory service: " + e.getMessage());
                return;
            }
            if (found == 0) {
                LOG.warn("plugin jar {} declares no {} service (META-INF/services/{}); ignored",
                        jar, PluginFactory.class.getSimpleName(), PluginFactory.class.getName());
            } else if (added > 0) {
                LOG.info("loaded {} plugin factory(ies) from {}", added, jar);
            }
        }

        PluginRegistry build() {
            if (!problems.isEmpty()) {
                throw new IllegalStateException(problems.size() == 1 ? problems.getFirst()
                        : "plugin registry:\n  " + String.join("\n  ", problems));
            }
            return new PluginRegistry(factories, sources);
        }
    }
}
