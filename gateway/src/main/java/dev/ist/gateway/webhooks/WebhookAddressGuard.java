package dev.ist.gateway.webhooks;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Locale;

/**
 * The server-side request forgery rules for webhook URLs: https only (unless allowed), no user info, and every
 * address the host resolves to must be public: not loopback, link-local (cloud metadata lives there), private,
 * unique-local, carrier-grade NAT, multicast or unspecified. The same check runs at submit and at connect time, and
 * the connection goes to the address checked then (DNS rebinding cannot swap it in between).
 */
public final class WebhookAddressGuard {

    /** Name resolution, replaceable in a unit test that simulates DNS rebinding. */
    public interface Resolver {
        InetAddress[] resolve(String host) throws UnknownHostException;
    }

    private final boolean allowPrivate;
    private final boolean allowHttp;
    private final Resolver resolver;

    public WebhookAddressGuard(boolean allowPrivate, boolean allowHttp, Resolver resolver) {
        this.allowPrivate = allowPrivate;
        this.allowHttp = allowHttp;
        this.resolver = resolver;
    }

    public WebhookAddressGuard(boolean allowPrivate, boolean allowHttp) {
        this(allowPrivate, allowHttp, InetAddress::getAllByName);
    }

    /** Checks the URL's form only (no resolution). */
    public URI parse(String url) throws WebhookRefusedException {
        if (url == null || url.isBlank()) {
            throw new WebhookRefusedException("is required");
        }
        if (url.length() > 2048) {
            throw new WebhookRefusedException("must be at most 2048 characters");
        }
        URI uri;
        try {
            uri = new URI(url);
        } catch (Exception e) {
            throw new WebhookRefusedException("is not a URL");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("https") && !(allowHttp && scheme.equals("http"))) {
            throw new WebhookRefusedException(allowHttp ? "must be an http or https URL" : "must be an https URL");
        }
        if (uri.getHost() == null || uri.getRawUserInfo() != null || uri.getRawFragment() != null) {
            throw new WebhookRefusedException("must be an absolute URL with a host and no user info or fragment");
        }
        return uri;
    }

    /** Resolves the URL's host and returns the first permitted address, or refuses. */
    public InetAddress resolve(URI uri) throws WebhookRefusedException {
        InetAddress[] all;
        try {
            String host = uri.getHost();
            if (host.startsWith("[") && host.endsWith("]")) {
                host = host.substring(1, host.length() - 1);
            }
            all = resolver.resolve(host);
        } catch (UnknownHostException e) {
            throw new WebhookRefusedException("host " + uri.getHost() + " does not resolve");
        }
        if (all == null || all.length == 0) {
            throw new WebhookRefusedException("host " + uri.getHost() + " does not resolve");
        }
        if (!allowPrivate) {
            // every address must be public: otherwise the client's resolver could pick the private one
            for (InetAddress a : all) {
                String why = forbidden(a);
                if (why != null) {
                    throw new WebhookRefusedException("resolves to a " + why + " address (" + a.getHostAddress()
                            + "); webhooks go to public addresses only");
                }
            }
        }
        return all[0];
    }

    public InetAddress check(String url) throws WebhookRefusedException {
        return resolve(parse(url));
    }

    /** Why an address is not public, or null when it is. */
    static String forbidden(InetAddress a) {
        if (a instanceof Inet6Address v6) {
            byte[] b = v6.getAddress();
            InetAddress embedded = embeddedV4(b);
            if (embedded != null) {
                return forbidden(embedded);
            }
            if ((b[0] & 0xfe) == 0xfc) {
                return "unique-local (private)";
            }
        }
        if (a.isAnyLocalAddress()) {
            return "unspecified";
        }
        if (a.isLoopbackAddress()) {
            return "loopback";
        }
        if (a.isLinkLocalAddress()) {
            return "link-local (metadata)";
        }
        if (a.isSiteLocalAddress()) {
            return "private";
        }
        if (a.isMulticastAddress()) {
            return "multicast";
        }
        if (a instanceof Inet4Address) {
            byte[] b = a.getAddress();
            int first = b[0] & 0xff;
            int second = b[1] & 0xff;
            if (first == 0) {
                return "unspecified";
            }
            if (first == 100 && second >= 64 && second <= 127) {
                return "carrier-grade NAT (private)";
            }
            if (first == 198 && (second == 18 || second == 19)) {
                return "benchmarking (private)";
            }
            if (first >= 240) {
                return "reserved";
            }
        }
        return null;
    }

    // ::ffff:a.b.c.d (mapped) and ::a.b.c.d (compatible) carry an IPv4 address the v4 rules must judge
    private static InetAddress embeddedV4(byte[] b) {
        for (int i = 0; i < 10; i++) {
            if (b[i] != 0) {
                return null;
            }
        }
        boolean mapped = (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff;
        boolean compatible = b[10] == 0 && b[11] == 0 && !(b[12] == 0 && b[13] == 0 && b[14] == 0);
        if (!mapped && !compatible) {
            return null;
        }
        try {
            return InetAddress.getByAddress(new byte[]{b[12], b[13], b[14], b[15]});
        } catch (UnknownHostException e) {
            return null;
        }
    }
}
