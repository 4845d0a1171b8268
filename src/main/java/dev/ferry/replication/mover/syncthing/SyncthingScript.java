package dev.ferry.replication.mover.syncthing;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.ferry.replication.job.JobScript;
import dev.ferry.replication.mover.JobMovers;
import dev.ferry.replication.mover.MoverSettings;

/**
 * What VolSync's Syncthing container runs ({@code entry.sh run}): on the first start the configuration from VolSync's
 * template (the volume shared as folder {@code syncthing-folder-id}; discovery, NAT and relays off) and the volume's
 * {@code .stignore}; the API's certificate from the secret; then Syncthing itself (which makes its device key on its
 * first start), for as long as the source exists. Where VolSync's container listens on fixed ports behind its
 * services and mounts whichever volume at {@code /data}, here Syncthing listens on its services' addresses and shares
 * the volume's own directory, both set again at every start; so is the GUI's password, for the pass to set from the
 * secret (which may have been made anew).
 */
final class SyncthingScript {

    static final String FOLDER_ID = "syncthing-folder-id";

    private static final Pattern GUI_ELEMENT = Pattern.compile("(?s)<gui\\b.*?</gui>");
    private static final Pattern GUI_PASSWORD = Pattern.compile("<password>[^<]*</password>");
    private static final Pattern FOLDER_TAG = Pattern.compile("<folder\\s[^>]*>");
    private static final Pattern PATH_ATTRIBUTE = Pattern.compile("\\bpath=\"[^\"]*\"");
    private static final Pattern LISTEN_ADDRESSES = Pattern.compile("(?:[ \\t]*<listenAddress>[^<]*</listenAddress>\\s*)+");

    private SyncthingScript() {
    }

    static JobScript run(MoverSettings settings, Path data, Path config, Map<String, byte[]> secret, String apiUrl,
            String listenUrl) {
        return ctx -> {
            ctx.log("===== STARTING CONTAINER =====");
            ctx.log("===== Running preflight check =====");
            Path configXml = config.resolve("config.xml");
            if (!Files.exists(configXml)) {
                ctx.log("===== populating " + config + " with /config.xml =====");
                replaceAtomically(configXml, template(data, listenUrl));
            } else {
                ctx.log("===== " + configXml + " already exists =====");
                replaceAtomically(configXml, withoutGuiPassword(withFolderPath(withListenAddress(
                        Files.readString(configXml), listenUrl), data)));
            }
            Path ignore = data.resolve(".stignore");
            if (!Files.exists(ignore, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                ctx.log("===== populating " + data + " with /.stignore =====");
                Files.writeString(ignore, "lost+found");
            } else {
                ctx.log("===== " + ignore + " already exists =====");
            }
            replacePrivate(config.resolve("https-key.pem"), secret.get(SyncthingSecret.KEY));
            replacePrivate(config.resolve("https-cert.pem"), secret.get(SyncthingSecret.CERT));
            // STMONITORED: Syncthing runs as this one process, without its monitor, which would start the real one
            // as its child: the job is the monitor (it starts Syncthing again whenever it ends), and a child of the
            // monitor would not end with Ferry (the parent-death signal reaches the process the job started only).
            Map<String, String> env = Map.of("STGUIAPIKEY",
                    new String(secret.get(SyncthingSecret.API_KEY), StandardCharsets.UTF_8), "STHASHING", "standard",
                    "STNOUPGRADE", "1", "STMONITORED", "1");
            return ctx.exec(List.of(settings.syncthingBinary(), "serve", "--home=" + config, "--no-browser",
                    "--no-restart", "--no-upgrade", "--gui-address=" + apiUrl), env, config).code();
        };
    }

    /** VolSync's configuration template, with this volume and listening address. */
    static String template(Path data, String listenUrl) {
        return """
                <configuration version="35">
                    <folder id="%s" label="synced volume" path="%s" type="sendreceive" rescanIntervalS="3600" \
                fsWatcherEnabled="true" fsWatcherDelayS="10" ignorePerms="false" autoNormalize="true">
                        <filesystemType>basic</filesystemType>
                        <minDiskFree unit="%%">1</minDiskFree>
                        <versioning>
                            <cleanupIntervalS>3600</cleanupIntervalS>
                            <fsPath></fsPath>
                            <fsType>basic</fsType>
                        </versioning>
                        <copiers>0</copiers>
                        <pullerMaxPendingKiB>0</pullerMaxPendingKiB>
                        <hashers>0</hashers>
                        <order>random</order>
                        <ignoreDelete>false</ignoreDelete>
                        <scanProgressIntervalS>0</scanProgressIntervalS>
                        <pullerPauseS>0</pullerPauseS>
                        <maxConflicts>10</maxConflicts>
                        <disableSparseFiles>false</disableSparseFiles>
                        <disableTempIndexes>false</disableTempIndexes>
                        <paused>false</paused>
                        <weakHashThresholdPct>25</weakHashThresholdPct>
                        <markerName>.stfolder</markerName>
                        <copyOwnershipFromParent>false</copyOwnershipFromParent>
                        <modTimeWindowS>0</modTimeWindowS>
                        <maxConcurrentWrites>2</maxConcurrentWrites>
                        <disableFsync>false</disableFsync>
                        <blockPullOrder>standard</blockPullOrder>
                        <copyRangeMethod>standard</copyRangeMethod>
                        <caseSensitiveFS>false</caseSensitiveFS>
                        <junctionsAsDirs>false</junctionsAsDirs>
                    </folder>
                    <gui enabled="true" tls="true" debugging="false">
                        <theme>default</theme>
                    </gui>
                    <ldap></ldap>
                    <options>
                        <announceLANAddresses>false</announceLANAddresses>
                        <globalAnnounceEnabled>false</globalAnnounceEnabled>
                        <listenAddress>%s</listenAddress>
                        <localAnnounceEnabled>false</localAnnounceEnabled>
                        <localAnnouncePort>21027</localAnnouncePort>
                        <natEnabled>false</natEnabled>
                        <relaysEnabled>false</relaysEnabled>
                        <startBrowser>false</startBrowser>
                    </options>
                </configuration>
                """.formatted(FOLDER_ID, xml(data.toString()), xml(listenUrl));
    }

    /** The configuration with {@code listenUrl} as its only listening address. */
    static String withListenAddress(String configXml, String listenUrl) {
        String element = "        <listenAddress>" + xml(listenUrl) + "</listenAddress>\n";
        Matcher matcher = LISTEN_ADDRESSES.matcher(configXml);
        if (matcher.find()) {
            String rest = LISTEN_ADDRESSES.matcher(configXml.substring(matcher.end())).replaceAll("");
            return configXml.substring(0, matcher.start()) + element + rest;
        }
        return configXml.replaceFirst("<options>\\s*", Matcher.quoteReplacement("<options>\n" + element));
    }

    /**
     * The configuration with the shared folder at {@code data}: VolSync's folder is always the container's
     * {@code /data}, whichever volume is mounted there; here it is the volume's own directory, which follows
     * {@code sourcePVC}.
     */
    static String withFolderPath(String configXml, Path data) {
        Matcher folder = FOLDER_TAG.matcher(configXml);
        while (folder.find()) {
            String tag = folder.group();
            if (tag.contains("id=\"" + FOLDER_ID + "\"")) {
                String moved = PATH_ATTRIBUTE.matcher(tag).replaceFirst(
                        Matcher.quoteReplacement("path=\"" + xml(data.toString()) + "\""));
                return configXml.substring(0, folder.start()) + moved + configXml.substring(folder.end());
            }
        }
        return configXml;
    }

    /**
     * The configuration without the GUI's password: the next pass sets the one of the secret, which Syncthing's
     * stored hash cannot be compared with.
     */
    static String withoutGuiPassword(String configXml) {
        Matcher gui = GUI_ELEMENT.matcher(configXml);
        if (!gui.find()) {
            return configXml;
        }
        String cleared = GUI_PASSWORD.matcher(gui.group()).replaceAll("<password></password>");
        return configXml.substring(0, gui.start()) + cleared + configXml.substring(gui.end());
    }

    /** A crash while writing leaves the old file or the new one, never a truncated one Syncthing cannot read. */
    private static void replaceAtomically(Path file, String content) throws java.io.IOException {
        Path next = file.resolveSibling(file.getFileName() + ".ferry-new");
        Files.writeString(next, content);
        Files.move(next, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    private static String xml(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    private static void replacePrivate(Path file, byte[] content) throws java.io.IOException {
        Files.deleteIfExists(file);
        JobMovers.writePrivate(file, content);
    }
}
