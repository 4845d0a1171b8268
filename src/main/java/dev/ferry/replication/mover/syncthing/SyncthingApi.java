package dev.ferry.replication.mover.syncthing;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.SocketException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;

import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.ferry.replication.mover.MoverException;

/**
 * Syncthing's REST API over HTTPS with its API key, as VolSync's controller calls it. The server must present exactly
 * the certificate of the source's secret: trust is pinned to it rather than to a name, since locally the API is
 * reached by address, not by the service name the certificate was made for.
 */
final class SyncthingApi {

    /** What the API said on one pass: its configuration, this device's ID, and its connections. */
    record State(JsonNode config, String myId, JsonNode connections) {
    }

    /** The API did not answer at all (nothing listens yet, or no longer). */
    static final class UnreachableException extends MoverException {
        private static final long serialVersionUID = 1L;

        UnreachableException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final String baseUrl;
    private final String apiKey;
    private final SSLSocketFactory sockets;

    SyncthingApi(String baseUrl, String apiKey, byte[] certificatePem) throws MoverException {
        this.baseUrl = baseUrl;
        this.apiKey = apiKey;
        this.sockets = pinnedTo(certificatePem);
    }

    State fetch() throws MoverException {
        JsonNode config = request("GET", "/rest/config", null);
        JsonNode status = request("GET", "/rest/system/status", null);
        JsonNode connections = request("GET", "/rest/system/connections", null);
        return new State(config, status.path("myID").asText(""), connections);
    }

    void publishConfig(JsonNode config) throws MoverException {
        request("PUT", "/rest/config", config);
    }

    JsonNode request(String method, String path, JsonNode body) throws MoverException {
        HttpsURLConnection connection = null;
        try {
            connection = (HttpsURLConnection) new URL(baseUrl + path).openConnection();
            connection.setSSLSocketFactory(sockets);
            // The certificate itself is checked by the pinned trust manager; its names are not this address.
            connection.setHostnameVerifier((host, session) -> true);
            connection.setConnectTimeout((int) TIMEOUT.toMillis());
            connection.setReadTimeout((int) TIMEOUT.toMillis());
            connection.setRequestMethod(method);
            connection.setRequestProperty("X-API-Key", apiKey);
            connection.setRequestProperty("Content-Type", "application/json");
            if (body != null) {
                connection.setDoOutput(true);
                try (OutputStream out = connection.getOutputStream()) {
                    out.write(JSON.writeValueAsBytes(body));
                }
            }
            int code = connection.getResponseCode();
            if (code / 100 != 2) {
                InputStream error = connection.getErrorStream();
                String text = error == null ? "" : new String(error.readAllBytes(), StandardCharsets.UTF_8).strip();
                throw new MoverException("Syncthing API " + method + " " + path + ": HTTP " + code
                        + (text.isEmpty() ? "" : ": " + text));
            }
            try (InputStream in = connection.getInputStream()) {
                byte[] bytes = in.readAllBytes();
                return bytes.length == 0 ? JSON.createObjectNode() : JSON.readTree(bytes);
            }
        } catch (IOException e) {
            if (unreachable(e)) {
                throw new UnreachableException("Syncthing API " + method + " " + path + ": " + e.getMessage(), e);
            }
            throw new MoverException("Syncthing API " + method + " " + path + ": " + e.getMessage(), e);
        } finally {
            if (connection != null) {
                connection.disconnect();
            }
        }
    }

    /**
     * Nothing listens, or the connection went away (as when Syncthing restarts its API): not a handshake that failed
     * on its merits, such as another certificate than the pinned one.
     */
    private static boolean unreachable(IOException e) {
        if (e instanceof ConnectException || e instanceof SocketException || e instanceof EOFException) {
            return true;
        }
        return e instanceof SSLException && (e.getCause() instanceof SocketException
                || e.getCause() instanceof EOFException);
    }

    private static SSLSocketFactory pinnedTo(byte[] certificatePem) throws MoverException {
        try {
            X509Certificate pinned = (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(certificatePem));
            TrustManager trust = new X509TrustManager() {
                @Override
                public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
                    throw new CertificateException("no client certificates are trusted");
                }

                @Override
                public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
                    if (chain == null || chain.length == 0 || !chain[0].equals(pinned)) {
                        throw new CertificateException("the Syncthing API presented another certificate than the "
                                + "one in its secret");
                    }
                    chain[0].checkValidity();
                }

                @Override
                public X509Certificate[] getAcceptedIssuers() {
                    return new X509Certificate[] {pinned};
                }
            };
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {trust}, null);
            return context.getSocketFactory();
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new MoverException("could not read the Syncthing API certificate from its secret: " + e.getMessage(),
                    e);
        }
    }
}
