package org.dsvstudio.evidence;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import org.dsvstudio.data.DataFormatException;
import org.dsvstudio.model.AtomicFiles;
import org.dsvstudio.model.ModelLoader;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Real training images ranked by the multiplier λ that DeepKKT gives them when only λ is optimized (the
 * faithfulness report writes it; {@code distill --images top-lambda:K} reads it). Indices refer to the training
 * split of {@code data}, in the order the data reader returns it.
 *
 * @param model the model whose θ* the λ explain
 * @param data the data folder's name
 * @param trainImages size of the training split the indices refer to (checked when read back)
 * @param distance the stationarity distance used
 * @param parameters the parameter selection used
 * @param entries one per scored image, highest λ first within each class
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record LambdaRanking(String model, String data, int trainImages, String distance, List<String> parameters,
        List<Entry> entries) {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** One scored training image. */
    public record Entry(int index, int label, double lambda) {
    }

    /** Sorts by class, then λ descending, then index (so ties are reproducible). */
    public LambdaRanking {
        entries = new ArrayList<>(entries == null ? List.of() : entries);
        entries.sort(Comparator.comparingInt(Entry::label).thenComparing(Comparator.comparingDouble(Entry::lambda)
                .reversed()).thenComparingInt(Entry::index));
        entries = List.copyOf(entries);
    }

    /**
     * Training-split indices of the {@code k} highest-λ images of each class (sorted ascending).
     *
     * @throws IllegalArgumentException if some class has fewer than k scored images
     */
    public int[] topPerClass(int k, int numClasses) {
        if (k < 1) {
            throw new IllegalArgumentException("images per class must be at least 1, got " + k);
        }
        int[] taken = new int[numClasses];
        List<Integer> picked = new ArrayList<>();
        for (Entry e : entries) {
            if (e.label() >= 0 && e.label() < numClasses && taken[e.label()] < k) {
                taken[e.label()]++;
                picked.add(e.index());
            }
        }
        for (int c = 0; c < numClasses; c++) {
            if (taken[c] < k) {
                throw new IllegalArgumentException("the λ ranking scores " + taken[c] + " images of class " + c
                        + ", fewer than " + k + " (run faithfulness with more --lambda-images)");
            }
        }
        return picked.stream().mapToInt(Integer::intValue).sorted().toArray();
    }

    public void write(Path file) throws IOException {
        AtomicFiles.write(file, JSON.writeValueAsBytes(this));
    }

    public static LambdaRanking read(Path file) throws IOException {
        try {
            LambdaRanking r = JSON.readValue(file.toFile(), LambdaRanking.class);
            if (r.entries() == null || r.entries().isEmpty()) {
                throw new DataFormatException(file, "the λ ranking has no entries");
            }
            return r;
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new DataFormatException(file, "not a valid λ ranking: " + ModelLoader.jsonProblem(e), e);
        }
    }
}
