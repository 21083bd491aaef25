package io.nexaflow.verb;

import java.util.List;
import java.util.Optional;

/**
 * One field of a Nexafone verb or of the originate payload, as the vendor's call flow reference describes it.
 * {@code min}/{@code max}/{@code unit} apply to integers, {@code members} to objects.
 */
public record VerbField(String name, Kind kind, boolean required, int min, int max, String unit, List<VerbField> members) {

    /** What a field holds; each kind has one validation rule. */
    public enum Kind {
        TEXT, BOOLEAN, INTEGER, KEY, PSTN, DIAL_TARGET, AUDIO_URL, WEBHOOK_URL, VERB, OBJECT
    }

    /** Every verb's discriminator. */
    public static final VerbField TYPE = text("type", true);

    public Optional<VerbField> member(String name) {
        return members.stream().filter(f -> f.name.equals(name)).findFirst();
    }

    static VerbField text(String name, boolean required) {
        return new VerbField(name, Kind.TEXT, required, 0, 0, null, List.of());
    }

    static VerbField bool(String name) {
        return new VerbField(name, Kind.BOOLEAN, true, 0, 0, null, List.of());
    }

    static VerbField integer(String name, int min, int max, String unit) {
        return new VerbField(name, Kind.INTEGER, false, min, max, unit, List.of());
    }

    static VerbField key(String name) {
        return new VerbField(name, Kind.KEY, false, 0, 0, null, List.of());
    }

    static VerbField pstn(String name) {
        return new VerbField(name, Kind.PSTN, true, 0, 0, null, List.of());
    }

    static VerbField dialTarget(String name) {
        return new VerbField(name, Kind.DIAL_TARGET, true, 0, 0, null, List.of());
    }

    static VerbField audio(String name, boolean required) {
        return new VerbField(name, Kind.AUDIO_URL, required, 0, 0, null, List.of());
    }

    static VerbField webhook(String name) {
        return new VerbField(name, Kind.WEBHOOK_URL, true, 0, 0, null, List.of());
    }

    static VerbField verb(String name, boolean required) {
        return new VerbField(name, Kind.VERB, required, 0, 0, null, List.of());
    }

    static VerbField object(String name, boolean required, VerbField... members) {
        return new VerbField(name, Kind.OBJECT, required, 0, 0, null, List.of(members));
    }
}
