package dev.ferry.replication.mover.rclone;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;

class RcloneConfigTest {

    static final String CONF = """
            # backups
            [offsite]
            type = s3
            provider = AWS

            [ disk ]
            ; a comment = type = s3
            path_style = x
              type   =   local
            [empty]
            """;

    @Test
    void givenSections_whenAskingATypeEachGetsItsOwn() {
        assertThat(RcloneConfig.sectionType(CONF, "offsite")).isEqualTo("s3");
        assertThat(RcloneConfig.sectionType(CONF, "disk")).isEqualTo("local");
    }

    @Test
    void givenAnAbsentSectionOrType_whenAsked_thenNull() {
        assertThat(RcloneConfig.sectionType(CONF, "empty")).isNull();
        assertThat(RcloneConfig.sectionType(CONF, "nowhere")).isNull();
        assertThat(RcloneConfig.sectionType("", "disk")).isNull();
    }

    @Test
    void givenALocalSection_whenAskingWhatToFlush_thenTheRemotesDirectoryResolvedAsRcloneDoes() {
        Path cwd = Path.of("/work");
        assertThat(RcloneConfig.localRemotePath(CONF, Map.of(), "disk", "/backups/a", cwd)).isEqualTo(
                Path.of("/backups/a"));
        assertThat(RcloneConfig.localRemotePath(CONF, Map.of(), "disk", "rel", cwd)).isEqualTo(Path.of("/work/rel"));
        assertThat(RcloneConfig.localRemotePath(CONF, Map.of(), "offsite", "bucket", cwd)).isNull();
    }

    @Test
    void givenTheTypeInTheEnvironment_whenAskingWhatToFlush_thenItOverridesTheFileAsInRclone() {
        Path cwd = Path.of("/work");
        assertThat(RcloneConfig.localRemotePath(CONF, Map.of("RCLONE_CONFIG_OFFSITE_TYPE", "local"), "offsite",
                "/b", cwd)).isEqualTo(Path.of("/b"));
        assertThat(RcloneConfig.localRemotePath(CONF, Map.of("RCLONE_CONFIG_DISK_TYPE", "s3"), "disk", "/b", cwd))
                .isNull();
    }
}
