package dev.tracegate.wire.postgres;

import java.lang.reflect.Array;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.util.Collection;
import java.util.Map;

/**
 * How much a decoded message holds: one for every element of its arrays, lists and maps, plus the
 * characters of its strings and the bytes of its byte arrays. Every element takes at least one byte
 * on the wire and UTF-8 never decodes to more characters than bytes, so a decoder that sized nothing
 * by an unbacked count returns a message no larger than its body.
 */
final class DecodedSize {

    private DecodedSize() {
    }

    static long of(Object value) {
        return switch (value) {
            case null -> 0;
            case String text -> text.length();
            case byte[] bytes -> bytes.length;
            case Collection<?> elements -> elements.size() + elements.stream().mapToLong(DecodedSize::of).sum();
            case Map<?, ?> entries -> entries.size() + entries.entrySet().stream()
                    .mapToLong(e -> of(e.getKey()) + of(e.getValue())).sum();
            case Record record -> components(record);
            default -> value.getClass().isArray() ? array(value) : 0;
        };
    }

    private static long array(Object array) {
        int length = Array.getLength(array);
        long size = length;
        if (!array.getClass().getComponentType().isPrimitive()) {
            for (int i = 0; i < length; i++) {
                size += of(Array.get(array, i));
            }
        }
        return size;
    }

    private static long components(Record record) {
        long size = 0;
        for (RecordComponent component : record.getClass().getRecordComponents()) {
            try {
                component.getAccessor().setAccessible(true);
                size += of(component.getAccessor().invoke(record));
            } catch (IllegalAccessException | InvocationTargetException e) {
                throw new IllegalStateException("cannot read " + component, e);
            }
        }
        return size;
    }
}
