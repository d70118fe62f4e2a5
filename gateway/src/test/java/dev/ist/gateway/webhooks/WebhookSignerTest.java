package dev.ist.gateway.webhooks;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Signatures as the Standard Webhooks specification defines them, checked against its published example. */
class WebhookSignerTest {

    @Test
    void signsTheSpecificationsExample() {
        WebhookSigner signer = new WebhookSigner(List.of("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"));
        String sig = signer.sign("msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330L,
                "{\"test\": 2432232314}".getBytes(StandardCharsets.UTF_8));
        assertEquals("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=", sig);
    }

    @Test
    void oneSignaturePerSecretDuringARotation() {
        WebhookSigner signer = new WebhookSigner(List.of("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
                "whsec_YWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFh"));
        String[] sigs = signer.sign("msg_1", 1L, new byte[]{'{', '}'}).split(" ");
        assertEquals(2, sigs.length);
        assertFalse(sigs[0].equals(sigs[1]));
    }

    @Test
    void refusesSecretsWithoutThePrefixOrTooShort() {
        assertThrows(IllegalArgumentException.class, () -> new WebhookSigner(List.of("plain-secret")));
        assertThrows(IllegalArgumentException.class, () -> new WebhookSigner(List.of("whsec_YWJj")));
        assertFalse(new WebhookSigner(List.of()).configured());
    }
}
