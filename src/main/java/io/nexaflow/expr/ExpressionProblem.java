package io.nexaflow.expr;

/**
 * Something wrong in a template or a condition, and where: {@code offset} counts characters from 0, {@code line}
 * and {@code column} count from 1; all three are -1 when the position is not known.
 */
public record ExpressionProblem(int offset, int line, int column, String message) {

    /** A problem at a character offset of {@code text}, with its line and column worked out. */
    static ExpressionProblem at(String text, int offset, String message) {
        int line = 1;
        int lineStart = 0;
        for (int i = 0; i < offset && i < text.length(); i++) {
            if (text.charAt(i) == '\n') {
                line++;
                lineStart = i + 1;
            }
        }
        return new ExpressionProblem(offset, line, offset - lineStart + 1, message);
    }

    /** A problem at a line and column (both from 1) of {@code text}, with its offset worked out. */
    static ExpressionProblem atLine(String text, int line, int column, String message) {
        if (line < 1 || column < 1) {
            return new ExpressionProblem(-1, -1, -1, message);
        }
        int offset = 0;
        for (int l = 1; l < line && offset >= 0; l++) {
            int newline = text.indexOf('\n', offset);
            offset = newline < 0 ? -1 : newline + 1;
        }
        return new ExpressionProblem(offset < 0 ? -1 : offset + column - 1, line, column, message);
    }

    /** "line 1, column 6: unknown reference 'cal.from'", for a problem document's message. */
    public String describe() {
        return line < 0 ? message : "line " + line + ", column " + column + ": " + message;
    }
}
