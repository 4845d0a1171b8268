package dev.ferry.rpc.tag;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.function.Function;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Given tag strings and ids, Juju's parsing rules and exact error texts hold for every kind. */
class TagTest {

    private static final String UUID = "7d9f3c1e-52a4-4b8e-9c61-0a2f4e8b3d15";

    @ParameterizedTest(name = "{0} parses to {1} {2}")
    @CsvSource(delimiter = '|', textBlock = """
            machine-0                                         | machine     | 0
            machine-42                                        | machine     | 42
            machine-0-lxd-1                                   | machine     | 0/lxd/1
            machine-1-lxd-99-lxd-100                          | machine     | 1/lxd/99/lxd/100
            machine-3-kvm-0                                   | machine     | 3/kvm/0
            model-7d9f3c1e-52a4-4b8e-9c61-0a2f4e8b3d15        | model       | 7d9f3c1e-52a4-4b8e-9c61-0a2f4e8b3d15
            controller-7d9f3c1e-52a4-4b8e-9c61-0a2f4e8b3d15   | controller  | 7d9f3c1e-52a4-4b8e-9c61-0a2f4e8b3d15
            user-admin                                        | user        | admin
            user-bob@external                                 | user        | bob@external
            user-jo.smith+x-1@ldap.example.com                | user        | jo.smith+x-1@ldap.example.com
            application-mysql                                 | application | mysql
            application-my-app                                | application | my-app
            application-app2-x9y                              | application | app2-x9y
            unit-mysql-0                                      | unit        | mysql/0
            unit-my-app-10                                    | unit        | my-app/10
            unit-a-b-c-123                                    | unit        | a-b-c/123
            volume-0                                          | volume      | 0
            volume-12                                         | volume      | 12
            volume-0-lxd-1-3                                  | volume      | 0/lxd/1/3
            volume-4-7                                        | volume      | 4/7
            """)
    void validTagsParseToTheirKindAndIdAndPrintBackUnchanged(String tag, String kind, String id) {
        Tag parsed = Tag.parse(tag);
        assertThat(parsed.kind().prefix()).isEqualTo(kind);
        assertThat(parsed.id()).isEqualTo(id);
        assertThat(parsed.toString()).isEqualTo(tag);
        assertThat(Tag.parse(parsed.toString())).isEqualTo(parsed);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            not-a-tag                | "not-a-tag" is not a valid tag
            ``                       | "" is not a valid tag
            machine                  | "machine" is not a valid tag
            -machine-0               | "-machine-0" is not a valid tag
            Machine-0                | "Machine-0" is not a valid tag
            machines-0               | "machines-0" is not a valid tag
            0                        | "0" is not a valid tag
            service-mysql            | "service-mysql" is not a valid tag
            machine-                 | "machine-" is not a valid machine tag
            machine-01               | "machine-01" is not a valid machine tag
            machine--1               | "machine--1" is not a valid machine tag
            machine-0-lxd            | "machine-0-lxd" is not a valid machine tag
            machine-0-lxd-01         | "machine-0-lxd-01" is not a valid machine tag
            machine-0-docker-1       | "machine-0-docker-1" is not a valid machine tag
            machine-0-LXD-1          | "machine-0-LXD-1" is not a valid machine tag
            machine-a                | "machine-a" is not a valid machine tag
            machine-0-lxd-1-         | "machine-0-lxd-1-" is not a valid machine tag
            model-not-a-uuid         | "model-not-a-uuid" is not a valid model tag
            model-7D9F3C1E-52A4-4B8E-9C61-0A2F4E8B3D15 | "model-7D9F3C1E-52A4-4B8E-9C61-0A2F4E8B3D15" is not a valid model tag
            model-7d9f3c1e52a44b8e9c610a2f4e8b3d15 | "model-7d9f3c1e52a44b8e9c610a2f4e8b3d15" is not a valid model tag
            controller-1234          | "controller-1234" is not a valid controller tag
            user-                    | "user-" is not a valid user tag
            user-0                   | "user-0" is not a valid user tag
            user-bob@                | "user-bob@" is not a valid user tag
            user-bob@x@y             | "user-bob@x@y" is not a valid user tag
            user-.bob                | "user-.bob" is not a valid user tag
            application-             | "application-" is not a valid application tag
            application-MySQL        | "application-MySQL" is not a valid application tag
            application-mysql-0      | "application-mysql-0" is not a valid application tag
            application-1mysql       | "application-1mysql" is not a valid application tag
            application-my_app       | "application-my_app" is not a valid application tag
            unit-mysql               | "unit-mysql" is not a valid unit tag
            unit-mysql-              | "unit-mysql-" is not a valid unit tag
            unit-mysql-01            | "unit-mysql-01" is not a valid unit tag
            unit-0                   | "unit-0" is not a valid unit tag
            unit-my-app-x            | "unit-my-app-x" is not a valid unit tag
            volume-                  | "volume-" is not a valid volume tag
            volume-a                 | "volume-a" is not a valid volume tag
            volume-0-lxd             | "volume-0-lxd" is not a valid volume tag
            """)
    void invalidTagsAreRefusedWithJujusExactText(String input, String message) {
        assertThatThrownBy(() -> Tag.parse(input)).isInstanceOf(InvalidTagException.class).hasMessage(message);
    }

    @Test
    void aNullTagIsRefusedLikeTheEmptyString() {
        assertThatThrownBy(() -> Tag.parse(null)).hasMessage("\"\" is not a valid tag");
    }

    @Test
    void quotingFollowsGoSoControlCharactersAndQuotesAreEscaped() {
        assertThatThrownBy(() -> Tag.parse("a\"b\\c\n\t\u0001é"))
                .hasMessage("\"a\\\"b\\\\c\\n\\t\\x01é\" is not a valid tag");
    }

    static Stream<Arguments> kindSpecificParsers() {
        return Stream.of(
                Arguments.of("machine", (Function<String, Tag>) Tag::parseMachine, "machine-0-lxd-1"),
                Arguments.of("model", (Function<String, Tag>) Tag::parseModel, "model-" + UUID),
                Arguments.of("user", (Function<String, Tag>) Tag::parseUser, "user-bob@external"),
                Arguments.of("application", (Function<String, Tag>) Tag::parseApplication, "application-my-app"),
                Arguments.of("unit", (Function<String, Tag>) Tag::parseUnit, "unit-my-app-10"),
                Arguments.of("controller", (Function<String, Tag>) Tag::parseController, "controller-" + UUID),
                Arguments.of("volume", (Function<String, Tag>) Tag::parseVolume, "volume-0"));
    }

    @ParameterizedTest(name = "{0} parser")
    @MethodSource("kindSpecificParsers")
    void kindSpecificParsersAcceptTheirKindAndNameTheKindForOthers(String kind, Function<String, Tag> parser,
            String valid) {
        assertThat(parser.apply(valid).toString()).isEqualTo(valid);
        assertThat(parser.apply(valid).kind().prefix()).isEqualTo(kind);
        String otherKind = kind.equals("application") ? "machine-0" : "application-thing";
        assertThatThrownBy(() -> parser.apply(otherKind)).isInstanceOf(InvalidTagException.class)
                .hasMessage("\"" + otherKind + "\" is not a valid " + kind + " tag");
        assertThatThrownBy(() -> parser.apply("not-a-tag")).isInstanceOf(InvalidTagException.class)
                .hasMessage("\"not-a-tag\" is not a valid tag");
    }

    @Test
    void theSpecExamplesOfKindMismatch() {
        assertThatThrownBy(() -> Tag.parseMachine("application-thing"))
                .hasMessage("\"application-thing\" is not a valid machine tag");
        assertThatThrownBy(() -> Tag.parseModel("machine-0")).hasMessage("\"machine-0\" is not a valid model tag");
        assertThatThrownBy(() -> Tag.parseUser("")).hasMessage("\"\" is not a valid tag");
    }

    @Test
    void aKindSpecificParserReportsAnInvalidTagOfAnotherKindUnderThatKind() {
        // Juju parses first and checks the kind after, so the inner parse error wins.
        assertThatThrownBy(() -> Tag.parseMachine("application-Thing"))
                .hasMessage("\"application-Thing\" is not a valid application tag");
    }

    @ParameterizedTest(name = "{0}: parent {1}, container {2}, type {3}")
    @CsvSource(delimiter = '|', nullValues = "-", textBlock = """
            0                  | -         | false | -
            17                 | -         | false | -
            0/lxd/1            | 0         | true  | lxd
            2/kvm/0            | 2         | true  | kvm
            1/lxd/99/lxd/100   | 1/lxd/99  | true  | lxd
            1/kvm/2/lxd/3      | 1/kvm/2   | true  | lxd
            """)
    void machineIdsKnowTheirDirectParentAndContainerType(String id, String parent, boolean container,
            String type) {
        MachineTag tag = MachineTag.ofId(id);
        assertThat(tag.parentId()).isEqualTo(java.util.Optional.ofNullable(parent));
        assertThat(tag.parent().map(MachineTag::id)).isEqualTo(java.util.Optional.ofNullable(parent));
        assertThat(tag.isContainer()).isEqualTo(container);
        assertThat(tag.containerType().map(ContainerType::value)).isEqualTo(java.util.Optional.ofNullable(type));
        assertThat(tag.toString()).isEqualTo("machine-" + id.replace('/', '-'));
    }

    @ParameterizedTest(name = "machine id \"{0}\"")
    @ValueSource(strings = { "", "01", "-1", "a", "0/", "/0", "0/lxd", "0/lxd/", "0/lxd/01", "0/docker/1",
            "0//1", "0/LXD/1", "0/lxd/1/", "0-lxd-1", " 0", "0 " })
    void invalidMachineIdsAreRefusedByOfId(String id) {
        assertThat(MachineTag.isValidId(id)).isFalse();
        assertThatThrownBy(() -> MachineTag.ofId(id)).isInstanceOf(InvalidTagException.class)
                .hasMessage("\"" + id + "\" is not a valid machine id");
    }

    @Test
    void aMachineTagWrittenWithSlashesParsesToTheCanonicalTagAsInJuju() {
        MachineTag tag = Tag.parseMachine("machine-2/lxd/0");
        assertThat(tag.id()).isEqualTo("2/lxd/0");
        assertThat(tag.toString()).isEqualTo("machine-2-lxd-0");
    }

    @Test
    void unitTagsSplitOnTheLastHyphen() {
        UnitTag unit = Tag.parseUnit("unit-my-app-10");
        assertThat(unit.id()).isEqualTo("my-app/10");
        assertThat(unit.applicationName()).isEqualTo("my-app");
        assertThat(unit.application()).isEqualTo(ApplicationTag.ofName("my-app"));
        assertThat(unit.number()).isEqualTo("10");
        assertThat(UnitTag.ofId("mysql/0").toString()).isEqualTo("unit-mysql-0");
        assertThatThrownBy(() -> UnitTag.ofId("mysql-0")).hasMessage("\"mysql-0\" is not a valid unit name");
    }

    @Test
    void userTagsSeparateNameAndDomainAndDropTheLocalDomain() {
        UserTag bob = Tag.parseUser("user-bob@external");
        assertThat(bob.name()).isEqualTo("bob");
        assertThat(bob.domain()).contains("external");
        assertThat(bob.isLocal()).isFalse();
        UserTag admin = Tag.parseUser("user-admin");
        assertThat(admin.domain()).isEmpty();
        assertThat(admin.isLocal()).isTrue();
        assertThat(Tag.parseUser("user-admin@local")).isEqualTo(admin);
        assertThat(Tag.parseUser("user-admin@local").toString()).isEqualTo("user-admin");
    }

    @Test
    void modelAndControllerTagsCarryTheirUuid() {
        assertThat(Tag.parseModel("model-" + UUID).uuid()).isEqualTo(UUID);
        assertThat(ModelTag.ofUuid(UUID).toString()).isEqualTo("model-" + UUID);
        assertThat(ControllerTag.ofUuid(UUID).toString()).isEqualTo("controller-" + UUID);
        assertThat(ModelTag.ofUuid(UUID)).isNotEqualTo(ControllerTag.ofUuid(UUID));
        assertThatThrownBy(() -> ModelTag.ofUuid("nope")).hasMessage("\"nope\" is not a valid model UUID");
        assertThatThrownBy(() -> ControllerTag.ofUuid(UUID.toUpperCase()))
                .hasMessage("\"" + UUID.toUpperCase() + "\" is not a valid controller UUID");
    }

    @Test
    void factoriesValidateTheirIds() {
        assertThatThrownBy(() -> ApplicationTag.ofName("mysql-0"))
                .hasMessage("\"mysql-0\" is not a valid application name");
        assertThatThrownBy(() -> UserTag.ofId("a")).hasMessage("\"a\" is not a valid user name");
        assertThatThrownBy(() -> VolumeTag.ofId("x")).hasMessage("\"x\" is not a valid volume id");
        assertThat(VolumeTag.ofId("0/lxd/1/3").toString()).isEqualTo("volume-0-lxd-1-3");
    }

    @Test
    void tagsAreValuesComparedByKindAndId() {
        assertThat(Tag.parse("machine-0-lxd-1")).isEqualTo(MachineTag.ofId("0/lxd/1"))
                .hasSameHashCodeAs(MachineTag.ofId("0/lxd/1"));
        assertThat(Tag.parse("machine-0")).isNotEqualTo(Tag.parse("volume-0"));
    }
}
