package org.dsvstudio.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import org.dsvstudio.engine.ComputeThread;
import org.dsvstudio.model.Classifier;
import org.dsvstudio.model.ModelCard;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes every parameter of a loaded classifier's block — trainable or not, so BatchNorm's running mean and
 * variance too ({@code block.getParameters()}) — for a program outside the JVM (scripts/kkt_step_reference.py
 * rebuilds the network in PyTorch from it):
 * <ul>
 *   <li>{@code weights.bin}: the values as float32 little-endian, concatenated in the block's order;</li>
 *   <li>{@code weights.json}: {@code parameters} = [{name, shape, offset, count, trainable}] (offset and count
 *       in float elements, not bytes) plus the card's architecture, width, classes, input shape, mean and
 *       std.</li>
 * </ul>
 * Compute thread only (it reads NDArrays).
 */
public final class WeightExport {

    public static final String BIN = "weights.bin";
    public static final String JSON = "weights.json";

    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** One exported tensor. */
    public record Entry(String name, long[] shape, long offset, long count, boolean trainable) {
    }

    private WeightExport() {
    }

    /** Writes weights.bin and weights.json into folder (created if needed) and returns the entries. */
    public static List<Entry> write(Classifier model, Path folder) throws IOException {
        if (!ComputeThread.get().isComputeThread()) {
            throw new IllegalStateException("WeightExport must run on the compute thread");
        }
        Files.createDirectories(folder);
        List<Entry> entries = new ArrayList<>();
        long offset = 0;
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(folder.resolve(BIN)), 1 << 16)) {
            for (Pair<String, Parameter> p : model.block().getParameters()) {
                Parameter parameter = p.getValue();
                if (!parameter.isInitialized()) {
                    throw new IllegalStateException("parameter " + p.getKey() + " is not initialized");
                }
                NDArray array = parameter.getArray();
                float[] values;
                try (NDArray f = array.toType(DataType.FLOAT32, true)) {
                    values = f.toFloatArray();
                }
                ByteBuffer buffer = ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
                buffer.asFloatBuffer().put(values);
                out.write(buffer.array());
                entries.add(new Entry(p.getKey(), array.getShape().getShape(), offset, values.length,
                        parameter.requiresGradient()));
                offset += values.length;
            }
        }
        ModelCard card = model.card();
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("format", "float32 little-endian, concatenated in block.getParameters() order; offsets in elements");
        json.put("architecture", card.architecture());
        json.put("width", card.width());
        json.put("numClasses", card.numClasses());
        json.put("classNames", card.classNames());
        json.put("inputShape", card.inputShape());
        json.put("mean", card.mean());
        json.put("std", card.std());
        json.put("totalElements", offset);
        json.put("parameters", entries);
        Files.write(folder.resolve(JSON), MAPPER.writeValueAsBytes(json));
        return entries;
    }
}
