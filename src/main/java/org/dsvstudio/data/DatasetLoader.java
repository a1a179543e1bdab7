package org.dsvstudio.data;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/** Finds out which format a data folder holds and reads one split of it. */
public final class DatasetLoader {

    /** The Fashion-MNIST class names, in label order. */
    public static final List<String> FASHION_MNIST_CLASSES = List.of("T-shirt/top", "Trouser", "Pullover", "Dress",
            "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");

    private static final String CLASSES_FILE = "classes.txt";

    private DatasetLoader() {
    }

    /**
     * Detects the format of the folder {@code path} and reads {@code split}. Tried in order:
     * <ol>
     *   <li>IDX: {@code train-images-idx3-ubyte[.gz]} + {@code train-labels-idx1-ubyte[.gz]} for TRAIN,
     *       {@code t10k-*} for TEST. Class names: {@code classes.txt}, else the Fashion-MNIST names if the folder
     *       or its parent is called "*fashion*", else digits.</li>
     *   <li>CIFAR-10 binary ({@code data_batch_1..5.bin} / {@code test_batch.bin}, also inside
     *       {@code cifar-10-batches-bin}). Class names: {@code classes.txt}, else {@code batches.meta.txt}, else
     *       the standard names.</li>
     *   <li>CIFAR-100 binary ({@code train.bin} / {@code test.bin}, also inside {@code cifar-100-binary}), fine
     *       labels. Class names: {@code classes.txt}, else {@code fine_label_names.txt}, else "0".."99".</li>
     *   <li>Image folder: {@code path/train} and {@code path/test} if both exist; otherwise {@code path} itself,
     *       which then serves as both splits (TRAIN and TEST give the same set).</li>
     * </ol>
     * The data set is named after the folder and split, e.g. {@code "fashion-mnist/train"}.
     *
     * @throws DataFormatException if {@code path} is not a readable folder, holds none of these formats, or the
     *     format found lacks the requested split or is malformed
     */
    public static ImageDataset load(Path path, Split split) throws IOException {
        if (!Files.isDirectory(path)) {
            throw new DataFormatException(path, Files.exists(path) ? "not a folder" : "no such folder");
        }
        if (!Files.isReadable(path)) {
            throw new DataFormatException(path, "folder is not readable");
        }
        String name = folderName(path) + "/" + split.name().toLowerCase(Locale.ROOT);
        ImageDataset data = loadIdx(path, split, name);
        if (data == null) {
            data = loadCifar10(path, split, name);
        }
        if (data == null) {
            data = loadCifar100(path, split, name);
        }
        if (data == null) {
            data = loadImageFolder(path, split, name);
        }
        if (data == null) {
            throw new DataFormatException("no IDX, CIFAR binary or image-folder data found in " + path
                    + " (expected e.g. train-images-idx3-ubyte.gz, data_batch_1.bin or one subfolder per class)");
        }
        if (data.size() == 0) {
            // an accuracy over no images is NaN, and a run from real images would have none to start from
            throw new DataFormatException(path, "the " + split.name().toLowerCase(Locale.ROOT)
                    + " split holds no images");
        }
        return data;
    }

    /**
     * Default location of the real data fetched by {@code scripts/fetch-data.sh}: {@code $DSV_DATA} (or
     * {@code ./data} when unset), then the child {@code name}, e.g. "fashion-mnist".
     */
    public static Path defaultDataDir(String name) {
        String env = System.getenv("DSV_DATA");
        Path base = env == null || env.isBlank() ? Path.of("data") : Path.of(env);
        return base.resolve(name);
    }

    private static ImageDataset loadIdx(Path dir, Split split, String name) throws IOException {
        String[] prefixes = {"train", "t10k"};
        boolean present = false;
        for (String prefix : prefixes) {
            present |= idxFile(dir, prefix + "-images-idx3-ubyte") != null
                    || idxFile(dir, prefix + "-labels-idx1-ubyte") != null;
        }
        if (!present) {
            return null;
        }
        String prefix = split == Split.TRAIN ? "train" : "t10k";
        Path images = requireIdx(dir, prefix + "-images-idx3-ubyte", split);
        Path labels = requireIdx(dir, prefix + "-labels-idx1-ubyte", split);
        List<String> classes = namesFile(dir.resolve(CLASSES_FILE));
        if (classes == null && looksLikeFashion(dir)) {
            classes = FASHION_MNIST_CLASSES;
        }
        return IdxReader.read(images, labels, name, classes);
    }

    /** The raw or gzipped variant of an IDX file, preferring the raw one (no decompression), or null. */
    private static Path idxFile(Path dir, String base) {
        for (String candidate : new String[] {base, base + ".gz"}) {
            Path file = dir.resolve(candidate);
            if (Files.isRegularFile(file)) {
                return file;
            }
        }
        return null;
    }

    private static Path requireIdx(Path dir, String base, Split split) throws DataFormatException {
        Path file = idxFile(dir, base);
        if (file == null) {
            throw new DataFormatException(dir, "holds IDX data but no " + base + "[.gz] for the "
                    + split.name().toLowerCase(Locale.ROOT) + " split");
        }
        return file;
    }

    /** The folder or its parent is named like "fashion-mnist" (the IDX files themselves carry no names). */
    private static boolean looksLikeFashion(Path dir) {
        Path absolute = dir.toAbsolutePath().normalize();
        Path parent = absolute.getParent();
        return mentionsFashion(absolute) || parent != null && mentionsFashion(parent);
    }

    private static boolean mentionsFashion(Path folder) {
        Path fileName = folder.getFileName();
        return fileName != null && fileName.toString().toLowerCase(Locale.ROOT).contains("fashion");
    }

    private static ImageDataset loadCifar10(Path path, Split split, String name) throws IOException {
        Path dir = withSubfolder(path, "cifar-10-batches-bin");
        List<Path> train = new ArrayList<>();
        for (int i = 1; i <= 5; i++) {
            Path batch = dir.resolve("data_batch_" + i + ".bin");
            if (Files.isRegularFile(batch)) {
                train.add(batch);
            }
        }
        Path test = dir.resolve("test_batch.bin");
        if (train.isEmpty() && !Files.isRegularFile(test)) {
            return null;
        }
        List<Path> files = split == Split.TRAIN ? train : Files.isRegularFile(test) ? List.of(test) : List.of();
        if (files.isEmpty()) {
            throw new DataFormatException(dir, "holds CIFAR-10 data but no "
                    + (split == Split.TRAIN ? "data_batch_1.bin..data_batch_5.bin" : "test_batch.bin"));
        }
        List<String> classes = classNames(path, dir, "batches.meta.txt");
        return CifarReader.readCifar10(files, name, classes);
    }

    private static ImageDataset loadCifar100(Path path, Split split, String name) throws IOException {
        Path dir = withSubfolder(path, "cifar-100-binary");
        Path train = dir.resolve("train.bin");
        Path test = dir.resolve("test.bin");
        if (!Files.isRegularFile(train) && !Files.isRegularFile(test)) {
            return null;
        }
        Path file = split == Split.TRAIN ? train : test;
        if (!Files.isRegularFile(file)) {
            throw new DataFormatException(dir, "holds CIFAR-100 data but no " + file.getFileName());
        }
        List<String> classes = classNames(path, dir, "fine_label_names.txt");
        return CifarReader.readCifar100(List.of(file), name, classes);
    }

    /** {@code path/sub} when that folder exists (the layout of the official archives), else {@code path}. */
    private static Path withSubfolder(Path path, String sub) {
        Path inner = path.resolve(sub);
        return Files.isDirectory(inner) ? inner : path;
    }

    /** {@code classes.txt} beside the data (or in {@code path}), else the format's own names file, else null. */
    private static List<String> classNames(Path path, Path dir, String formatNamesFile) throws IOException {
        List<String> names = namesFile(dir.resolve(CLASSES_FILE));
        if (names == null && !dir.equals(path)) {
            names = namesFile(path.resolve(CLASSES_FILE));
        }
        return names != null ? names : namesFile(dir.resolve(formatNamesFile));
    }

    /** One class name per line, blank lines skipped; null if the file does not exist. */
    private static List<String> namesFile(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            return null;
        }
        List<String> names = new ArrayList<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            String trimmed = line.replace("\uFEFF", "").strip();
            if (!trimmed.isEmpty()) {
                names.add(trimmed);
            }
        }
        if (names.isEmpty()) {
            throw new DataFormatException(file, "lists no class names");
        }
        return names;
    }

    private static ImageDataset loadImageFolder(Path path, Split split, String name) throws IOException {
        Path train = path.resolve("train");
        Path test = path.resolve("test");
        if (Files.isDirectory(train) && Files.isDirectory(test)) {
            return ImageFolderReader.read(split == Split.TRAIN ? train : test, name);
        }
        try (Stream<Path> children = Files.list(path)) {
            boolean hasClassFolders = children.anyMatch(
                    p -> Files.isDirectory(p) && !p.getFileName().toString().startsWith("."));
            return hasClassFolders ? ImageFolderReader.read(path, name) : null;
        }
    }

    private static String folderName(Path path) {
        Path fileName = path.toAbsolutePath().normalize().getFileName();
        return fileName != null ? fileName.toString() : path.toString();
    }
}
