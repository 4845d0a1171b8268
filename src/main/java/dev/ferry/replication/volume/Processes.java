package dev.ferry.replication.volume;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Runs a short helper command (cp, rm) to completion on the calling (worker) thread. */
final class Processes {

    private Processes() {
    }

    static void run(List<String> command, String what) throws IOException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] output = process.getInputStream().readAllBytes();
        int code;
        try {
            code = process.waitFor();
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted: " + what, e);
        }
        if (code != 0) {
            throw new IOException(what + " failed (exit " + code + "): "
                    + new String(output, StandardCharsets.UTF_8).strip());
        }
    }
}
