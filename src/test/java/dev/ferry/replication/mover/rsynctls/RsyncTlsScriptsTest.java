package dev.ferry.replication.mover.rsynctls;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Addresses as stunnel reads them. */
class RsyncTlsScriptsTest {

    @Test
    void givenAnIpv6Address_whenWrittenForStunnel_thenItHasNoBrackets() {
        // stunnel resolves "::1:8000" but not "[::1]:8000"
        assertThat(RsyncTlsScripts.hostPort("::1", 8000)).isEqualTo("::1:8000");
        assertThat(RsyncTlsScripts.hostPort("[::1]", 8000)).isEqualTo("::1:8000");
        assertThat(RsyncTlsScripts.hostPort("127.0.0.1", 8000)).isEqualTo("127.0.0.1:8000");
    }
}
