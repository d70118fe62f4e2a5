package dev.ist.gateway.webhooks;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.URI;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The SSRF rules: which addresses and URLs a webhook may not reach, at submit and again at connect time. */
class WebhookAddressGuardTest {

    private final WebhookAddressGuard strict = new WebhookAddressGuard(false, false);

    @Test
    void refusesLoopbackPrivateLinkLocalMetadataMulticastAndUnspecifiedAddresses() {
        for (String url : new String[]{
                "https://127.0.0.1/hook", "https://localhost/hook", "https://[::1]/hook",
                "https://10.1.2.3/hook", "https://172.16.0.1/hook", "https://192.168.1.1/hook",
                "https://169.254.169.254/latest/meta-data", "https://[fe80::1]/hook", "https://[fd00:ec2::254]/",
                "https://100.64.0.1/", "https://224.0.0.1/", "https://0.0.0.0/", "https://[::]/",
                "https://[::ffff:127.0.0.1]/", "https://[::ffff:169.254.169.254]/"}) {
            WebhookRefusedException e = assertThrows(WebhookRefusedException.class, () -> strict.check(url), url);
            assertTrue(e.getMessage().contains("public addresses only"), url + ": " + e.getMessage());
        }
    }

    @Test
    void acceptsAPublicAddressOverHttps() throws Exception {
        assertEquals(InetAddress.getByName("93.184.215.14"), strict.check("https://93.184.215.14/hook"));
    }

    @Test
    void requiresHttpsUnlessHttpIsAllowedAndRefusesUserInfo() throws Exception {
        assertThrows(WebhookRefusedException.class, () -> strict.parse("http://93.184.215.14/hook"));
        assertThrows(WebhookRefusedException.class, () -> strict.parse("ftp://93.184.215.14/hook"));
        assertThrows(WebhookRefusedException.class, () -> strict.parse("https://user:pw@93.184.215.14/hook"));
        assertThrows(WebhookRefusedException.class, () -> strict.parse("/relative"));
        new WebhookAddressGuard(false, true).parse("http://93.184.215.14/hook");
    }

    @Test
    void allowPrivateLetsALocalReceiverThrough() throws Exception {
        assertTrue(new WebhookAddressGuard(true, true).check("http://127.0.0.1:9/hook").isLoopbackAddress());
    }

    @Test
    void aNameThatRebindsToAPrivateAddressAfterTheSubmitCheckIsRefusedAtConnectTime() throws Exception {
        AtomicInteger lookups = new AtomicInteger();
        // a hostile DNS: public when the submission is checked, the metadata address when the delivery connects
        WebhookAddressGuard guard = new WebhookAddressGuard(false, false, host -> new InetAddress[]{
                InetAddress.getByName(lookups.getAndIncrement() == 0 ? "93.184.215.14" : "169.254.169.254")});
        URI uri = guard.parse("https://rebind.example/hook");
        guard.resolve(uri);
        WebhookRefusedException e = assertThrows(WebhookRefusedException.class, () -> guard.resolve(uri));
        assertTrue(e.getMessage().contains("169.254.169.254"), e.getMessage());
    }

    @Test
    void aNameWithOnePrivateAddressAmongPublicOnesIsRefused() {
        WebhookAddressGuard guard = new WebhookAddressGuard(false, false, host -> new InetAddress[]{
                InetAddress.getByName("93.184.215.14"), InetAddress.getByName("10.0.0.5")});
        assertThrows(WebhookRefusedException.class, () -> guard.check("https://mixed.example/"));
    }
}
