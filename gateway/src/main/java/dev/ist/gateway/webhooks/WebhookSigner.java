package dev.ist.gateway.webhooks;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Standard Webhooks signatures: {@code v1,<base64 HMAC-SHA256 of "id.timestamp.body">}, one per configured secret,
 * space-separated, so a receiver that knows either the old or the new secret accepts deliveries during a rotation.
 */
public final class WebhookSigner {

    private static final String PREFIX = "whsec_";
    private final List<byte[]> keys;

    public WebhookSigner(List<String> secrets) {
        List<byte[]> k = new ArrayList<>();
        for (String s : secrets) {
            String trimmed = s.trim();
            if (trimmed.isEmpty()) {
                continue;
            }
            if (!trimmed.startsWith(PREFIX)) {
                throw new IllegalArgumentException("ist.gateway.webhooks.secrets: each secret must start with whsec_");
            }
            try {
                byte[] key = Base64.getDecoder().decode(trimmed.substring(PREFIX.length()));
                if (key.length < 16) {
                    throw new IllegalArgumentException("ist.gateway.webhooks.secrets: a secret needs 16 bytes or more");
                }
                k.add(key);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("ist.gateway.webhooks.secrets: not base64 after whsec_: "
                        + e.getMessage());
            }
        }
        this.keys = List.copyOf(k);
    }

    public boolean configured() {
        return !keys.isEmpty();
    }

    /** The {@code webhook-signature} header value. */
    public String sign(String id, long timestamp, byte[] body) {
        List<String> out = new ArrayList<>();
        for (byte[] key : keys) {
            out.add("v1," + Base64.getEncoder().encodeToString(hmac(key, id, timestamp, body)));
        }
        return String.join(" ", out);
    }

    static byte[] hmac(byte[] key, String id, long timestamp, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            mac.update((id + "." + timestamp + ".").getBytes(StandardCharsets.UTF_8));
            return mac.doFinal(body);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }
}
