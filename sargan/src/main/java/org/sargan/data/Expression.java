package org.sargan.data;

import java.util.Arrays;
import java.util.Locale;

/**
 * The seven expression classes in SARGAN's order (the one-hot index): the alphabetical order of the KDEF folder
 * codes, as the reference loader uses.
 */
public enum Expression {
    AFRAID("AFS", "fearful"), ANGRY("ANS"), DISGUSTED("DIS"), HAPPY("HAS"), NEUTRAL("NES"), SAD("SAS"),
    SURPRISED("SUS");

    private final String code;
    private final String[] aliases;

    Expression(String code, String... aliases) {
        this.code = code;
        this.aliases = aliases;
    }

    /** The KDEF folder code, e.g. HAS. */
    public String code() {
        return code;
    }

    /** The plain name, e.g. happy. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Matches a KDEF code, a plain name or an alias, ignoring case; null when nothing matches. */
    public static Expression match(String name) {
        String n = name.trim().toLowerCase(Locale.ROOT);
        for (Expression e : values()) {
            if (n.equals(e.id()) || n.equalsIgnoreCase(e.code) || Arrays.asList(e.aliases).contains(n)) {
                return e;
            }
        }
        return null;
    }

    /** Like {@link #match} but refuses unknown names, listing the valid ones. */
    public static Expression parse(String name) {
        Expression e = match(name);
        if (e == null) {
            throw new IllegalArgumentException("unknown expression '" + name + "'; valid: afraid, angry, disgusted, "
                    + "happy, neutral, sad, surprised (or the KDEF codes AFS, ANS, DIS, HAS, NES, SAS, SUS)");
        }
        return e;
    }
}
