package nl.schakel.delivery;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.introspect.BeanPropertyDefinition;
import jakarta.xml.bind.DatatypeConverter;
import jakarta.xml.bind.annotation.XmlAttribute;
import jakarta.xml.bind.annotation.XmlEnumValue;
import jakarta.xml.bind.annotation.XmlRootElement;
import jakarta.xml.bind.annotation.adapters.XmlAdapter;
import jakarta.xml.bind.annotation.adapters.XmlJavaTypeAdapter;
import org.w3c.dom.Attr;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.reflect.Field;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * JSON of a validated document written straight from its DOM, without building the JAXB model:
 * the same bytes as Jackson writes for the model JAXB would unmarshal (property names and order,
 * arrays, numbers, booleans, dates through the model's adapters, enumeration values, empty values
 * left out). The shape of each model class is read once, from Jackson's own view of it.
 * {@code DomJsonTest} holds the two side by side. One difference, on purpose: an enumeration value
 * with whitespace around it, which the schema accepts, is written trimmed, where JAXB finds no
 * constant for it and leaves the field out. The HTTP inbox's JSON and a large document's JSON still
 * go through JAXB. Children are matched by local name (the schemas have no two children of one
 * parent with the same local name); the model's adapters are stateless and shared.
 */
final class DomJson {
    private final ObjectMapper mapper;
    private final boolean indent;
    private final Map<Class<?>, Shape> shapes = new ConcurrentHashMap<>();
    private final Map<Class<?>, Boolean> writable = new ConcurrentHashMap<>();

    DomJson(ObjectMapper mapper) {
        this.mapper = mapper;
        this.indent = mapper.isEnabled(SerializationFeature.INDENT_OUTPUT);
    }

    /** The document as JSON of the model class, wrapped in its root name as {@code WRAP_ROOT_VALUE} does. */
    byte[] write(Element root, Class<?> model) throws IOException {
        if (!supports(model)) {
            throw new IllegalArgumentException(model.getName() + " is not written from a DOM");
        }
        Shape shape = shape(model);
        ByteArrayOutputStream out = new ByteArrayOutputStream(4096);
        try (JsonGenerator json = mapper.getFactory().createGenerator(out)) {
            if (indent) {
                json.useDefaultPrettyPrinter();
            }
            json.writeStartObject();
            json.writeFieldName(model.getAnnotation(XmlRootElement.class).name());
            writeObject(json, root, shape);
            json.writeEndObject();
        }
        return out.toByteArray();
    }

    /** Whether a root class and every class it reaches can be written from a DOM; decided once per model. */
    boolean supports(Class<?> model) {
        return writable.computeIfAbsent(model, m -> {
            if (!m.isAnnotationPresent(XmlRootElement.class)) {
                return false;
            }
            Map<Class<?>, Shape> reached = new HashMap<>();
            try {
                collect(m, reached);
            } catch (IllegalStateException e) {
                return false;
            }
            shapes.putAll(reached);
            return true;
        });
    }

    private void writeObject(JsonGenerator json, Element element, Shape shape) throws IOException {
        json.writeStartObject();
        for (Property p : shape.properties) {
            if (p.attribute) {
                Attr attr = element.getAttributeNodeNS(null, p.xmlName);
                if (attr != null) {
                    writeScalar(json, p, attr.getValue(), true);
                } else if (p.primitive) {
                    writeDefault(json, p);
                }
                continue;
            }
            List<Element> children = children(element, p.xmlName);
            if (p.list) {
                if (!children.isEmpty()) {
                    json.writeFieldName(p.jsonName);
                    json.writeStartArray();
                    for (Element child : children) {
                        writeValue(json, p, child);
                    }
                    json.writeEndArray();
                }
            } else if (!children.isEmpty()) {
                // a single-valued property keeps the last occurrence, as JAXB sets it for each
                Element child = children.get(children.size() - 1);
                if (p.nested != null) {
                    json.writeFieldName(p.jsonName);
                    writeObject(json, child, shape(p.nested));
                } else {
                    writeScalar(json, p, child.getTextContent(), true);
                }
            } else if (p.primitive) {
                writeDefault(json, p);
            }
        }
        json.writeEndObject();
    }

    private void writeValue(JsonGenerator json, Property p, Element child) throws IOException {
        if (p.nested != null) {
            writeObject(json, child, shape(p.nested));
        } else {
            writeScalar(json, p, child.getTextContent(), false);
        }
    }

    /** One value as JAXB reads it and Jackson writes it; a named value left empty is left out, as NON_EMPTY does. */
    private static void writeScalar(JsonGenerator json, Property p, String text, boolean named) throws IOException {
        switch (p.kind) {
            case STRING -> {
                if (named && text.isEmpty()) {
                    return;
                }
                name(json, p, named);
                json.writeString(text);
            }
            case ADAPTED -> {
                String value = p.adapt(text);
                if (value == null || named && value.isEmpty()) {
                    return;
                }
                name(json, p, named);
                json.writeString(value);
            }
            case ENUM -> {
                String value = text.trim();
                if (!p.enumValues.contains(value)) {
                    return;
                }
                name(json, p, named);
                json.writeString(value);
            }
            case INT -> {
                name(json, p, named);
                json.writeNumber(DatatypeConverter.parseInt(text));
            }
            case LONG -> {
                name(json, p, named);
                json.writeNumber(DatatypeConverter.parseLong(text));
            }
            case BIG_INTEGER -> {
                name(json, p, named);
                json.writeNumber(DatatypeConverter.parseInteger(text));
            }
            case DECIMAL -> {
                name(json, p, named);
                json.writeNumber(DatatypeConverter.parseDecimal(text));
            }
            case BOOLEAN -> {
                name(json, p, named);
                json.writeBoolean(DatatypeConverter.parseBoolean(text));
            }
            case BINARY -> {
                // decoded and encoded again, as JAXB reads base64 and Jackson writes byte[]
                byte[] bytes = DatatypeConverter.parseBase64Binary(text);
                if (named && bytes.length == 0) {
                    return;
                }
                name(json, p, named);
                json.writeBinary(bytes);
            }
            default -> throw new IllegalStateException("no scalar: " + p.kind);
        }
    }

    private static void writeDefault(JsonGenerator json, Property p) throws IOException {
        json.writeFieldName(p.jsonName);
        switch (p.kind) {
            case BOOLEAN -> json.writeBoolean(false);
            case INT, LONG -> json.writeNumber(0);
            default -> throw new IllegalStateException("no primitive: " + p.kind);
        }
    }

    private static void name(JsonGenerator json, Property p, boolean named) throws IOException {
        if (named) {
            json.writeFieldName(p.jsonName);
        }
    }

    private static List<Element> children(Element parent, String localName) {
        List<Element> found = new ArrayList<>(2);
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n.getNodeType() == Node.ELEMENT_NODE && localName.equals(n.getLocalName())) {
                found.add((Element) n);
            }
        }
        return found;
    }

    private Shape shape(Class<?> model) {
        Shape shape = shapes.get(model);
        if (shape == null) {
            throw new IllegalStateException(model.getName() + " was not checked by supports()");
        }
        return shape;
    }

    /** The shapes of a class and of every class it reaches, into {@code reached}; throws when one cannot be written. */
    private void collect(Class<?> model, Map<Class<?>, Shape> reached) {
        if (reached.containsKey(model) || shapes.containsKey(model)) {
            return;
        }
        Shape shape = new Shape(properties(model));
        reached.put(model, shape);
        for (Property p : shape.properties) {
            if (p.nested != null) {
                collect(p.nested, reached);
            }
        }
    }

    /** The model class's properties in the order Jackson writes them, with how each is found in the DOM. */
    private List<Property> properties(Class<?> model) {
        JavaType type = mapper.constructType(model);
        BeanDescription description = mapper.getSerializationConfig().introspect(type);
        List<Property> properties = new ArrayList<>();
        for (BeanPropertyDefinition definition : description.findProperties()) {
            if (!definition.couldSerialize()) {
                continue;
            }
            if (!definition.hasField()) {
                throw new IllegalStateException(model.getName() + "." + definition.getName() + " is not a field");
            }
            Field field = definition.getField().getAnnotated();
            JavaType propertyType = definition.getPrimaryType();
            boolean list = propertyType.isCollectionLikeType();
            Class<?> valueType = list ? propertyType.getContentType().getRawClass() : propertyType.getRawClass();
            properties.add(new Property(definition.getName(), field, list, valueType));
        }
        return properties;
    }

    private record Shape(List<Property> properties) {
    }

    private enum Kind { STRING, ADAPTED, ENUM, INT, LONG, BIG_INTEGER, DECIMAL, BOOLEAN, BINARY, OBJECT }

    private static final class Property {
        final String jsonName;
        final String xmlName;
        final boolean attribute;
        final boolean list;
        final boolean primitive;
        final Kind kind;
        final Class<?> nested;
        final Set<String> enumValues;
        final XmlAdapter<String, Object> adapter;

        @SuppressWarnings("unchecked")
        Property(String jsonName, Field field, boolean list, Class<?> valueType) {
            this.jsonName = jsonName;
            this.list = list;
            XmlAttribute attr = field.getAnnotation(XmlAttribute.class);
            this.attribute = attr != null;
            jakarta.xml.bind.annotation.XmlElement element = field.getAnnotation(jakarta.xml.bind.annotation.XmlElement.class);
            String declared = attr != null ? attr.name() : element != null ? element.name() : "##default";
            this.xmlName = "##default".equals(declared) ? field.getName() : declared;
            if (!xmlName.equals(jsonName)) {
                throw new IllegalStateException(field + ": JSON name " + jsonName + " is not the XML name " + xmlName);
            }
            this.primitive = valueType.isPrimitive();
            XmlJavaTypeAdapter adapted = field.getAnnotation(XmlJavaTypeAdapter.class);
            Set<String> values = null;
            Class<?> object = null;
            XmlAdapter<String, Object> made = null;
            if (adapted != null) {
                kind = Kind.ADAPTED;
                try {
                    made = (XmlAdapter<String, Object>) adapted.value().getDeclaredConstructor().newInstance();
                } catch (ReflectiveOperationException e) {
                    throw new IllegalStateException(field + ": adapter " + adapted.value().getName(), e);
                }
            } else if (valueType == String.class) {
                kind = Kind.STRING;
            } else if (valueType.isEnum()) {
                kind = Kind.ENUM;
                values = enumValues(valueType);
            } else if (valueType == Integer.class || valueType == int.class) {
                kind = Kind.INT;
            } else if (valueType == Long.class || valueType == long.class) {
                kind = Kind.LONG;
            } else if (valueType == BigInteger.class) {
                kind = Kind.BIG_INTEGER;
            } else if (valueType == BigDecimal.class) {
                kind = Kind.DECIMAL;
            } else if (valueType == Boolean.class || valueType == boolean.class) {
                kind = Kind.BOOLEAN;
            } else if (valueType == byte[].class) {
                kind = Kind.BINARY;
            } else if (valueType.isAnnotationPresent(jakarta.xml.bind.annotation.XmlType.class) && !attribute) {
                kind = Kind.OBJECT;
                object = valueType;
            } else {
                throw new IllegalStateException(field + ": type " + valueType.getName() + " is not written from a DOM");
            }
            this.enumValues = values;
            this.nested = object;
            this.adapter = made;
        }

        String adapt(String text) {
            try {
                Object value = adapter.unmarshal(text);
                return value == null ? null : adapter.marshal(value);
            } catch (Exception e) {
                // JAXB leaves a value its adapter cannot read out; Jackson then writes nothing
                return null;
            }
        }

        /** The XML value of each constant, which is also the JSON value Jackson writes for it (from @XmlEnumValue). */
        private static Set<String> enumValues(Class<?> type) {
            Set<String> values = new HashSet<>();
            for (Field constant : type.getFields()) {
                if (!constant.isEnumConstant()) {
                    continue;
                }
                XmlEnumValue value = constant.getAnnotation(XmlEnumValue.class);
                String xml = value != null ? value.value() : constant.getName();
                values.add(xml);
            }
            return values;
        }
    }
}
