package dev.ist.gateway.webhooks;

/** A webhook URL that may not be called (scheme, form, or an address the SSRF rules forbid). */
public final class WebhookRefusedException extends Exception {

    public WebhookRefusedException(String message) {
        super(message);
    }
}
