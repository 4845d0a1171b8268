package dev.ferry.replication.mover.rsync;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import dev.ferry.replication.mover.MoverException;
import dev.ferry.replication.volume.Owner;
import dev.ferry.replication.volume.SecretStore;

/**
 * The credentials of one rsync pair, in the secrets VolSync uses (names and fields), with the loopback transport's
 * content: {@code source} is the password the source authenticates with, {@code source.pub} the line that
 * authorises it in the destination daemon's secrets file ({@code volsync:<password>}); {@code destination} /
 * {@code destination.pub} are a destination identity token kept for the secret's shape.
 */
final class RsyncKeys {

    static final String USER = "volsync";
    static final List<String> SOURCE_FIELDS = List.of("source", "source.pub", "destination.pub");
    static final List<String> DESTINATION_FIELDS = List.of("destination", "destination.pub", "source.pub");

    private RsyncKeys() {
    }

    /**
     * Generates (once) the main secret, and brings the two derived ones in line with it on every pass, as VolSync
     * does: a derived secret deleted, damaged or left from an earlier main secret is repaired.
     */
    static void ensureGenerated(SecretStore secrets, Owner owner, String dir) throws MoverException {
        String ns = owner.namespace();
        String main = "volsync-rsync-" + dir + "-main-" + owner.name();
        Map<String, byte[]> data = secrets.get(ns, main).orElse(null);
        if (data != null && !data.keySet().containsAll(List.of("source", "source.pub", "destination",
                "destination.pub"))) {
            secrets.delete(ns, main);
            data = null;
        }
        if (data == null) {
            String password = token();
            String identity = token();
            data = new TreeMap<>();
            data.put("source", bytes(password));
            data.put("source.pub", bytes(USER + ":" + password));
            data.put("destination", bytes(identity));
            data.put("destination.pub", bytes("volsync-destination:" + identity));
            secrets.create(ns, main, data, owner);
        }
        Map<String, byte[]> src = new TreeMap<>();
        src.put("source", data.get("source"));
        src.put("source.pub", data.get("source.pub"));
        src.put("destination.pub", data.get("destination.pub"));
        secrets.createOrUpdate(ns, sourceSecret(owner.name(), dir), src, owner);
        Map<String, byte[]> dest = new TreeMap<>();
        dest.put("destination", data.get("destination"));
        dest.put("destination.pub", data.get("destination.pub"));
        dest.put("source.pub", data.get("source.pub"));
        secrets.createOrUpdate(ns, destinationSecret(owner.name(), dir), dest, owner);
    }

    static String sourceSecret(String name, String dir) {
        return "volsync-rsync-" + dir + "-src-" + name;
    }

    static String destinationSecret(String name, String dir) {
        return "volsync-rsync-" + dir + "-dest-" + name;
    }

    private static String token() {
        byte[] raw = new byte[32];
        // Made here, not in a static field: a native image must not carry a seeded generator in its heap.
        new SecureRandom().nextBytes(raw);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
    }

    private static byte[] bytes(String value) {
        return value.getBytes(StandardCharsets.UTF_8);
    }
}
