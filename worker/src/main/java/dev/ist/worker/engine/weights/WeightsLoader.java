package dev.ist.worker.engine.weights;

import dev.ist.worker.engine.Preprocessing;
import dev.ist.worker.engine.Vgg19Weights;
import dev.ist.worker.engine.Vgg19Weights.Tensor;
import dev.ist.worker.engine.WeightsException;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Loads VGG19 {@code features} weights from a file in any of the formats users have: torchvision's
 * legacy or zip {@code .pth}, safetensors with the same tensor names, or Keras' HDF5 ({@code .h5}, read by
 * {@link KerasH5Reader}; such weights take {@link Preprocessing#CAFFE} input, as Keras' {@code preprocess_input}
 * gives them). The SHA-256 prefix that torchvision puts in file names ({@code vgg19-dcbb9e9d.pth}) is verified.
 */
public final class WeightsLoader {
    /** The Caffe-converted VGG19 weights (BGR, [0,255], Caffe mean) carry this hash prefix. */
    public static final String CAFFE_VGG19_HASH_PREFIX = "d01eb7cb";
    private static final Pattern HASH_IN_NAME = Pattern.compile("-([0-9a-f]{8,64})\\.[A-Za-z0-9]+$");
    private static final Pattern FEATURE_TENSOR = Pattern.compile("features\\.\\d+\\.(weight|bias)");

    private WeightsLoader() {
    }

    /** Loads {@code file}; {@code preprocessing} null = decide from the file (name hash or metadata). */
    public static Vgg19Weights load(Path file, Preprocessing preprocessing) {
        if (!Files.isRegularFile(file)) {
            throw new WeightsException("weights file " + file + " does not exist or is not a file");
        }
        if (!Files.isReadable(file)) {
            throw new WeightsException("weights file " + file + " is not readable");
        }
        String sha256 = sha256(file);
        String expected = expectedHashPrefix(file.getFileName().toString());
        if (expected != null && !sha256.startsWith(expected)) {
            throw new WeightsException("checksum mismatch for weights file " + file + ": its name promises SHA-256 "
                    + expected + "..., the file hashes to " + sha256.substring(0, 16) + "...");
        }
        Map<String, Tensor> tensors;
        Preprocessing fromFile = null;
        if (KerasH5Reader.isHdf5(file)) {
            tensors = KerasH5Reader.read(file);
            fromFile = Preprocessing.CAFFE; // Keras' vgg19.preprocess_input: BGR, 0-255, ImageNet mean, no std
        } else if (isSafetensors(file)) {
            SafetensorsReader.Contents c = SafetensorsReader.read(file, n -> FEATURE_TENSOR.matcher(n).matches());
            tensors = c.tensors();
            String p = c.metadata().get("preprocessing");
            if (p != null) {
                try {
                    fromFile = Preprocessing.valueOf(p.toUpperCase(Locale.ROOT));
                } catch (IllegalArgumentException e) {
                    throw new WeightsException("weights file " + file + " names unknown preprocessing '" + p + "'");
                }
            }
        } else {
            tensors = TorchCheckpointReader.read(file, n -> FEATURE_TENSOR.matcher(n).matches());
        }
        if (fromFile == null) {
            fromFile = CAFFE_VGG19_HASH_PREFIX.equals(expected) ? Preprocessing.CAFFE : Preprocessing.TORCHVISION;
        }
        Vgg19Weights weights = new Vgg19Weights(tensors, preprocessing != null ? preprocessing : fromFile,
                file.toString(), sha256);
        weights.usableConvCount(); // fails early with a clear message on a non-VGG file
        return weights;
    }

    /** The hash prefix embedded in a torchvision-style file name, or null. */
    public static String expectedHashPrefix(String fileName) {
        Matcher m = HASH_IN_NAME.matcher(fileName);
        return m.find() ? m.group(1) : null;
    }

    private static boolean isSafetensors(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] head = in.readNBytes(9);
            return head.length == 9 && head[8] == '{';
        } catch (IOException e) {
            throw new WeightsException("cannot read weights file " + file + ": " + e.getMessage(), e);
        }
    }

    public static String sha256(Path file) {
        return digest(file, "SHA-256");
    }

    /** MD5 (hex): the hash Keras' {@code get_file} pins its downloads with. */
    public static String md5(Path file) {
        return digest(file, "MD5");
    }

    private static String digest(Path file, String algorithm) {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest md = MessageDigest.getInstance(algorithm);
            byte[] buf = new byte[1 << 16];
            int n;
            while ((n = in.read(buf)) > 0) {
                md.update(buf, 0, n);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (IOException e) {
            throw new WeightsException("cannot read weights file " + file + ": " + e.getMessage(), e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
