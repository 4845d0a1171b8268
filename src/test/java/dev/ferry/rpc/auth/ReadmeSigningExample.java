package dev.ferry.rpc.auth;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The worked example of README.md's "Signing requests" section, read from the file: the fenced blocks of its
 * "Worked example" subsection, in order inputs, derived values, canonical string, signature.
 */
public record ReadmeSigningExample(Map<String, String> values, List<String> canonicalLines) {

    public static ReadmeSigningExample load() throws IOException {
        List<String> lines = Files.readAllLines(Path.of("README.md"));
        int section = lines.indexOf("## Signing requests");
        if (section < 0) {
            throw new IllegalStateException("README.md has no '## Signing requests' section");
        }
        int start = lines.subList(section, lines.size()).indexOf("### Worked example") + section;
        if (start < section) {
            throw new IllegalStateException("README.md's signing section has no '### Worked example'");
        }
        List<List<String>> blocks = new ArrayList<>();
        List<String> block = null;
        for (String line : lines.subList(start + 1, lines.size())) {
            if (block == null && line.startsWith("#")) {
                break; // the next heading ends the subsection
            }
            if (line.startsWith("```")) {
                if (block == null) {
                    block = new ArrayList<>();
                } else {
                    blocks.add(block);
                    block = null;
                }
            } else if (block != null) {
                block.add(line);
            }
        }
        if (blocks.size() != 4) {
            throw new IllegalStateException("expected 4 fenced blocks in the worked example, found " + blocks.size());
        }
        Map<String, String> values = new LinkedHashMap<>();
        for (int i : new int[] { 0, 1, 3 }) {
            for (String line : blocks.get(i)) {
                int colon = line.indexOf(": ");
                if (colon <= 0) {
                    throw new IllegalStateException("not a 'name: value' line: " + line);
                }
                if (values.put(line.substring(0, colon), line.substring(colon + 2)) != null) {
                    throw new IllegalStateException("given twice: " + line);
                }
            }
        }
        return new ReadmeSigningExample(values, List.copyOf(blocks.get(2)));
    }

    public String get(String name) {
        String value = values.get(name);
        if (value == null) {
            throw new IllegalStateException("the worked example has no '" + name + ":' line");
        }
        return value;
    }
}
