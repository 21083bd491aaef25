package io.nexaflow.security;

/** The three roles an API key can have. */
public final class Roles {
    /** Manages flows and keys, and may do everything the others do. */
    public static final String ADMIN = "admin";
    /** Originates calls, runs flow dry runs, runs campaigns and manages suppressions. */
    public static final String OPERATOR = "operator";
    /** Reads calls, events, DTMF history, campaigns and suppressions. */
    public static final String AUDITOR = "auditor";

    private Roles() {
    }

    /** The roles a key of this role holds: an admin may do everything an operator or an auditor may. */
    public static java.util.Set<String> granted(String role) {
        return ADMIN.equals(role) ? java.util.Set.of(ADMIN, OPERATOR, AUDITOR) : java.util.Set.of(role);
    }

    public static boolean isRole(String role) {
        return ADMIN.equals(role) || OPERATOR.equals(role) || AUDITOR.equals(role);
    }
}
