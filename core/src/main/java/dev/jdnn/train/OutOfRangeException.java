package dev.jdnn.train;

/**
 * A numeric parameter outside its documented range. The message names the parameter (after its owner, such as
 * the optimizer, when there is one), the value and the allowed range; the parts are kept apart too, so that a
 * caller such as the command line can name its own option for the parameter.
 */
public final class OutOfRangeException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final String parameter;
    private final String value;
    private final String allowed;

    /** {@code parameter = value is out of range; allowed: allowed}. */
    public OutOfRangeException(String parameter, Object value, String allowed) {
        this(null, parameter, value, allowed);
    }

    /** As {@link #OutOfRangeException(String, Object, String)}, prefixed with {@code owner: } unless owner is null. */
    public OutOfRangeException(String owner, String parameter, Object value, String allowed) {
        super((owner == null ? "" : owner + ": ") + parameter + " = " + value + " is out of range; allowed: " + allowed);
        this.parameter = parameter;
        this.value = String.valueOf(value);
        this.allowed = allowed;
    }

    /** The parameter's name, without its owner. */
    public String parameter() {
        return parameter;
    }

    /** The refused value as written in the message. */
    public String value() {
        return value;
    }

    /** The allowed range, in words. */
    public String allowed() {
        return allowed;
    }
}
