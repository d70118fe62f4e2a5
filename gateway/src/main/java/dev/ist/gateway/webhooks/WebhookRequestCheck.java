package dev.ist.gateway.webhooks;

import dev.ist.common.job.FieldError;
import dev.ist.common.job.WebhookSpec;
import dev.ist.gateway.api.ProblemException;
import jakarta.inject.Singleton;

import java.util.List;
import java.util.Locale;

/** Checks a submitted webhook before anything is stored: a 422 naming {@code webhook.url} or {@code webhook.events}. */
@Singleton
public class WebhookRequestCheck {

    private final WebhookAddressGuard guard;
    private final WebhookSigner signer;

    public WebhookRequestCheck(WebhookAddressGuard guard, WebhookSigner signer) {
        this.guard = guard;
        this.signer = signer;
    }

    /** Returns the webhook with its events normalised to lower case. */
    public WebhookSpec check(WebhookSpec spec) {
        if (spec == null) {
            return null;
        }
        if (!signer.configured()) {
            throw refused("webhook", "webhooks are not enabled on this gateway (no ist.gateway.webhooks.secrets)");
        }
        List<String> events = null;
        if (spec.events() != null) {
            for (int i = 0; i < spec.events().size(); i++) {
                String e = spec.events().get(i);
                if (e == null || !WebhookSpec.ALL.contains(e.toLowerCase(Locale.ROOT))) {
                    throw refused("webhook.events[" + i + "]", "must be one of start, progress, completed");
                }
            }
            events = spec.events().stream().map(e -> e.toLowerCase(Locale.ROOT)).distinct().toList();
        }
        try {
            guard.check(spec.url());
        } catch (WebhookRefusedException e) {
            throw refused("webhook.url", e.getMessage());
        }
        return new WebhookSpec(spec.url(), events);
    }

    private static ProblemException refused(String field, String message) {
        return ProblemException.invalid(field + ": " + message, List.of(new FieldError(field, message)),
                "invalid_webhook");
    }
}
