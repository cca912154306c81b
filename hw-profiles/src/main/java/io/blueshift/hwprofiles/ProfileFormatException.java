package io.blueshift.hwprofiles;

/** A profile file that cannot be used; the message names the file and the field. */
public final class ProfileFormatException extends IllegalArgumentException {
    public ProfileFormatException(String message) {
        super(message);
    }
}
