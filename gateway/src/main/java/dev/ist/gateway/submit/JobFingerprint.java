package dev.ist.gateway.submit;

import dev.ist.common.codec.JsonCodec;
import dev.ist.common.storage.ImageStore;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * What an Idempotency-Key is bound to: a hash of the inputs and masks (by content, whether uploaded or
 * referenced), the style weights, the options and the priority lane (named only when it is not NORMAL, so
 * fingerprints bound before lanes existed still match). Two drafts with the same fingerprint ask for the same job.
 */
public final class JobFingerprint {

    private JobFingerprint() {
    }

    public static String of(JobDraft draft) {
        StringBuilder sb = new StringBuilder("v1;content=").append(sha(draft.content()));
        List<ImageSource> styles = draft.styles() == null ? List.of() : draft.styles();
        for (int i = 0; i < styles.size(); i++) {
            List<Double> w = draft.styleWeights();
            double weight = w == null || i >= w.size() || w.get(i) == null ? 1.0 : w.get(i);
            sb.append(";style=").append(sha(styles.get(i))).append('@').append(weight);
            // only masks that were sent are written: a job without masks keeps the fingerprint it always had
            appendIfPresent(sb, "mask", draft.masks().output(i));
            appendIfPresent(sb, "styleMask", draft.masks().styleImage(i));
        }
        appendIfPresent(sb, "contentMask", draft.masks().content());
        sb.append(";options=").append(draft.options() == null ? "default"
                : JsonCodec.shared().encodeToString(draft.options()));
        if (draft.lane() != dev.ist.common.job.Priority.NORMAL) {
            sb.append(";priority=").append(draft.lane());
        }
        return ImageStore.sha256Hex(sb.toString().getBytes(StandardCharsets.UTF_8));
    }

    private static void appendIfPresent(StringBuilder sb, String name, ImageSource s) {
        if (s != null) {
            sb.append(';').append(name).append('=').append(sha(s));
        }
    }

    private static String sha(ImageSource s) {
        if (s == null) {
            return "-";
        }
        return s.bytes() != null ? ImageStore.sha256Hex(s.bytes()) : s.ref() == null ? "-" : s.ref().sha256();
    }
}
