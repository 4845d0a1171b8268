package dev.ferry.replication.mover.rsynctls;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import dev.ferry.replication.mover.MoverException;
import dev.ferry.replication.volume.Owner;
import dev.ferry.replication.volume.SecretStore;

/**
 * The pre-shared key of an rsync-tls pair, as VolSync keeps it: field {@code psk.txt} holding
 * {@code volsync:<128 hex digits>} (stunnel's {@code identity:key}), in the user's {@code keySecret} or else in a
 * secret Ferry generates once, {@code volsync-rsync-tls-<name>}, which the other side is then given by name.
 */
final class RsyncTlsKeys {

    static final String FIELD = "psk.txt";

    /** The key's secret and its {@code psk.txt}; {@code generated}: Ferry's secret, the one the status names. */
    record Key(String secret, byte[] psk, boolean generated) {
    }

    private RsyncTlsKeys() {
    }

    static Key ensure(SecretStore secrets, Owner owner, String keySecret) throws MoverException {
        String ns = owner.namespace();
        if (keySecret != null && !keySecret.isEmpty()) {
            return new Key(keySecret, secrets.getAndValidate(ns, keySecret, List.of(FIELD)).get(FIELD), false);
        }
        String generated = "volsync-rsync-tls-" + owner.name();
        byte[] psk = secrets.get(ns, generated).map(data -> data.get(FIELD)).orElse(null);
        if (psk == null) {
            byte[] raw = new byte[64];
            new SecureRandom().nextBytes(raw);
            psk = ("volsync:" + HexFormat.of().formatHex(raw)).getBytes(StandardCharsets.UTF_8);
            secrets.createOrUpdate(ns, generated, Map.of(FIELD, psk), owner);
        }
        return new Key(generated, psk, true);
    }
}
