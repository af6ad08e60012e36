package dev.berth.scheduler.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.BeanProperty;
import com.fasterxml.jackson.databind.DeserializationConfig;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.deser.BeanDeserializerModifier;
import com.fasterxml.jackson.databind.deser.ContextualDeserializer;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.berth.scheduler.model.NodeAffinity;
import dev.berth.scheduler.model.NodeSelector;
import dev.berth.scheduler.model.Taint;
import dev.berth.scheduler.model.Toleration;
import dev.berth.scheduler.model.json.ModelReader;

import java.io.IOException;
import java.util.Arrays;
import java.util.Locale;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Binds a {@code pluginConfig[].args} mapping to a factory's args type with Jackson: unknown fields are
 * errors, scalars are not coerced ("5" is not an int), the model types (NodeAffinity, NodeSelector,
 * Toleration, Taint) are read in Kubernetes' JSON shape by {@link ModelReader}, and an enum constant also
 * matches its API spelling ({@code LEAST_ALLOCATED} accepts "LeastAllocated").
 */
final class ArgsBinder {
    /** Thrown with the path inside {@code args} ("" for args itself) and the reason. */
    static final class BindException extends Exception {
        final String path;

        BindException(String path, String reason) {
            super(reason);
            this.path = path;
        }
    }

    private final ObjectMapper mapper = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
            .addModule(module())
            .build();

    /**
     * @param args the args mapping without {@code apiVersion}/{@code kind}; never null
     */
    <A> A bind(ObjectNode args, Class<A> type) throws BindException {
        try {
            return mapper.treeToValue(args, type);
        } catch (JsonMappingException e) {
            throw new BindException(path(e), reason(e));
        } catch (IOException e) {
            throw new BindException("", e.getMessage());
        }
    }

    private static String path(JsonMappingException e) {
        var sb = new StringBuilder();
        for (JsonMappingException.Reference r : e.getPath()) {
            if (r.getFieldName() != null) {
                sb.append('.').append(r.getFieldName());
            } else if (r.getIndex() >= 0) {
                sb.append('[').append(r.getIndex()).append(']');
            }
        }
        return sb.toString();
    }

    private static String reason(JsonMappingException e) {
        if (e instanceof UnrecognizedPropertyException) {
            return "unknown field";
        }
        if (e instanceof ValueInstantiationException && e.getCause() != null) {
            return String.valueOf(e.getCause().getMessage());
        }
        if (e instanceof InvalidFormatException ife && ife.getTargetType() != null && ife.getTargetType().isEnum()) {
            return "invalid value \"" + ife.getValue() + "\": must be one of " + apiNames(ife.getTargetType());
        }
        String m = e.getOriginalMessage();
        int nl = m == null ? -1 : m.indexOf('\n');
        return nl < 0 ? String.valueOf(m) : m.substring(0, nl);
    }

    private static String apiNames(Class<?> enumType) {
        return Arrays.stream(enumType.getEnumConstants()).map(c -> camel(((Enum<?>) c).name()))
                .collect(Collectors.joining(", "));
    }

    /** LEAST_ALLOCATED → LeastAllocated. */
    private static String camel(String constant) {
        var sb = new StringBuilder();
        for (String part : constant.split("_")) {
            if (!part.isEmpty()) {
                sb.append(part.charAt(0)).append(part.substring(1).toLowerCase(Locale.ROOT));
            }
        }
        return sb.toString();
    }

    private static SimpleModule module() {
        var m = new SimpleModule("berth-plugin-args");
        m.addDeserializer(NodeAffinity.class, new ModelDeserializer<>(NodeAffinity.class, ModelReader::nodeAffinity));
        m.addDeserializer(NodeSelector.class, new ModelDeserializer<>(NodeSelector.class, ModelReader::nodeSelector));
        m.addDeserializer(Toleration.class, new ModelDeserializer<>(Toleration.class, ModelReader::toleration));
        m.addDeserializer(Taint.class, new ModelDeserializer<>(Taint.class, ModelReader::taint));
        m.setDeserializerModifier(new BeanDeserializerModifier() {
            @Override
            public JsonDeserializer<?> modifyEnumDeserializer(DeserializationConfig config, JavaType type,
                                                              BeanDescription beanDesc, JsonDeserializer<?> deserializer) {
                return new LenientEnumDeserializer(type.getRawClass(), deserializer);
            }
        });
        return m;
    }

    /** Reads a model object from its Kubernetes JSON tree; the reader's complaint becomes a path-carrying error. */
    private static final class ModelDeserializer<T> extends StdDeserializer<T> {
        private final transient Function<JsonNode, T> reader;

        ModelDeserializer(Class<T> type, Function<JsonNode, T> reader) {
            super(type);
            this.reader = reader;
        }

        @Override
        public T deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            JsonNode tree = ctxt.readTree(p);
            try {
                return reader.apply(tree);
            } catch (RuntimeException e) {
                throw JsonMappingException.from(p, String.valueOf(e.getMessage()), e);
            }
        }
    }

    /** Jackson's own enum handling first, then a match ignoring case and underscores. */
    private static final class LenientEnumDeserializer extends StdDeserializer<Object> implements ContextualDeserializer {
        private final transient JsonDeserializer<?> delegate;

        LenientEnumDeserializer(Class<?> type, JsonDeserializer<?> delegate) {
            super(type);
            this.delegate = delegate;
        }

        @Override
        public JsonDeserializer<?> createContextual(DeserializationContext ctxt, BeanProperty property)
                throws JsonMappingException {
            if (delegate instanceof ContextualDeserializer cd) {
                return new LenientEnumDeserializer(handledType(), cd.createContextual(ctxt, property));
            }
            return this;
        }

        @Override
        public Object deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            try {
                return delegate.deserialize(p, ctxt);
            } catch (InvalidFormatException e) {
                if (p.currentToken() == JsonToken.VALUE_STRING) {
                    String wanted = normalize(p.getText());
                    for (Object c : handledType().getEnumConstants()) {
                        if (normalize(((Enum<?>) c).name()).equals(wanted)) {
                            return c;
                        }
                    }
                }
                throw e;
            }
        }

        private static String normalize(String s) {
            return s.replace("_", "").replace("-", "").toLowerCase(Locale.ROOT);
        }
    }
}
