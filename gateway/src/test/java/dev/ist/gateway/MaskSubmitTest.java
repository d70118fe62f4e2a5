package dev.ist.gateway;

import dev.ist.common.codec.JsonCodec;
import dev.ist.common.job.ImageRef;
import dev.ist.common.job.JobRequest;
import dev.ist.common.storage.ImageStore;
import dev.ist.gateway.support.IstTestResource;
import dev.ist.gateway.support.Jobs;
import dev.ist.gateway.support.TestEnv;
import dev.ist.testkit.TestImages;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.specification.RequestSpecification;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.Test;

import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import static dev.ist.gateway.support.Jobs.as;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Masks through the job API (spatial control): multipart parts {@code mask<i>}, {@code styleMask<i>},
 * {@code contentMask} and JSON references, checked like images plus their aspect ratio, stored content-addressed and
 * carried by the request published on the real jobs topic. Each refusal is a 4xx naming the field.
 */
@QuarkusTest
@WithTestResource(IstTestResource.class)
class MaskSubmitTest {

    private static final String PROBLEM = "application/problem+json";
    private static final String QUICK = "{\"size\":64,\"iterations\":10}";
    /** Content 40×30 (Jobs.CONTENT), styles 24×24: masks of the same shapes, at other sizes. */
    private static final byte[] LEFT = halfMask(80, 60, true);
    private static final byte[] RIGHT = halfMask(40, 30, false);
    private static final byte[] SQUARE = halfMask(48, 48, true);
    private static final byte[] FACE = halfMask(20, 15, false);

    @Test
    void maskPartsAreStoredAndPublishedInTheJobRequest() throws Exception {
        byte[] style2 = TestImages.checkerboardPng(24, 24, 6);
        String id = twoStyles(as(TestEnv.ALICE_KEY))
                .multiPart("mask0", "left.png", LEFT, "image/png")
                .multiPart("mask1", "right.png", RIGHT, "image/png")
                .multiPart("styleMask1", "square.png", SQUARE, "image/png")
                .multiPart("contentMask", "face.png", FACE, "image/png")
                .post("/v1/jobs").then().statusCode(202)
                .body("styles[0].mask.sha256", equalTo(sha(LEFT)))
                .body("options.contentMask.sha256", equalTo(sha(FACE)))
                .extract().path("id");

        JobRequest published = publishedRequest(id);
        assertEquals(sha(LEFT), published.styles().get(0).mask().sha256());
        assertNull(published.styles().get(0).styleMask(), "no style-image mask was sent for style 0");
        assertEquals(sha(RIGHT), published.styles().get(1).mask().sha256());
        assertEquals(sha(SQUARE), published.styles().get(1).styleMask().sha256());
        assertEquals(sha(FACE), published.options().contentMask().sha256());
        assertEquals(sha(style2), published.styles().get(1).image().sha256());
        try (ImageStore store = TestEnv.newStore()) {
            for (byte[] mask : List.of(LEFT, RIGHT, SQUARE, FACE)) {
                assertTrue(store.exists(new ImageRef(sha(mask)).key()),
                        "each mask is stored under its SHA-256 like an input");
            }
        }
    }

    @Test
    void aMaskOfAnotherAspectRatioIsRefusedNamingTheField() {
        twoStyles(as(TestEnv.ALICE_KEY))
                .multiPart("mask1", "square.png", SQUARE, "image/png") // 1:1 over a 4:3 content
                .post("/v1/jobs").then().statusCode(422).contentType(PROBLEM)
                .body("type", equalTo("urn:ist:problem:mask-aspect-ratio"))
                .body("field", equalTo("styles[1].mask"))
                .body("errors[0].field", equalTo("styles[1].mask"))
                .body("detail", containsString("48×48"));
        // a style-image mask is compared with its own style image (24×24), not with the content
        twoStyles(as(TestEnv.ALICE_KEY))
                .multiPart("styleMask0", "wide.png", LEFT, "image/png")
                .post("/v1/jobs").then().statusCode(422)
                .body("field", equalTo("styles[0].styleMask"));
        // within 10 %: 44×30 over 40×30 is 1.1 times as wide
        twoStyles(as(TestEnv.ALICE_KEY))
                .multiPart("mask0", "near.png", halfMask(44, 30, true), "image/png")
                .post("/v1/jobs").then().statusCode(202);
    }

    @Test
    void aMaskThatIsNoImageIsA422NotAServerError() {
        twoStyles(as(TestEnv.ALICE_KEY))
                .multiPart("mask0", "notes.txt", "a mask, honestly".getBytes(StandardCharsets.UTF_8), "image/png")
                .post("/v1/jobs").then().statusCode(422).contentType(PROBLEM)
                .body("type", equalTo("urn:ist:problem:invalid-mask"))
                .body("field", equalTo("styles[0].mask"));
        twoStyles(as(TestEnv.ALICE_KEY))
                .multiPart("contentMask", "cut.png", TestImages.truncated(FACE, FACE.length / 2), "image/png")
                .post("/v1/jobs").then().statusCode(422)
                .body("type", equalTo("urn:ist:problem:corrupt-image"))
                .body("field", equalTo("options.contentMask"));
    }

    @Test
    void aMaskForAStyleThatDoesNotExistIsRefusedNamingThePart() {
        twoStyles(as(TestEnv.ALICE_KEY))
                .multiPart("mask3", "left.png", LEFT, "image/png")
                .post("/v1/jobs").then().statusCode(422).contentType(PROBLEM)
                .body("field", equalTo("mask3"))
                .body("detail", containsString("no style 3"));
        twoStyles(as(TestEnv.ALICE_KEY))
                .multiPart("styleMask2", "square.png", SQUARE, "image/png")
                .post("/v1/jobs").then().statusCode(422)
                .body("field", equalTo("styleMask2"));
        twoStyles(as(TestEnv.ALICE_KEY))
                .multiPart("masks", "left.png", LEFT, "image/png")
                .post("/v1/jobs").then().statusCode(422)
                .body("field", equalTo("masks"));
    }

    @Test
    void tooManyMasksOrTooManyBytesAreRefused() {
        twoStyles(as(TestEnv.ALICE_KEY))
                .multiPart("mask0", "left.png", LEFT, "image/png")
                .multiPart("mask0", "right.png", RIGHT, "image/png")
                .post("/v1/jobs").then().statusCode(422)
                .body("field", equalTo("mask0"))
                .body("detail", containsString("twice"));
        byte[] big = TestImages.noisePng(400, 300, 3); // over the test limit of 300 kB
        twoStyles(as(TestEnv.ALICE_KEY))
                .multiPart("mask1", "big.png", big, "image/png")
                .post("/v1/jobs").then().statusCode(413)
                .body("type", equalTo("urn:ist:problem:too-many-bytes"))
                .body("field", equalTo("styles[1].mask"));
    }

    @Test
    void jsonSubmissionsReferToUploadedMasksWhichMustBeTheCallers() throws Exception {
        String content = upload(TestEnv.ALICE_KEY, Jobs.CONTENT);
        String style = upload(TestEnv.ALICE_KEY, Jobs.STYLE);
        String left = upload(TestEnv.ALICE_KEY, LEFT);
        String square = upload(TestEnv.ALICE_KEY, SQUARE);
        String face = upload(TestEnv.ALICE_KEY, FACE);
        String json = "{\"content\":{\"sha256\":\"" + content + "\"},\"styles\":[{\"image\":{\"sha256\":\"" + style
                + "\"},\"mask\":{\"sha256\":\"" + left + "\"},\"styleMask\":{\"sha256\":\"" + square + "\"}}],"
                + "\"options\":{\"size\":64,\"iterations\":10,\"contentMask\":{\"sha256\":\"" + face + "\"}}}";
        String id = as(TestEnv.ALICE_KEY).contentType("application/json").body(json).post("/v1/jobs")
                .then().statusCode(202)
                .body("styles[0].mask.sha256", equalTo(left))
                .body("styles[0].styleMask.sha256", equalTo(square))
                .body("options.contentMask.sha256", equalTo(face))
                .extract().path("id");
        JobRequest published = publishedRequest(id);
        assertEquals(left, published.styles().get(0).mask().sha256());
        assertEquals(face, published.options().contentMask().sha256());

        // a mask of another key is answered like one that does not exist
        String bobs = upload(TestEnv.BOB_KEY, halfMask(60, 45, false)); // bytes alice never sent
        as(TestEnv.ALICE_KEY).contentType("application/json").body(json.replace(left, bobs)).post("/v1/jobs")
                .then().statusCode(404).contentType(PROBLEM)
                .body("type", equalTo("urn:ist:problem:unknown-image"))
                .body("errors[0].field", equalTo("styles[0].mask.sha256"));
        // a referenced mask's aspect ratio is checked too (a square mask over the 4:3 content)
        as(TestEnv.ALICE_KEY).contentType("application/json").body(json.replace("\"mask\":{\"sha256\":\"" + left,
                        "\"mask\":{\"sha256\":\"" + square)).post("/v1/jobs")
                .then().statusCode(422).body("field", equalTo("styles[0].mask"));
    }

    @Test
    void anIdempotencyKeyIsBoundToTheMasksToo() {
        String key = "masks-" + UUID.randomUUID();
        String id = twoStyles(as(TestEnv.ALICE_KEY).header("Idempotency-Key", key))
                .multiPart("mask0", "left.png", LEFT, "image/png")
                .post("/v1/jobs").then().statusCode(202).extract().path("id");
        twoStyles(as(TestEnv.ALICE_KEY).header("Idempotency-Key", key))
                .multiPart("mask0", "left.png", LEFT, "image/png")
                .post("/v1/jobs").then().statusCode(202).header("Idempotent-Replayed", "true")
                .body("id", equalTo(id));
        twoStyles(as(TestEnv.ALICE_KEY).header("Idempotency-Key", key))
                .multiPart("mask0", "right.png", RIGHT, "image/png")
                .post("/v1/jobs").then().statusCode(422)
                .body("type", equalTo("urn:ist:problem:idempotency-key-reused"));
    }

    private static RequestSpecification twoStyles(RequestSpecification r) {
        return r.multiPart("content", "content.png", Jobs.CONTENT, "image/png")
                .multiPart("style", "s0.png", Jobs.STYLE, "image/png")
                .multiPart("style", "s1.png", TestImages.checkerboardPng(24, 24, 6), "image/png")
                .multiPart("options", QUICK);
    }

    private static String upload(String key, byte[] png) {
        return as(key).contentType("image/png").body(png).post("/v1/images").then().statusCode(201)
                .extract().path("id");
    }

    private static String sha(byte[] bytes) {
        return ImageStore.sha256Hex(bytes);
    }

    /** A grey mask: white on one half, black on the other. */
    static byte[] halfMask(int w, int h, boolean left) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                boolean white = left ? x < w / 2 : x >= w / 2;
                img.getRaster().setSample(x, y, 0, white ? 255 : 0);
            }
        }
        return TestImages.png(img);
    }

    private static JobRequest publishedRequest(String jobId) throws Exception {
        try (KafkaConsumer<String, byte[]> c = TestEnv.kafka().newConsumer("mask-check-" + UUID.randomUUID())) {
            c.subscribe(List.of(TestEnv.topics().jobs()));
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(200))) {
                    if (jobId.equals(r.key())) {
                        return JsonCodec.shared().decodeRequest(r.value());
                    }
                }
            }
        }
        throw new AssertionError("no request on the jobs topic for " + jobId);
    }
}
