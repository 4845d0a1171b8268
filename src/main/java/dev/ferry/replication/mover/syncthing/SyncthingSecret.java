package dev.ferry.replication.mover.syncthing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import dev.ferry.replication.mover.MoverException;
import dev.ferry.replication.volume.Owner;
import dev.ferry.replication.volume.SecretStore;

/**
 * VolSync's {@code volsync-<name>} secret of a Syncthing source, created once: the API key, the GUI's user and
 * password, and the API's HTTPS certificate and key (self-signed, for the API service's name and the address it is
 * reached at here).
 */
final class SyncthingSecret {

    static final String API_KEY = "apikey";
    static final String USERNAME = "username";
    static final String PASSWORD = "password";
    static final String CERT = "httpsCertPEM";
    static final String KEY = "httpsKeyPEM";
    static final List<String> FIELDS = List.of(API_KEY, USERNAME, PASSWORD, CERT, KEY);

    private SyncthingSecret() {
    }

    static String name(Owner owner) {
        return "volsync-" + owner.name();
    }

    /** The API service's DNS name, as VolSync makes the certificate for it. */
    static String apiServiceDns(Owner owner) {
        return "volsync-" + owner.name() + "-api." + owner.namespace();
    }

    /** The secret, created first if it does not exist (then left alone, as VolSync does). */
    static Map<String, byte[]> ensure(SecretStore secrets, Owner owner, String openssl, String apiHost)
            throws MoverException {
        Optional<Map<String, byte[]>> existing = secrets.get(owner.namespace(), name(owner));
        if (existing.isEmpty()) {
            byte[][] pair = certificate(openssl, apiServiceDns(owner), apiHost);
            SecureRandom random = new SecureRandom();
            secrets.create(owner.namespace(), name(owner), Map.of(API_KEY, randomPrintable(random, 32),
                    USERNAME, "syncthing".getBytes(StandardCharsets.UTF_8), PASSWORD, randomPrintable(random, 32),
                    CERT, pair[0], KEY, pair[1]), owner);
        }
        return secrets.getAndValidate(owner.namespace(), name(owner), FIELDS);
    }

    /**
     * A digest of the secret's content: Syncthing's job names it, so that a secret made anew (deleted, then created
     * again with another key and certificate) replaces the Syncthing still running with the old ones.
     */
    static String fingerprint(Map<String, byte[]> secret) {
        try {
            java.security.MessageDigest digest = java.security.MessageDigest.getInstance("SHA-256");
            for (String field : FIELDS) {
                byte[] value = secret.get(field);
                digest.update(field.getBytes(StandardCharsets.UTF_8));
                digest.update((byte) 0);
                digest.update(value == null ? new byte[0] : value);
                digest.update((byte) 0);
            }
            return java.util.HexFormat.of().formatHex(digest.digest(), 0, 16);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }

    /** VolSync's random strings: printable ASCII without the space (33 to 126). */
    static byte[] randomPrintable(SecureRandom random, int length) {
        byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        for (int i = 0; i < length; i++) {
            bytes[i] = (byte) (Byte.toUnsignedInt(bytes[i]) % 94 + 33);
        }
        return bytes;
    }

    /** A self-signed certificate (P-256, ten years) for {@code dns} and {@code host}: its PEM and its key's. */
    private static byte[][] certificate(String openssl, String dns, String host) throws MoverException {
        String san = "subjectAltName=DNS:" + dns + "," + (host.matches("[0-9.]+|.*:.*") ? "IP:" : "DNS:") + host;
        try {
            // Both written to standard output, so that the key never rests in a file outside the secret.
            Process process = new ProcessBuilder(openssl, "req", "-x509", "-newkey", "ec", "-pkeyopt",
                    "ec_paramgen_curve:prime256v1", "-nodes", "-days", "3650", "-subj", "/CN=" + dns, "-addext", san,
                    "-keyout", "/dev/stdout", "-out", "/dev/stdout").redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
            // The output is a few kilobytes, within a pipe's buffer: waiting first cannot block openssl.
            if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
                process.destroyForcibly();
                throw new MoverException("could not generate the Syncthing API certificate (" + openssl + " failed)");
            }
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            return new byte[][] {pem(output, "CERTIFICATE"), pem(output, "PRIVATE KEY")};
        } catch (IOException e) {
            throw new MoverException("could not generate the Syncthing API certificate: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MoverException("interrupted while generating the Syncthing API certificate", e);
        }
    }

    private static byte[] pem(String output, String type) throws MoverException {
        String begin = "-----BEGIN " + type + "-----";
        String end = "-----END " + type + "-----";
        int from = output.indexOf(begin);
        int to = output.indexOf(end, Math.max(from, 0));
        if (from < 0 || to < 0) {
            throw new MoverException("could not generate the Syncthing API certificate (no " + type + " written)");
        }
        return (output.substring(from, to + end.length()) + "\n").getBytes(StandardCharsets.US_ASCII);
    }
}
