package dev.ferry.rpc.tag;

/**
 * Thrown when a string is not a valid Juju tag (or id) of the kind asked for; the message is Juju's own text, such
 * as {@code "not-a-tag" is not a valid tag} or {@code "machine-0" is not a valid model tag}, so it can go on the
 * wire unchanged.
 */
public class InvalidTagException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public InvalidTagException(String message) {
        super(message);
    }

    /** {@code "<input>" is not a valid tag}: the input is not a tag of any known kind. */
    static InvalidTagException notATag(String input) {
        return new InvalidTagException(GoQuote.quote(input) + " is not a valid tag");
    }

    /** {@code "<input>" is not a valid <kind> tag}: the input is not a valid tag of that kind. */
    static InvalidTagException notA(TagKind kind, String input) {
        return new InvalidTagException(GoQuote.quote(input) + " is not a valid " + kind.prefix() + " tag");
    }

    /** {@code "<id>" is not a valid <what>}, e.g. {@code "0/docker/1" is not a valid machine id}. */
    static InvalidTagException invalidId(String what, String id) {
        return new InvalidTagException(GoQuote.quote(id) + " is not a valid " + what);
    }
}
