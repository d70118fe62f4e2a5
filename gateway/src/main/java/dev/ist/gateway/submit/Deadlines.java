package dev.ist.gateway.submit;

import dev.ist.common.job.FieldError;
import dev.ist.gateway.api.ProblemException;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A job's deadline from a {@code Cancel-After} header (a duration such as {@code 90s}, {@code 5m}, {@code 1h30m},
 * {@code 250ms}, or ISO-8601 {@code PT5M}) or a {@code deadline} field (an RFC 3339 instant or such a duration).
 */
public final class Deadlines {

    private static final Pattern PART = Pattern.compile("(\\d+)(ms|h|m|s)");
    private static final Duration MAX = Duration.ofDays(7);

    private Deadlines() {
    }

    /** The deadline, or null when neither is given; a bad or out-of-range value is a 422 naming its field. */
    public static Instant from(String cancelAfter, String deadline, Instant now) {
        if (cancelAfter != null && !cancelAfter.isBlank()) {
            return now.plus(duration("Cancel-After", cancelAfter.trim()));
        }
        if (deadline == null || deadline.isBlank()) {
            return null;
        }
        String d = deadline.trim();
        if (Character.isDigit(d.charAt(0)) && d.contains("T")) {
            try {
                Instant at = Instant.parse(d);
                if (!at.isAfter(now) || at.isAfter(now.plus(MAX))) {
                    throw invalid("deadline", "must be in the future and at most 7 days away");
                }
                return at;
            } catch (DateTimeParseException e) {
                throw invalid("deadline", "must be an RFC 3339 instant (2026-01-31T12:00:00Z) or a duration (90s)");
            }
        }
        return now.plus(duration("deadline", d));
    }

    static Duration duration(String field, String text) {
        Duration d;
        String t = text.toLowerCase(Locale.ROOT);
        if (t.startsWith("pt") || t.startsWith("p")) {
            try {
                d = Duration.parse(text.toUpperCase(Locale.ROOT));
            } catch (DateTimeParseException e) {
                throw invalid(field, "is not a duration");
            }
        } else {
            Matcher m = PART.matcher(t);
            int end = 0;
            d = Duration.ZERO;
            while (m.find() && m.start() == end) {
                long n;
                try {
                    n = Long.parseLong(m.group(1));
                } catch (NumberFormatException e) {
                    throw invalid(field, "is too large");
                }
                if (n > MAX.toMillis()) {
                    throw invalid(field, "must be at most 7 days");
                }
                d = d.plus(switch (m.group(2)) {
                    case "h" -> Duration.ofHours(n);
                    case "m" -> Duration.ofMinutes(n);
                    case "s" -> Duration.ofSeconds(n);
                    default -> Duration.ofMillis(n);
                });
                end = m.end();
            }
            if (end != t.length() || end == 0) {
                throw invalid(field, "must be a duration such as 90s, 5m, 1h30m or 250ms");
            }
        }
        if (d.isNegative() || d.isZero() || d.compareTo(MAX) > 0) {
            throw invalid(field, "must be more than 0 and at most 7 days");
        }
        return d;
    }

    private static ProblemException invalid(String field, String message) {
        return ProblemException.invalid(field + ": " + message, List.of(new FieldError(field, message)),
                "invalid_deadline");
    }
}
