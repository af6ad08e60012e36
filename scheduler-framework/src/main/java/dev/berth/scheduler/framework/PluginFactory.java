package dev.berth.scheduler.framework;

/**
 * Makes a plugin for a profile. Register implementations with {@link java.util.ServiceLoader} (a
 * {@code META-INF/services/dev.berth.scheduler.framework.PluginFactory} file) in a jar on the classpath or
 * in {@code --plugin-dir}; enable the plugin by {@link #name()} in a profile.
 *
 * @param <A> the type {@code pluginConfig[].args} bind to: a record whose components are the YAML
 *            fields (unknown fields are a configuration error), or {@link Void} for a plugin without args
 */
public interface PluginFactory<A> {
    /** The plugin's name, unique across the scheduler. */
    String name();

    /** The args type; {@link Void} when the plugin takes none. */
    @SuppressWarnings("unchecked")
    default Class<A> argsType() {
        return (Class<A>) Void.class;
    }

    /**
     * Makes the plugin.
     *
     * @param args the profile's args for this plugin, or null when the profile gives none (use defaults)
     * @throws IllegalArgumentException when the args are invalid; the message names the field
     */
    Plugin create(A args, Handle handle);

    /** A factory for a plugin that takes args of type {@code argsType}. */
    static <A> PluginFactory<A> of(String name, Class<A> argsType, java.util.function.BiFunction<A, Handle, Plugin> create) {
        return new PluginFactory<>() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public Class<A> argsType() {
                return argsType;
            }

            @Override
            public Plugin create(A args, Handle handle) {
                return create.apply(args, handle);
            }
        };
    }

    /** A factory for a plugin without args. */
    static PluginFactory<Void> of(String name, java.util.function.Function<Handle, Plugin> create) {
        return of(name, Void.class, (args, handle) -> create.apply(handle));
    }
}
