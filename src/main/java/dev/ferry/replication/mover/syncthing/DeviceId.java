package dev.ferry.replication.mover.syncthing;

import java.util.Locale;

import dev.ferry.replication.mover.MoverException;

/**
 * Syncthing device IDs as Syncthing reads them: base32 of 32 bytes, with (56 characters) or without (52) a Luhn
 * check character per 13, in any case, dashes and spaces anywhere, 0/1/8 typed for O/I/B. {@link #canonical} gives
 * the form Syncthing prints ({@code XXXXXXX-…}, eight groups of seven), so that IDs written differently compare equal.
 */
final class DeviceId {

    private static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

    private DeviceId() {
    }

    /** The canonical form of {@code id}; Syncthing's error when it is not a device ID. */
    static String canonical(String id) throws MoverException {
        String s = stripEquals(id).toUpperCase(Locale.ROOT).replace('0', 'O').replace('1', 'I').replace('8', 'B')
                .replace("-", "").replace(" ", "");
        if (s.length() == 56) {
            s = withoutCheckDigits(s, id);
        } else if (s.length() != 52) {
            throw new MoverException(quote(id) + ": device ID invalid: incorrect length");
        }
        return chunked(withCheckDigits(encode(decode(s, id))));
    }

    private static String stripEquals(String id) {
        int begin = 0;
        int end = id.length();
        while (begin < end && id.charAt(begin) == '=') {
            begin++;
        }
        while (end > begin && id.charAt(end - 1) == '=') {
            end--;
        }
        return id.substring(begin, end);
    }

    private static String withoutCheckDigits(String s, String original) throws MoverException {
        StringBuilder plain = new StringBuilder(52);
        for (int group = 0; group < 4; group++) {
            String part = s.substring(group * 14, group * 14 + 13);
            if (luhn(part, original) != s.charAt(group * 14 + 13)) {
                throw new MoverException(quote(s) + ": check digit incorrect");
            }
            plain.append(part);
        }
        return plain.toString();
    }

    private static String withCheckDigits(String plain) throws MoverException {
        StringBuilder out = new StringBuilder(56);
        for (int group = 0; group < 4; group++) {
            String part = plain.substring(group * 13, group * 13 + 13);
            out.append(part).append(luhn(part, plain));
        }
        return out.toString();
    }

    /** Luhn mod 32 over the base32 alphabet, as Syncthing computes its check characters. */
    private static char luhn(String part, String original) throws MoverException {
        int factor = 1;
        int sum = 0;
        for (int i = 0; i < part.length(); i++) {
            int codepoint = ALPHABET.indexOf(part.charAt(i));
            if (codepoint < 0) {
                throw new MoverException("digit '" + part.charAt(i) + "' not valid in alphabet \"" + ALPHABET
                        + "\" (" + quote(original) + ")");
            }
            int addend = factor * codepoint;
            factor = factor == 2 ? 1 : 2;
            sum += addend / 32 + addend % 32;
        }
        return ALPHABET.charAt((32 - sum % 32) % 32);
    }

    private static byte[] decode(String s, String original) throws MoverException {
        byte[] out = new byte[32];
        int buffer = 0;
        int bits = 0;
        int index = 0;
        for (int i = 0; i < s.length(); i++) {
            int value = ALPHABET.indexOf(s.charAt(i));
            if (value < 0) {
                throw new MoverException("illegal base32 data at input byte " + i + " (" + quote(original) + ")");
            }
            buffer = (buffer << 5) | value;
            bits += 5;
            if (bits >= 8) {
                bits -= 8;
                if (index < out.length) {
                    out[index++] = (byte) (buffer >> bits);
                }
                buffer &= (1 << bits) - 1;
            }
        }
        return out;
    }

    private static String encode(byte[] bytes) {
        StringBuilder out = new StringBuilder(52);
        int buffer = 0;
        int bits = 0;
        for (byte b : bytes) {
            buffer = (buffer << 8) | (b & 0xff);
            bits += 8;
            while (bits >= 5) {
                bits -= 5;
                out.append(ALPHABET.charAt((buffer >> bits) & 31));
            }
            buffer &= (1 << bits) - 1;
        }
        if (bits > 0) {
            out.append(ALPHABET.charAt((buffer << (5 - bits)) & 31));
        }
        return out.toString();
    }

    private static String chunked(String s) {
        StringBuilder out = new StringBuilder(63);
        for (int i = 0; i < s.length(); i += 7) {
            if (i > 0) {
                out.append('-');
            }
            out.append(s, i, i + 7);
        }
        return out.toString();
    }

    private static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
