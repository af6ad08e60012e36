package dev.berth.scheduler.framework.runtime;

import dev.berth.scheduler.framework.Plugin;
import dev.berth.scheduler.framework.PluginFactory;
import dev.berth.scheduler.framework.runtime.jarplugins.ClashingFactory;
import dev.berth.scheduler.framework.runtime.jarplugins.JarFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PluginRegistryTest {
    private static final String SERVICES = "META-INF/services/" + PluginFactory.class.getName();
    private static final String JAR_PACKAGE = JarFactory.class.getPackageName() + ".";

    private static final List<String> IN_TREE = List.of("PrioritySort", "NodeUnschedulable", "NodeName",
            "TaintToleration", "NodeAffinity", "NodePorts", "NodeResourcesFit", "NodeResourcesBalancedAllocation",
            "ImageLocality", "DefaultBinder");

    /** The test class loader minus the jarplugins package, so those classes can only come from a jar. */
    private static final ClassLoader WITHOUT_JAR_CLASSES = new ClassLoader(PluginRegistryTest.class.getClassLoader()) {
        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            if (name.startsWith(JAR_PACKAGE)) {
                throw new ClassNotFoundException(name);
            }
            return super.loadClass(name, resolve);
        }
    };

    /** Writes a plugin jar holding the given classes (and their nested classes) and a services file. */
    private static Path jar(Path dir, String file, Class<?> factory, Class<?>... others) throws IOException {
        Path jar = dir.resolve(file);
        try (OutputStream out = Files.newOutputStream(jar); var jos = new JarOutputStream(out)) {
            jos.putNextEntry(new JarEntry(SERVICES));
            jos.write((factory.getName() + "\n").getBytes(StandardCharsets.UTF_8));
            jos.closeEntry();
            var classes = new java.util.ArrayList<Class<?>>(List.of(factory));
            classes.addAll(List.of(others));
            for (Class<?> c : classes) {
                String entry = c.getName().replace('.', '/') + ".class";
                try (InputStream in = PluginRegistryTest.class.getClassLoader().getResourceAsStream(entry)) {
                    jos.putNextEntry(new JarEntry(entry));
                    in.transferTo(jos);
                    jos.closeEntry();
                }
            }
        }
        return jar;
    }

    @Test
    void inTreePluginsComeFirst() {
        PluginRegistry r = PluginRegistry.load(List.of());
        assertEquals(IN_TREE, List.copyOf(r.names()).subList(0, IN_TREE.size()));
        for (String name : IN_TREE) {
            assertEquals(name, r.factory(name).orElseThrow().name());
            assertEquals("in-tree", r.source(name).orElseThrow());
        }
        assertTrue(r.factory("NoSuchPlugin").isEmpty());
    }

    @Test
    void loadsAPluginJarThroughItsOwnClassLoader(@TempDir Path dir) throws Exception {
        Path jar = jar(dir, "jar-plugin.jar", JarFactory.class, JarFactory.JarPlugin.class);
        Files.writeString(dir.resolve("README.txt"), "not a jar");
        PluginRegistry r = PluginRegistry.load(List.of(dir), WITHOUT_JAR_CLASSES);

        PluginFactory<?> f = r.factory("JarPlugin").orElseThrow();
        var loader = assertInstanceOf(URLClassLoader.class, f.getClass().getClassLoader());
        assertSame(WITHOUT_JAR_CLASSES, loader.getParent());
        assertEquals(jar.toUri().toURL(), loader.getURLs()[0]);
        assertEquals(jar.toString(), r.source("JarPlugin").orElseThrow());
        Plugin p = f.create(null, null);
        assertEquals(7, ((Plugin.Score) p).score(null, null, null));
    }

    @Test
    void aJarClaimingAnInTreeNameIsAnError(@TempDir Path dir) throws Exception {
        Path jar = jar(dir, "clash.jar", ClashingFactory.class);
        var e = assertThrows(IllegalStateException.class, () -> PluginRegistry.load(List.of(dir), WITHOUT_JAR_CLASSES));
        assertEquals("plugin name \"NodeName\" is registered twice: by in-tree and by " + jar, e.getMessage());
    }

    @Test
    void twoJarsWithOneNameAreAnError(@TempDir Path dir) throws Exception {
        Path a = jar(dir, "a.jar", JarFactory.class, JarFactory.JarPlugin.class);
        Path b = jar(dir, "b.jar", JarFactory.class, JarFactory.JarPlugin.class);
        var e = assertThrows(IllegalStateException.class, () -> PluginRegistry.load(List.of(dir), WITHOUT_JAR_CLASSES));
        assertEquals("plugin name \"JarPlugin\" is registered twice: by " + a + " and by " + b, e.getMessage());
    }

    @Test
    void aMissingPluginDirIsAnError(@TempDir Path dir) {
        Path missing = dir.resolve("nope");
        var e = assertThrows(IllegalStateException.class, () -> PluginRegistry.load(List.of(missing)));
        assertEquals("--plugin-dir " + missing + ": not a directory", e.getMessage());
    }

    @Test
    void anEmptyPluginDirAddsNothing(@TempDir Path dir) {
        assertEquals(PluginRegistry.load(List.of()).names(), PluginRegistry.load(List.of(dir)).names());
    }

    @Test
    void givenFactoriesMustHaveDistinctNames() {
        PluginFactory<Void> one = PluginFactory.of("Same", h -> null);
        PluginFactory<Void> two = PluginFactory.of("Same", h -> null);
        var e = assertThrows(IllegalStateException.class, () -> PluginRegistry.of(List.of(one, two)));
        assertTrue(e.getMessage().startsWith("plugin name \"Same\" is registered twice: by given "), e.getMessage());
        assertFalse(PluginRegistry.of(List.of(one)).names().isEmpty());
    }
}
