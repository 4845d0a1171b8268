package dev.ferry.replication.mover.syncthing;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.ferry.replication.api.ReplicationSource;
import dev.ferry.replication.api.SyncthingPeer;
import dev.ferry.replication.api.SyncthingPeerStatus;
import dev.ferry.replication.api.SyncthingSpec;
import dev.ferry.replication.api.SyncthingStatus;
import dev.ferry.replication.job.JobReplacedException;
import dev.ferry.replication.job.JobSpec;
import dev.ferry.replication.job.JobStatus;
import dev.ferry.replication.mover.JobMovers;
import dev.ferry.replication.mover.Mover;
import dev.ferry.replication.mover.MoverEnvironment;
import dev.ferry.replication.mover.MoverException;
import dev.ferry.replication.mover.MoverLogs;
import dev.ferry.replication.mover.Result;
import dev.ferry.replication.volume.Owner;
import dev.ferry.replication.volume.ServiceBackend;
import dev.ferry.replication.volume.Volume;

/**
 * VolSync's Syncthing mover: a Syncthing that runs for as long as the source exists (VolSync's Deployment; here a
 * job restarted whenever it ends) sharing the live source volume with the peers of the spec. Each pass makes sure
 * the configuration volume, the secret, the API and data services and Syncthing are there, sets Syncthing's devices
 * to the peers through its API, and reports its ID, address and connections in {@code status.syncthing}. It never
 * completes: every pass asks to be run again in 20 seconds.
 */
final class SyncthingMover implements Mover {

    static final Duration RESYNC = Duration.ofSeconds(20);
    /** A Syncthing that has just been started is given this long to open its API before the pass reports an error. */
    static final Duration STARTUP = Duration.ofSeconds(30);
    static final Duration STARTUP_RECHECK = Duration.ofMillis(250);
    /** How long the API may take to come back after a publication restarted it. */
    static final Duration API_RESTART = Duration.ofSeconds(10);
    private static final Pattern SCHEME = Pattern.compile("^(\\w+://)\\S+$");

    private final MoverEnvironment env;
    private final ReplicationSource source;
    private final SyncthingSpec spec;
    private final Owner owner;

    SyncthingMover(MoverEnvironment env, ReplicationSource source) {
        this.env = env;
        this.source = source;
        this.spec = source.spec().syncthing();
        this.owner = JobMovers.owner(source);
    }

    @Override
    public String name() {
        return "syncthing";
    }

    @Override
    public Result synchronize() throws MoverException {
        String ns = owner.namespace();
        Volume data = JobMovers.sourcePvc(env, owner, source.spec().sourcePVC());
        Volume config = env.volumes().ensureNewPvc(ns, "volsync-" + owner.name() + "-config", owner,
                spec.configCapacity() == null || spec.configCapacity().isEmpty() ? "1Gi" : spec.configCapacity(),
                // A local volume records no access modes of its own to copy, as VolSync copies the data PVC's.
                spec.configAccessModes() != null && !spec.configAccessModes().isEmpty() ? spec.configAccessModes()
                        : List.of("ReadWriteOnce"));
        Optional<ServiceBackend.Address> api = env.services().ensure(ns, "volsync-" + owner.name() + "-api", owner,
                null);
        Optional<ServiceBackend.Address> dataService = env.services().ensure(ns, "volsync-" + owner.name() + "-data",
                owner, null);
        if (api.isEmpty() || dataService.isEmpty()) {
            return Result.inProgress();
        }
        Map<String, byte[]> secret = SyncthingSecret.ensure(env.secrets(), owner, env.settings().opensslBinary(),
                api.get().host());
        String apiUrl = "https://" + api.get().hostPort();
        String listenUrl = "tcp://" + dataService.get().hostPort();
        JobStatus daemon = ensureRunning(new JobSpec(ns, "volsync-" + owner.name(), owner, false, Integer.MAX_VALUE, 1,
                JobSpec.template("data", data.path(), "config", config.path(), "secret", SyncthingSecret.name(owner),
                        "secretContent", SyncthingSecret.fingerprint(secret), "api", apiUrl, "listen", listenUrl),
                SyncthingScript.run(env.settings(), data.path(), config.path(), secret, apiUrl, listenUrl)));

        List<SyncthingPeer> peers = validatedPeers();
        SyncthingApi client = new SyncthingApi(apiUrl, new String(secret.get(SyncthingSecret.API_KEY),
                StandardCharsets.UTF_8), secret.get(SyncthingSecret.CERT));
        SyncthingApi.State state;
        try {
            state = client.fetch();
        } catch (SyncthingApi.UnreachableException e) {
            if (!daemon.active()) {
                throw new MoverException("Syncthing is not running (started again after the job retry delay); "
                        + "its last words: " + MoverLogs.lastLines(daemon.logs().strip(), 1), e);
            }
            if (daemon.attemptStartTime() != null
                    && daemon.attemptStartTime().plus(STARTUP).isAfter(env.clock().instant())) {
                return Result.retryAfter(STARTUP_RECHECK);
            }
            throw e;
        }
        if (ensureIsConfigured(secret, state, peers)) {
            client.publishConfig(state.config());
            state = fetchAfterPublish(client);
        }
        source.status().syncthing = new SyncthingStatus(state.myId(), listenUrl, connectedPeers(state));
        return Result.retryAfter(RESYNC);
    }

    /**
     * The state again. Syncthing restarts its API when the GUI's settings change (the user and password, on the
     * first pass), so the API may refuse connections for a moment right after a publication.
     */
    private SyncthingApi.State fetchAfterPublish(SyncthingApi client) throws MoverException {
        long deadline = System.nanoTime() + API_RESTART.toNanos();
        while (true) {
            try {
                return client.fetch();
            } catch (SyncthingApi.UnreachableException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                try {
                    Thread.sleep(50);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    /** Syncthing keeps no data of its own to clean up between syncs: it runs on the live volume. */
    @Override
    public Result cleanup() {
        return Result.complete();
    }

    /**
     * Ensures Syncthing runs: a job whose template changed is replaced at once (a Deployment's Recreate), and one
     * whose Syncthing ended cleanly (stopped by a signal, or shut down through its API) is started again, as a
     * Deployment's pod is restarted whatever its exit code.
     */
    private JobStatus ensureRunning(JobSpec job) {
        JobStatus status;
        try {
            status = env.jobs().ensure(job);
        } catch (JobReplacedException e) {
            status = env.jobs().ensure(job);
        }
        if (status.succeeded() > 0) {
            env.jobs().delete(job.namespace(), job.name());
            status = env.jobs().ensure(job);
        }
        return status;
    }


    /**
     * The spec's peers, their IDs in Syncthing's form so that one device written two ways is one device; VolSync's
     * error for a peer listed twice, Syncthing's for an ID that is not one.
     */
    private List<SyncthingPeer> validatedPeers() throws MoverException {
        Set<String> unique = new HashSet<>();
        List<SyncthingPeer> peers = new ArrayList<>();
        for (SyncthingPeer peer : spec.peers() == null ? List.<SyncthingPeer>of() : spec.peers()) {
            String given = peer == null ? "" : nullToEmpty(peer.id());
            String id = DeviceId.canonical(given);
            if (!unique.add(id)) {
                throw new MoverException("duplicate peer found in peer list: " + given);
            }
            peers.add(new SyncthingPeer(peer == null ? "" : nullToEmpty(peer.address()), id,
                    peer != null && peer.introducer()));
        }
        return peers;
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }

    /**
     * VolSync's {@code ensureIsConfigured}: the devices become this one, those introduced by others and the peers
     * (the folder shared with all of them) when the peers differ from the devices configured by hand; the GUI gets
     * the secret's user and password. True when the configuration changed and must be published.
     */
    private boolean ensureIsConfigured(Map<String, byte[]> secret, SyncthingApi.State state,
            List<SyncthingPeer> peers) throws MoverException {
        String myId = state.myId();
        for (SyncthingPeer peer : peers) {
            if (peer.id().equals(myId)) {
                throw new MoverException("the peer list contains the node itself");
            }
        }
        ObjectNode config = (ObjectNode) state.config();
        boolean changed = false;
        if (needsReconfigure(peers, config, myId)) {
            ArrayNode devices = JsonNodeFactory.instance.arrayNode();
            for (JsonNode device : config.path("devices")) {
                if (device.path("deviceID").asText("").equals(myId) || !device.path("introducedBy").asText("")
                        .isEmpty()) {
                    devices.add(device);
                }
            }
            for (SyncthingPeer peer : peers) {
                ObjectNode device = devices.addObject();
                device.put("deviceID", peer.id());
                device.putArray("addresses").add(peer.address());
                device.put("introducer", peer.introducer());
            }
            config.set("devices", devices);
            for (JsonNode folder : config.path("folders")) {
                ArrayNode shared = ((ObjectNode) folder).putArray("devices");
                for (JsonNode device : devices) {
                    shared.addObject().put("deviceID", device.path("deviceID").asText(""));
                }
            }
            changed = true;
        }
        ObjectNode gui = config.with("gui");
        String user = new String(secret.get(SyncthingSecret.USERNAME), StandardCharsets.UTF_8);
        if (!gui.path("user").asText("").equals(user) || gui.path("password").asText("").isEmpty()) {
            gui.put("user", user);
            gui.put("password", new String(secret.get(SyncthingSecret.PASSWORD), StandardCharsets.UTF_8));
            changed = true;
        }
        return changed;
    }

    /** Whether the peers differ from the configured devices, this one and those introduced by others aside. */
    private static boolean needsReconfigure(List<SyncthingPeer> peers, JsonNode config, String myId) {
        Set<String> wanted = new HashSet<>();
        wanted.add(myId);
        for (SyncthingPeer peer : peers) {
            wanted.add(peer.id());
        }
        Set<String> current = new HashSet<>();
        current.add(myId);
        for (JsonNode device : config.path("devices")) {
            String id = device.path("deviceID").asText("");
            if (!id.equals(myId) && device.path("introducedBy").asText("").isEmpty()) {
                current.add(id);
            }
        }
        return !wanted.equals(current);
    }

    /** The devices Syncthing has connections for (itself aside), as VolSync reports them; ordered by ID. */
    private static List<SyncthingPeerStatus> connectedPeers(SyncthingApi.State state) {
        List<SyncthingPeerStatus> peers = new ArrayList<>();
        Iterator<Map.Entry<String, JsonNode>> connections = state.connections().path("connections").fields();
        while (connections.hasNext()) {
            Map.Entry<String, JsonNode> connection = connections.next();
            String id = connection.getKey();
            if (id.isEmpty() || id.equals(state.myId())) {
                continue;
            }
            for (JsonNode device : state.config().path("devices")) {
                if (device.path("deviceID").asText("").equals(id)) {
                    peers.add(new SyncthingPeerStatus(asTcpAddress(connection.getValue().path("address").asText("")),
                            id, connection.getValue().path("connected").asBoolean(false),
                            device.path("introducedBy").asText(""), device.path("name").asText("")));
                    break;
                }
            }
        }
        peers.sort(Comparator.comparing(SyncthingPeerStatus::id));
        return peers;
    }

    /** VolSync's {@code asTCPAddress}: {@code tcp://} in front unless the address has a scheme already. */
    static String asTcpAddress(String address) {
        return SCHEME.matcher(address).matches() ? address : "tcp://" + address;
    }
}
