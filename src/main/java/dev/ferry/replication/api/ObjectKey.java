package dev.ferry.replication.api;

import java.util.Optional;
import java.util.regex.Pattern;

/** {@code namespace/name}, the Kafka key of every replication record. */
public record ObjectKey(String namespace, String name) {

    /** Kubernetes' DNS-1123 label: what namespaces and object names may look like. */
    private static final Pattern DNS1123_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");
    private static final Pattern DNS1123_SUBDOMAIN = Pattern
            .compile("(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");

    public static Optional<ObjectKey> parse(String key) {
        if (key == null) {
            return Optional.empty();
        }
        int slash = key.indexOf('/');
        if (slash < 0 || slash != key.lastIndexOf('/')) {
            return Optional.empty();
        }
        String namespace = key.substring(0, slash);
        String name = key.substring(slash + 1);
        if (!isNamespace(namespace) || !isName(name)) {
            return Optional.empty();
        }
        return Optional.of(new ObjectKey(namespace, name));
    }

    public static boolean isNamespace(String value) {
        return value != null && DNS1123_LABEL.matcher(value).matches();
    }

    /** Object, PVC and Secret names: a DNS-1123 subdomain (no slashes, no {@code ..}, never absolute). */
    public static boolean isName(String value) {
        return value != null && DNS1123_SUBDOMAIN.matcher(value).matches() && !value.contains("..");
    }

    @Override
    public String toString() {
        return namespace + "/" + name;
    }
}
