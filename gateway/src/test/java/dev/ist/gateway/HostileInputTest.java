package dev.ist.gateway;

import dev.ist.common.ObjectKeys;
import dev.ist.common.codec.JsonCodec;
import dev.ist.common.event.JobEvent;
import dev.ist.common.job.ImageRef;
import dev.ist.common.job.JobOptions;
import dev.ist.common.job.JobRequest;
import dev.ist.common.job.StyleRef;
import dev.ist.common.storage.ImageStore;
import dev.ist.gateway.support.IstTestResource;
import dev.ist.gateway.support.Jobs;
import dev.ist.gateway.support.Multipart;
import dev.ist.gateway.support.TestEnv;
import dev.ist.testkit.TestImages;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;

import static dev.ist.gateway.support.Jobs.as;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The door under hostile input, against the real broker and S3 server: each class of bad request gets its exact
 * status and problem type, and nothing gets a 5xx.
 */
@QuarkusTest
@WithTestResource(IstTestResource.class)
class HostileInputTest {

    private static final String PROBLEM = "application/problem+json";
    private static final String JSON = "application/json";

    @TestHTTPResource("/")
    URI base;

    // ---- oversized ----------------------------------------------------------------------------------------------

    @Test
    void aJsonSubmissionOverItsCapIsRefusedBeforeItIsRead() throws Exception {
        byte[] big = new byte[1024 * 1024 + 10];
        java.util.Arrays.fill(big, (byte) ' ');
        as(TestEnv.ALICE_KEY).contentType(JSON).body(big).post("/v1/jobs").then()
                .statusCode(413).contentType(PROBLEM).body("type", equalTo("urn:ist:problem:too-many-bytes"))
                .body("limit", equalTo(1024 * 1024));
        // without a declared length the cap is applied while reading
        HttpResponse<String> chunked = send(HttpRequest.newBuilder(base.resolve("/v1/jobs"))
                .header("X-Api-Key", TestEnv.ALICE_KEY).header("Content-Type", JSON)
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(big))));
        assertEquals(413, chunked.statusCode(), chunked.body());
        assertTrue(chunked.body().contains("urn:ist:problem:too-many-bytes"), chunked.body());
    }

    @Test
    void aRawImageUploadOverTheByteLimitIsRefusedWithAndWithoutADeclaredLength() throws Exception {
        byte[] big = new byte[(int) TestEnv.MAX_INPUT_BYTES + 1];
        new Random(3).nextBytes(big);
        as(TestEnv.ALICE_KEY).contentType("image/png").body(big).post("/v1/images").then()
                .statusCode(413).contentType(PROBLEM).body("type", equalTo("urn:ist:problem:too-many-bytes"));
        HttpResponse<String> chunked = send(HttpRequest.newBuilder(base.resolve("/v1/images"))
                .header("X-Api-Key", TestEnv.ALICE_KEY).header("Content-Type", "image/png")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(big))));
        assertEquals(413, chunked.statusCode(), chunked.body());
        assertTrue(chunked.body().contains("\"limit\":" + TestEnv.MAX_INPUT_BYTES), chunked.body());
    }

    @Test
    void aMultipartBodyLargerThanAnySubmissionCanBeIsRefusedByItsDeclaredLength() throws Exception {
        byte[] part = new byte[(int) TestEnv.MAX_INPUT_BYTES];
        Multipart form = new Multipart().file("content", "c.png", "image/png", part);
        // (2 + 3 × 4 styles) × max-input-bytes + 1 MiB is the most a submission needs (content, styles, a mask per
        // style and per style image, a content mask): 21 parts are more
        for (int i = 0; i < 20; i++) {
            form.file("style", "s" + i + ".png", "image/png", part);
        }
        HttpResponse<String> r = send(HttpRequest.newBuilder(base.resolve("/v1/jobs"))
                .header("X-Api-Key", TestEnv.ALICE_KEY).header("Content-Type", form.contentType())
                .POST(HttpRequest.BodyPublishers.ofByteArray(form.build())));
        assertEquals(413, r.statusCode(), r.body());
        assertTrue(r.body().contains("urn:ist:problem:too-many-bytes"), r.body());
    }

    // ---- truncated, corrupt, bombs, wrong formats ---------------------------------------------------------------

    @Test
    void truncatedAndCorruptImagesAreRefusedAtSubmitNamingThePart() {
        byte[] png = TestImages.noisePng(64, 48, 5);
        byte[] jpeg = TestImages.jpeg(TestImages.noise(64, 48, 6), 0.9f);
        submit(TestImages.truncated(png, png.length / 2), Jobs.STYLE, "{}")
                .statusCode(422).contentType(PROBLEM).body("type", equalTo("urn:ist:problem:corrupt-image"))
                .body("field", equalTo("content"));
        submit(Jobs.CONTENT, TestImages.truncated(jpeg, jpeg.length / 2), "{}")
                .statusCode(422).body("type", equalTo("urn:ist:problem:corrupt-image"))
                .body("field", equalTo("styles[0]"));
        byte[] garbage = png.clone();
        for (int i = 60; i < garbage.length; i++) {
            garbage[i] = (byte) (i * 31);
        }
        submit(garbage, Jobs.STYLE, "{}").statusCode(422).body("type", equalTo("urn:ist:problem:corrupt-image"));
        as(TestEnv.ALICE_KEY).contentType("image/jpeg").body(TestImages.truncated(jpeg, jpeg.length / 2))
                .post("/v1/images").then().statusCode(422).body("type", equalTo("urn:ist:problem:corrupt-image"))
                .body("field", equalTo("image"));
    }

    @Test
    void aHeaderClaimingTooManyPixelsIsRefusedAndOtherFormatsAreUnsupported() {
        submit(RefusalTest.pngClaiming(60_000, 60_000), Jobs.STYLE, "{}")
                .statusCode(422).body("type", equalTo("urn:ist:problem:too-many-pixels"));
        byte[] bmp = {'B', 'M', 0x3a, 0, 0, 0, 0, 0, 0, 0, 0x36, 0, 0, 0};
        submit(bmp, Jobs.STYLE, "{}").statusCode(415).body("type", equalTo("urn:ist:problem:unsupported-image-type"));
        submit(Jobs.CONTENT, "<svg xmlns='http://www.w3.org/2000/svg'/>".getBytes(StandardCharsets.UTF_8), "{}")
                .statusCode(415).body("field", equalTo("styles[0]"));
        submit(new byte[0], Jobs.STYLE, "{}").statusCode(422).body("type", equalTo("urn:ist:problem:corrupt-image"));
    }

    // ---- geometry and options -----------------------------------------------------------------------------------

    @Test
    void anOutputTooThinForTheLayersIsRefusedWithTheSmallestSizeThatWorks() {
        byte[] thin = TestImages.gradientPng(400, 20);
        submit(thin, Jobs.STYLE, "{\"size\":64}")
                .statusCode(422).contentType(PROBLEM).body("type", equalTo("urn:ist:problem:invalid-request"))
                .body("field", equalTo("options.size"))
                .body("minimum", equalTo(310))
                .body("detail", containsString("400×20"));
        // 1000×4 at 64 is 64×1, and no allowed size fixes it
        submit(TestImages.gradientPng(1000, 4), Jobs.STYLE, "{\"size\":64}")
                .statusCode(422).body("field", equalTo("options.size"))
                .body("detail", containsString("no size up to"));
        // shallower layers need less: conv2_1 only needs a short side of 2
        submit(thin, Jobs.STYLE, "{\"size\":64,\"iterations\":10,\"contentLayers\":[\"conv2_1\"],"
                + "\"styleLayers\":[\"relu1_1\",\"relu2_1\"]}").statusCode(202);
    }

    @Test
    void absurdAndMalformedOptionsAreRefusedNamingTheField() {
        submit(Jobs.CONTENT, Jobs.STYLE, "{\"iterations\":-1}").statusCode(422)
                .body("field", equalTo("options.iterations"));
        submit(Jobs.CONTENT, Jobs.STYLE, "{\"size\":1e300}").statusCode(422).body("field", equalTo("options.size"));
        submit(Jobs.CONTENT, Jobs.STYLE, "{\"iterations\":99999999999999999999}").statusCode(422)
                .body("field", equalTo("options.iterations"));
        submit(Jobs.CONTENT, Jobs.STYLE, "[1,2]").statusCode(422).body("field", equalTo("options"));
        as(TestEnv.ALICE_KEY).multiPart("content", "c.png", Jobs.CONTENT, "image/png")
                .multiPart("style", "s.png", Jobs.STYLE, "image/png").multiPart("styleWeights", "NaN-ish")
                .post("/v1/jobs").then().statusCode(422).body("field", equalTo("styleWeights"));
    }

    @Test
    void deeplyNestedAndMalformedJsonIsABadRequest() {
        String nested = "{\"content\":" + "[".repeat(5000) + "]".repeat(5000) + "}";
        as(TestEnv.ALICE_KEY).contentType(JSON).body(nested).post("/v1/jobs").then()
                .statusCode(400).contentType(PROBLEM).body("type", equalTo("urn:ist:problem:malformed-request"));
        as(TestEnv.ALICE_KEY).contentType(JSON).body("{\"content\":").post("/v1/jobs").then()
                .statusCode(400).body("type", equalTo("urn:ist:problem:malformed-request"));
        as(TestEnv.ALICE_KEY).contentType(JSON).body("[]").post("/v1/jobs").then().statusCode(400);
        as(TestEnv.ALICE_KEY).contentType(JSON).body("{\"content\":{\"sha256\":\"../../etc/passwd\"}}")
                .post("/v1/jobs").then().statusCode(422).body("field", equalTo("content.sha256"));
        // the documented record is the schema: unknown fields and wrong shapes are named
        as(TestEnv.ALICE_KEY).contentType(JSON).body("{\"content\":{\"sha256\":\"" + "a".repeat(64)
                + "\"},\"priority\":\"urgent\"}").post("/v1/jobs").then().statusCode(422)
                .body("type", equalTo("urn:ist:problem:invalid-request")).body("field", equalTo("priority"));
        as(TestEnv.ALICE_KEY).contentType(JSON).body("{\"styles\":\"all of them\"}").post("/v1/jobs").then()
                .statusCode(422).body("field", equalTo("styles"));
        as(TestEnv.ALICE_KEY).contentType(JSON).body("{\"styles\":[{\"image\":{\"sha256\":\"" + "a".repeat(64)
                + "\"},\"weight\":\"heavy\"}]}").post("/v1/jobs").then()
                .statusCode(422).body("field", equalTo("styles[0].weight"));
    }

    @Test
    void tooManyPartsAreRefusedByCountBeforeAnyIsRead() {
        var request = as(TestEnv.ALICE_KEY).multiPart("content", "c.png", Jobs.CONTENT, "image/png");
        for (int i = 0; i < 40; i++) {
            request = request.multiPart("style", "s" + i + ".png", new byte[] {1, 2, 3}, "image/png");
        }
        request.post("/v1/jobs").then().statusCode(422).body("type", equalTo("urn:ist:problem:too-many-styles"));
    }

    // ---- identity ------------------------------------------------------------------------------------------------

    @Test
    void unknownAuthorizationSchemesAndEmptyCredentialsAreUnauthorized() {
        for (String header : List.of("Basic YWxpY2U6c2VjcmV0", "Bearer", "Bearer    ", "Token " + TestEnv.ALICE_KEY,
                "bearer")) {
            given().header("Authorization", header).get("/v1/jobs").then().statusCode(401).contentType(PROBLEM)
                    .body("type", equalTo("urn:ist:problem:unauthorized"));
        }
        given().header("X-Api-Key", " ").get("/v1/jobs").then().statusCode(401);
        given().header("Authorization", "bearer " + TestEnv.ALICE_KEY).get("/v1/jobs").then().statusCode(200);
    }

    @Test
    void anImageOfAnotherKeyIsAnsweredExactlyLikeAMissingOne() {
        byte[] secret = TestImages.noisePng(30, 20, 77);
        String sha = ImageStore.sha256Hex(secret);
        as(TestEnv.ALICE_KEY).contentType("image/png").body(secret).post("/v1/images").then().statusCode(201)
                .body("created", equalTo(true));
        String missing = ImageStore.sha256Hex(("never uploaded " + UUID.randomUUID()).getBytes(StandardCharsets.UTF_8));

        var foreign = jsonSubmit(TestEnv.BOB_KEY, sha).then().statusCode(404).contentType(PROBLEM)
                .body("type", equalTo("urn:ist:problem:unknown-image")).extract();
        var absent = jsonSubmit(TestEnv.BOB_KEY, missing).then().statusCode(404).extract();
        assertEquals(absent.path("title").toString(), foreign.path("title").toString());
        assertEquals(absent.path("detail").toString(), foreign.path("detail").toString());
        assertEquals(absent.path("errors").toString(), foreign.path("errors").toString());

        // bob uploading the same bytes is told exactly what a first upload is told
        String bobFirst = as(TestEnv.BOB_KEY).contentType("image/png").body(secret).post("/v1/images").then()
                .statusCode(201).extract().asString();
        byte[] fresh = TestImages.noisePng(30, 20, 78);
        String freshFirst = as(TestEnv.BOB_KEY).contentType("image/png").body(fresh).post("/v1/images").then()
                .statusCode(201).extract().asString();
        assertEquals(bobFirst.replace(sha, "X").replaceAll("\"size\":\\d+", ""),
                freshFirst.replace(ImageStore.sha256Hex(fresh), "X").replaceAll("\"size\":\\d+", ""));
        // and from then on may use it
        jsonSubmit(TestEnv.BOB_KEY, sha).then().statusCode(202);
    }

    @Test
    void anIdempotencyKeyIsBoundToItsPayload() {
        String key = "bound-" + UUID.randomUUID();
        String id = as(TestEnv.ALICE_KEY).header("Idempotency-Key", key)
                .multiPart("content", "c.png", Jobs.CONTENT, "image/png")
                .multiPart("style", "s.png", Jobs.STYLE, "image/png")
                .multiPart("options", "{\"size\":64,\"iterations\":10}")
                .post("/v1/jobs").then().statusCode(202).extract().path("id");
        // the same payload again is the same job
        as(TestEnv.ALICE_KEY).header("Idempotency-Key", key)
                .multiPart("content", "c.png", Jobs.CONTENT, "image/png")
                .multiPart("style", "s.png", Jobs.STYLE, "image/png")
                .multiPart("options", "{\"iterations\":10,\"size\":64}")
                .post("/v1/jobs").then().statusCode(202).header("Idempotent-Replayed", "true")
                .body("id", equalTo(id));
        // other options or other images under the same key: refused, never the first job's result
        as(TestEnv.ALICE_KEY).header("Idempotency-Key", key)
                .multiPart("content", "c.png", Jobs.CONTENT, "image/png")
                .multiPart("style", "s.png", Jobs.STYLE, "image/png")
                .multiPart("options", "{\"size\":128,\"iterations\":10}")
                .post("/v1/jobs").then().statusCode(422).contentType(PROBLEM)
                .body("type", equalTo("urn:ist:problem:idempotency-key-reused"));
        as(TestEnv.ALICE_KEY).header("Idempotency-Key", key)
                .multiPart("content", "c.png", TestImages.gradientPng(41, 30), "image/png")
                .multiPart("style", "s.png", Jobs.STYLE, "image/png")
                .multiPart("options", "{\"size\":64,\"iterations\":10}")
                .post("/v1/jobs").then().statusCode(422)
                .body("type", equalTo("urn:ist:problem:idempotency-key-reused"));
    }

    @Test
    void aResultKeyOutsideTheJobsOwnPrefixIsNeverHandedOut() throws Exception {
        String id = UUID.randomUUID().toString();
        String foreignKey = ObjectKeys.input(ImageStore.sha256Hex(Jobs.CONTENT));
        JobRequest request = JobRequest.of(id, Instant.now(), new ImageRef(ImageStore.sha256Hex(Jobs.CONTENT)),
                List.of(new StyleRef(new ImageRef(ImageStore.sha256Hex(Jobs.STYLE)), 1.0)),
                JobOptions.builder().size(64).iterations(10).build(), "limited2"); // the stand-in leaves these alone
        JsonCodec codec = JsonCodec.shared();
        try (KafkaProducer<String, byte[]> producer = TestEnv.kafka().newProducer()) {
            producer.send(new ProducerRecord<>(TestEnv.topics().jobs(), id, codec.encode(request))).get();
            producer.send(new ProducerRecord<>(TestEnv.topics().events(), id, codec.encode(
                    JobEvent.succeeded(id, 1, Instant.now(), "rogue", null, foreignKey, null, Map.of())))).get();
        }
        Jobs.awaitStatus(TestEnv.CAROL_KEY, id, "SUCCEEDED", Duration.ofSeconds(20));
        for (String mode : List.of("redirect", "stream")) {
            as(TestEnv.CAROL_KEY).redirects().follow(false).queryParam("download", mode)
                    .get("/v1/jobs/" + id + "/result").then().statusCode(404).contentType(PROBLEM)
                    .body("type", equalTo("urn:ist:problem:object-missing"));
        }
    }

    // ---- bounded resources ---------------------------------------------------------------------------------------

    @Test
    void imageUploadsCountAgainstThePerMinuteLimit() {
        for (int i = 0; i < 2; i++) {
            as(TestEnv.UPLOADS_KEY).contentType("image/png").body(TestImages.noisePng(8, 8, 900 + i))
                    .post("/v1/images").then().statusCode(201);
        }
        as(TestEnv.UPLOADS_KEY).contentType("image/png").body(TestImages.noisePng(8, 8, 902)).post("/v1/images")
                .then().statusCode(429).header("Retry-After", notNullValue())
                .body("type", equalTo("urn:ist:problem:rate-limited"));
    }

    @Test
    void eventStreamsPerKeyAreBounded() throws Exception {
        String id = Jobs.submitted(TestEnv.CAROL_KEY, "{\"size\":64,\"iterations\":10}"); // stays queued
        HttpClient client = HttpClient.newHttpClient();
        List<InputStream> open = new ArrayList<>();
        try {
            for (int i = 0; i < 8; i++) {
                HttpResponse<InputStream> r = client.send(HttpRequest.newBuilder(base.resolve("/v1/jobs/" + id
                        + "/events")).header("X-Api-Key", TestEnv.CAROL_KEY).GET().build(),
                        HttpResponse.BodyHandlers.ofInputStream());
                assertEquals(200, r.statusCode());
                open.add(r.body());
            }
            as(TestEnv.CAROL_KEY).get("/v1/jobs/" + id + "/events").then().statusCode(429).contentType(PROBLEM)
                    .body("type", equalTo("urn:ist:problem:too-many-streams")).body("limit", equalTo(8));
        } finally {
            for (InputStream in : open) {
                in.close();
            }
        }
    }

    @Test
    void cancelRequestsAreRateLimitedPerKey() {
        String id = Jobs.submitted(TestEnv.CAROL_KEY, "{\"size\":64,\"iterations\":10}");
        int accepted = 0;
        int status = 0;
        for (int i = 0; i < 70 && status != 429; i++) {
            status = as(TestEnv.CAROL_KEY).delete("/v1/jobs/" + id).then().extract().statusCode();
            if (status == 202) {
                accepted++;
            }
        }
        assertEquals(429, status, "a DELETE loop is cut off");
        assertTrue(accepted <= 60, "at most cancels-per-minute cancels reach the control topic: " + accepted);
    }

    // ---- awkward but valid: accepted, and run upright ------------------------------------------------------------

    @Test
    void aPortraitPhotoStoredLandscapeComesBackPortraitFromTheWorker() throws Exception {
        byte[] phone = TestImages.jpegWithOrientation(TestImages.quadrants(32, 64), 6);
        String id = as(TestEnv.PHOTOS_KEY).multiPart("content", "phone.jpg", phone, "image/jpeg")
                .multiPart("style", "s.png", Jobs.STYLE, "image/png")
                .multiPart("options", "{\"size\":64,\"iterations\":10}")
                .post("/v1/jobs").then().statusCode(202).extract().path("id");
        Jobs.awaitStatus(TestEnv.PHOTOS_KEY, id, "SUCCEEDED", Duration.ofSeconds(30));
        byte[] result = as(TestEnv.PHOTOS_KEY).queryParam("download", "stream").get("/v1/jobs/" + id + "/result")
                .then().statusCode(200).extract().asByteArray();
        var img = TestImages.decode(result);
        assertEquals(32, img.getWidth());
        assertEquals(64, img.getHeight());
        int topLeft = img.getRGB(8, 16);
        assertTrue(((topLeft >> 16) & 0xff) > 200 && ((topLeft >> 8) & 0xff) < 60, "top left is red");
    }

    // ---- the corpus: nothing is a server error ------------------------------------------------------------------

    @Test
    void noCaseOfTheCorpusIsAServerErrorAndEveryValidPhotoRunsToTheEnd() throws Exception {
        Map<String, byte[]> hostile = new java.util.LinkedHashMap<>();
        byte[] png = TestImages.noisePng(64, 48, 11);
        byte[] jpeg = TestImages.jpeg(TestImages.noise(64, 48, 12), 0.9f);
        hostile.put("empty", new byte[0]);
        hostile.put("one byte", new byte[] {(byte) 0x89});
        hostile.put("png magic only", java.util.Arrays.copyOf(png, 8));
        hostile.put("jpeg magic only", java.util.Arrays.copyOf(jpeg, 3));
        for (int keep : new int[] {16, 33, 100, png.length / 3, png.length - 40}) { // (without IEND alone it is whole)
            hostile.put("png cut at " + keep, TestImages.truncated(png, keep));
        }
        for (int keep : new int[] {20, 200, jpeg.length / 3, jpeg.length - 2}) {
            hostile.put("jpeg cut at " + keep, TestImages.truncated(jpeg, keep));
        }
        hostile.put("png bomb", RefusalTest.pngClaiming(70_000, 70_000));
        hostile.put("png zero width", RefusalTest.pngClaiming(0, 10));
        hostile.put("png negative size", RefusalTest.pngClaiming(-5, 10));
        hostile.put("gif", "GIF89a\u0001\u0000\u0001\u0000".getBytes(StandardCharsets.ISO_8859_1));
        hostile.put("text", "definitely a photo".getBytes(StandardCharsets.UTF_8));
        hostile.put("html", "<html><script>alert(1)</script></html>".getBytes(StandardCharsets.UTF_8));
        hostile.put("exif with garbage", TestImages.withExifOrientation(TestImages.truncated(jpeg, 40), 6));
        Random random = new Random(42);
        for (int i = 0; i < 5; i++) {
            byte[] flipped = (i % 2 == 0 ? png : jpeg).clone();
            for (int k = 0; k < 40; k++) {
                int at = 20 + random.nextInt(flipped.length - 20);
                flipped[at] = (byte) random.nextInt(256);
            }
            hostile.put("bytes flipped " + i, flipped);
        }
        List<String> options = List.of("{\"size\":-1}", "{\"size\":\"big\"}", "{\"iterations\":1e99}", "{\"seed\":[]}",
                "{\"optimizer\":\"SGD\"}", "{\"styleLayers\":[]}", "{\"styleLayers\":[null]}", "{\"init\":\"IMAGE\"}",
                "{\"mode\":\"FAST\",\"model\":\"../../x\"}", "{\"learningRate\":-0.0}", "null", "\"\"", "{{{{",
                "{\"size\":64,\"size\":65}", "{\"tvWeight\":NaN}", "{\"contentWeight\":1e400}");

        Map<String, byte[]> valid = new java.util.LinkedHashMap<>();
        for (int o = 1; o <= 8; o++) {
            valid.put("exif orientation " + o, TestImages.jpegWithOrientation(TestImages.quadrants(32, 64), o));
        }
        valid.put("cmyk jpeg", TestImages.cmykJpeg(48, 64, 0, 200, 200, 0));
        valid.put("icc jpeg", TestImages.linearRgbJpeg(48, 64, 90));
        valid.put("icc png", TestImages.linearRgbPng(48, 64, 90, 90, 90));
        valid.put("progressive jpeg", TestImages.progressiveJpeg(TestImages.quadrants(32, 64)));
        valid.put("16-bit png", TestImages.rgb16Png(TestImages.quadrants(32, 64)));
        valid.put("grey png", TestImages.greyPng(TestImages.gradient(48, 64)));
        valid.put("palette with transparency", TestImages.paletteWithTransparencyPng(48, 64, 0x3366cc));

        int refused = 0;
        List<String> accepted = new ArrayList<>();
        for (Map.Entry<String, byte[]> c : hostile.entrySet()) {
            int content = submitPhoto(c.getValue(), Jobs.STYLE, "{\"size\":64,\"iterations\":10}").statusCode();
            int style = submitPhoto(Jobs.CONTENT, c.getValue(), "{\"size\":64,\"iterations\":10}").statusCode();
            int upload = as(TestEnv.PHOTOS_KEY).contentType("application/octet-stream").body(c.getValue())
                    .post("/v1/images").then().extract().statusCode();
            for (int status : new int[] {content, style, upload}) {
                assertTrue(status >= 400 && status < 500, c.getKey() + " answered " + status);
                refused++;
            }
        }
        int acceptedOdd = 0;
        for (String o : options) {
            // a few of these are odd but legal (a repeated key, -0.0): never a server error either way
            int status = submitPhoto(Jobs.CONTENT, Jobs.STYLE, o).statusCode();
            assertTrue(status < 500, "options " + o + " answered " + status);
            if (status >= 400) {
                refused++;
            } else {
                acceptedOdd++;
            }
        }
        for (Map.Entry<String, byte[]> c : valid.entrySet()) {
            var r = submitPhoto(c.getValue(), Jobs.STYLE, "{\"size\":64,\"iterations\":10}");
            assertEquals(202, r.statusCode(), c.getKey() + ": " + r.asString());
            accepted.add(r.path("id"));
        }
        int succeeded = 0;
        for (String id : accepted) {
            Jobs.awaitStatus(TestEnv.PHOTOS_KEY, id, "SUCCEEDED", Duration.ofSeconds(60));
            var img = TestImages.decode(as(TestEnv.PHOTOS_KEY).queryParam("download", "stream")
                    .get("/v1/jobs/" + id + "/result").then().statusCode(200).extract().asByteArray());
            assertTrue(img.getHeight() > img.getWidth(), "every valid photo is portrait as seen: " + id);
            succeeded++;
        }
        System.out.printf("[hostile corpus] %d requests refused with 4xx, %d valid photos accepted and %d succeeded "
                + "(upright), %d odd-but-legal options accepted, 0 server errors%n", refused, accepted.size(),
                succeeded, acceptedOdd);
    }

    private static io.restassured.response.Response submitPhoto(byte[] content, byte[] style, String options) {
        return as(TestEnv.PHOTOS_KEY)
                .multiPart("content", "c.bin", content, "application/octet-stream")
                .multiPart("style", "s.bin", style, "application/octet-stream")
                .multiPart("options", options)
                .post("/v1/jobs");
    }

    private static io.restassured.response.Response jsonSubmit(String key, String contentSha) {
        String styleSha = as(key).contentType("image/png").body(Jobs.STYLE).post("/v1/images").then()
                .statusCode(201).extract().path("id");
        return as(key).contentType(JSON).body("{\"content\":{\"sha256\":\"" + contentSha + "\"},\"styles\":[{\"image\":"
                + "{\"sha256\":\"" + styleSha + "\"}}],\"options\":{\"size\":64,\"iterations\":10}}").post("/v1/jobs");
    }

    private static ValidatableResponse submit(byte[] content, byte[] style, String options) {
        return as(TestEnv.ALICE_KEY)
                .multiPart("content", "c.bin", content, "application/octet-stream")
                .multiPart("style", "s.bin", style, "application/octet-stream")
                .multiPart("options", options)
                .post("/v1/jobs").then();
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
