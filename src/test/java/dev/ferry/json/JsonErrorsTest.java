package dev.ferry.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

class JsonErrorsTest {

    private final ObjectMapper mapper = new ObjectMapper();

    private String describe(String input) {
        return JsonErrors.describe(catchThrowableOfType(JsonProcessingException.class, () -> mapper.readTree(input)));
    }

    @Test
    void aParseErrorSaysWhatAndWhere_onOneLine_withoutTheParsersWordsForItsInput() {
        assertThat(describe("{\"request-id\":6, \"type\":"))
                .isEqualTo("Unexpected end-of-input within/between Object entries (line 1, column 25)");
        assertThat(describe("[1,2")).isEqualTo("Unexpected end-of-input: expected close marker for Array "
                + "(start marker at line 1, column 1) (line 1, column 5)");
        assertThat(describe("{x\n}")).startsWith("Unexpected character ('x' (code 120))").endsWith("(line 1, column 2)")
                .doesNotContain("\n").doesNotContain("Source");
    }

    @Test
    void otherReadErrorsKeepTheirMessageOnOneLine() {
        assertThat(JsonErrors.describe(new IOException("stream closed\n  early"))).isEqualTo("stream closed early");
        assertThat(JsonErrors.describe(new IOException())).isEqualTo("IOException");
    }
}
