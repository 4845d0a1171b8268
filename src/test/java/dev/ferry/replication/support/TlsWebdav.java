package dev.ferry.replication.support;

import java.io.FileInputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.util.Base64;
import java.util.List;

/**
 * A WebDAV server over HTTPS ({@code rclone serve webdav}) whose certificate is signed by no known authority: a
 * remote that only a mover given the certificate as its custom CA can reach. The key pair comes from the JDK's
 * keytool, so nothing beyond the JDK and rclone is needed.
 */
public final class TlsWebdav implements AutoCloseable {

    public final Path served;
    public final byte[] certificatePem;
    public final int port;
    private final Process server;

    /** A self-signed certificate for 127.0.0.1 and its key, as PEM files in {@code dir}. */
    public record SelfSigned(byte[] certificatePem, Path certificate, Path key) {
    }

    public static SelfSigned selfSigned(Path dir) throws Exception {
        Files.createDirectories(dir);
        Path store = dir.resolve("server.p12");
        char[] password = "changeit".toCharArray();
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "server", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
                "-dname", "CN=localhost", "-ext", "san=ip:127.0.0.1", "-storetype", "PKCS12", "-keystore",
                store.toString(), "-storepass", "changeit", "-keypass", "changeit").redirectErrorStream(true).start();
        String keytoolOut = new String(keytool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (keytool.waitFor() != 0) {
            throw new IllegalStateException("keytool failed: " + keytoolOut);
        }
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (FileInputStream in = new FileInputStream(store.toFile())) {
            keys.load(in, password);
        }
        Certificate certificate = keys.getCertificate("server");
        PrivateKey key = (PrivateKey) keys.getKey("server", password);
        byte[] certificatePem = pem("CERTIFICATE", certificate.getEncoded()).getBytes(StandardCharsets.US_ASCII);
        return new SelfSigned(certificatePem, Files.write(dir.resolve("cert.pem"), certificatePem),
                Files.writeString(dir.resolve("key.pem"), pem("PRIVATE KEY", key.getEncoded())));
    }

    public TlsWebdav(Path base) throws Exception {
        Path dir = base.resolve("tls");
        served = Files.createDirectories(base.resolve("served"));
        SelfSigned tls = selfSigned(dir);
        certificatePem = tls.certificatePem();
        Path cert = tls.certificate();
        Path keyFile = tls.key();
        try (ServerSocket probe = new ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        server = new ProcessBuilder(List.of("rclone", "serve", "webdav", served.toString(), "--addr",
                "127.0.0.1:" + port, "--cert", cert.toString(), "--key", keyFile.toString()))
                .redirectErrorStream(true).redirectOutput(dir.resolve("server.log").toFile()).start();
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (true) {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            } catch (java.io.IOException e) {
                if (System.nanoTime() > deadline || !server.isAlive()) {
                    throw new IllegalStateException("rclone serve webdav did not start: "
                            + Files.readString(dir.resolve("server.log")), e);
                }
                Thread.sleep(50);
            }
        }
    }

    /** An rclone.conf with this server as section {@code section}. */
    public String rcloneConf(String section) {
        return "[" + section + "]\ntype = webdav\nurl = https://127.0.0.1:" + port + "\nvendor = other\n";
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    @Override
    public void close() {
        server.destroy();
    }
}
