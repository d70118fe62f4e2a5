package dev.ist.client;

import java.util.ArrayList;
import java.util.List;

/**
 * How a refusal reads on the terminal: {@code title: detail} on the first line, then one indented line per refused
 * field, then when to retry if the gateway said so.
 */
public final class ProblemPrinter {

    private ProblemPrinter() {
    }

    public static List<String> lines(Problem p) {
        List<String> out = new ArrayList<>();
        String head = p.title();
        if (p.detail() != null && !p.detail().isBlank() && !p.detail().equals(p.title())) {
            head += ": " + p.detail();
        }
        out.add(head);
        for (Problem.FieldError e : p.errors()) {
            String field = e.field() == null ? "(request)" : e.field();
            String line = "  " + field + ": " + (e.message() == null ? "refused" : e.message());
            // the detail often repeats the only field error word for word
            if (!(p.errors().size() == 1 && head.endsWith(field + ": " + e.message()))) {
                out.add(line);
            }
        }
        if (p.retryAfter() != null && !p.retryAfter().isBlank()) {
            out.add("  retry after " + p.retryAfter() + " s");
        }
        return out;
    }

    public static String text(Problem p) {
        return String.join(System.lineSeparator(), lines(p));
    }
}
