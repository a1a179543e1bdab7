package org.dsvstudio.session;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.dsvstudio.app.DsvExport;
import org.dsvstudio.data.DataFormatException;
import org.dsvstudio.data.Images;
import org.dsvstudio.kkt.Candidate;
import org.dsvstudio.model.AtomicFiles;
import org.dsvstudio.model.ModelCard;

import javax.imageio.ImageIO;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/**
 * A session file ({@code .dsv}, documented in docs/formats.md): one zip with {@code session.json} (format, version,
 * the model as path + SHA-256 + card, the list of runs) and per run {@code runs/N/dsvs.json} (the run format of
 * {@link RunJson}), {@code runs/N/images.f32} (every candidate's image as little-endian float32, in the order of
 * dsvs.json, so a reopened run has the exact values) and the DSVs' PNGs for people who unzip it.
 *
 * <p>Written to a temporary file beside the target and moved over it, so a kill during save leaves the previous
 * file as it was. Read defensively: entries outside {@code session.json} and {@code runs/N/}, names that climb out
 * ({@code ..}, absolute), entries larger than their kind can be, and unknown versions are refused with one line.
 */
public final class SessionFile {

    public static final String FORMAT = "dsv-studio-session";
    public static final int VERSION = 1;
    public static final String EXTENSION = ".dsv";

    static final long MAX_SESSION_JSON = 16L << 20;
    static final long MAX_RUN_JSON = 1L << 30;
    static final long MAX_PNG = 64L << 20;
    static final int MAX_ENTRIES = 2_000_000;
    static final int MAX_RUNS = 1000;
    private static final Pattern RUN_ENTRY = Pattern.compile("runs/(\\d{1,4})/([A-Za-z0-9._\\-]{1,255})");
    private static final Pattern FIGURE_ENTRY = Pattern.compile("figures/\\d{1,4}\\.png");
    /** A model's own files, flat: model.json, its weights, a .pt and its card. */
    private static final Pattern MODEL_ENTRY = Pattern.compile("model/[A-Za-z0-9][A-Za-z0-9._\\-]{0,254}");
    /** An embedded model larger than this is refused (a classifier of DSV Studio's sizes is far smaller). */
    static final long MAX_MODEL_BYTES = 4L << 30;
    static final int MAX_FIGURES = 1000;

    /**
     * The model the session's runs were made with: where it was, its content hash, its card; {@code embedded} names
     * its copy inside the session ({@code model/} for a model folder, {@code model/NAME.pt} for a file), or null.
     */
    public record ModelRef(String path, String sha256, ModelCard card, String embedded) {

        public ModelRef(String path, String sha256, ModelCard card) {
            this(path, sha256, card, null);
        }
    }

    /** A figure the user added to the session's report (a view as it was shown: plane, path, saliency …). */
    public record Figure(String title, byte[] png) {
    }

    /** An image placed in one of the Boundaries tab's slots (0–2: the plane's A, B, C; 3–4: the path's P, Q). */
    public record Anchor(int slot, String label, float[] image01) {
    }

    /**
     * The Explain tab's settings and the image it explains (a DSV's pixels, or a file's path), so that a reopened
     * session explains the same way.
     */
    public record ExplainState(String method, int classA, int classB, org.dsvstudio.app.Saliency.Settings settings,
            String sourceTitle, float[] sourceImage01, String sourceFile) {
    }

    /** What the views were showing: boundary anchors and explain settings (either may be absent). */
    public record Views(List<Anchor> anchors, ExplainState explain) {

        public static final Views NONE = new Views(List.of(), null);
    }

    /** What a session holds. */
    public record Session(ModelRef model, List<SavedRun> runs, List<Figure> figures, Views views) {

        public Session(ModelRef model, List<SavedRun> runs) {
            this(model, runs, List.of(), Views.NONE);
        }

        public Session(ModelRef model, List<SavedRun> runs, List<Figure> figures) {
            this(model, runs, figures, Views.NONE);
        }
    }

    private SessionFile() {
    }

    public static void write(Path file, Session session) throws IOException {
        write(file, session, false);
    }

    /**
     * Writes the session; with {@code embedModel}, a copy of the model its reference names (a folder's card and
     * weights, or a .pt and its card) goes inside, so that whoever opens the file has the model too.
     */
    public static void write(Path file, Session session, boolean embedModel) throws IOException {
        Map<String, Path> modelFiles = embedModel ? modelFiles(session.model()) : Map.of();
        AtomicFiles.write(file, out -> {
            try (ZipOutputStream zip = new ZipOutputStream(out)) {
                ObjectNode root = RunJson.JSON.createObjectNode();
                root.put("format", FORMAT);
                root.put("version", VERSION);
                root.put("savedAt", java.time.Instant.now().toString());
                root.put("app", org.dsvstudio.app.AppInfo.VERSION);
                if (session.model() != null) {
                    ModelRef ref = session.model();
                    String embedded = modelFiles.isEmpty() ? null : Files.isDirectory(Path.of(ref.path())) ? "model/"
                            : "model/" + Path.of(ref.path()).getFileName();
                    root.set("model", RunJson.JSON.valueToTree(new ModelRef(ref.path(), ref.sha256(), ref.card(),
                            embedded)));
                }
                for (Map.Entry<String, Path> m : modelFiles.entrySet()) {
                    ZipEntry e = new ZipEntry(m.getKey());
                    e.setTime(0);
                    zip.putNextEntry(e);
                    Files.copy(m.getValue(), zip);
                    zip.closeEntry();
                }
                ArrayNode runs = root.putArray("runs");
                for (int i = 0; i < session.runs().size(); i++) {
                    SavedRun run = session.runs().get(i);
                    String folder = "runs/" + (i + 1) + "/";
                    runs.addObject().put("folder", folder).put("title", run.title());
                    ModelCard card = run.card();
                    Map<Candidate, String> pngs = new HashMap<>();
                    for (Candidate c : run.result().candidates()) {
                        String name = String.format(java.util.Locale.ROOT, "dsv-%04d.png", c.index());
                        pngs.put(c, name);
                        put(zip, folder + name, png(c, card));
                    }
                    ObjectNode tree = RunJson.toTree(run, pngs::get);
                    tree.put("images", "images.f32");
                    put(zip, folder + "dsvs.json", RunJson.JSON.writeValueAsBytes(tree));
                    put(zip, folder + "images.f32", floats(run));
                }
                if (session.views() != null && (!session.views().anchors().isEmpty()
                        || session.views().explain() != null)) {
                    root.set("views", RunJson.JSON.valueToTree(session.views()));
                }
                ArrayNode figures = root.putArray("figures");
                for (int i = 0; i < session.figures().size(); i++) {
                    Figure f = session.figures().get(i);
                    String name = "figures/" + (i + 1) + ".png";
                    figures.addObject().put("title", f.title()).put("file", name);
                    put(zip, name, f.png());
                }
                put(zip, "session.json", RunJson.JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(root));
            }
        });
    }

    public static Session read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new DataFormatException(file, Files.exists(file) ? "not a file" : "does not exist");
        }
        try (ZipFile zip = new ZipFile(file.toFile())) {
            Map<String, ZipEntry> entries = entries(zip, file);
            ZipEntry sessionEntry = entries.get("session.json");
            if (sessionEntry == null) {
                throw new DataFormatException(file, "not a DSV Studio session (no session.json inside)");
            }
            JsonNode root = json(zip, sessionEntry, MAX_SESSION_JSON, file);
            if (!FORMAT.equals(root.path("format").asText())) {
                throw new DataFormatException(file, "not a DSV Studio session (format '"
                        + root.path("format").asText("") + "')");
            }
            int version = root.path("version").asInt(-1);
            if (version != VERSION) {
                throw new DataFormatException(file, "session format version " + version + " is not one this DSV"
                        + " Studio reads (it reads version " + VERSION + "); open it with the version that wrote it");
            }
            ModelRef model = null;
            if (root.hasNonNull("model")) {
                try {
                    model = RunJson.JSON.treeToValue(root.get("model"), ModelRef.class);
                } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                    throw new DataFormatException(file, "its model reference cannot be read", e);
                }
            }
            JsonNode runsNode = root.path("runs");
            if (runsNode.size() > MAX_RUNS) {
                throw new DataFormatException(file, runsNode.size() + " runs is more than a session holds");
            }
            List<SavedRun> runs = new ArrayList<>();
            for (JsonNode r : runsNode) {
                String folder = r.path("folder").asText("");
                ZipEntry runJson = entries.get(folder + "dsvs.json");
                if (!folder.matches("runs/\\d{1,4}/") || runJson == null) {
                    throw new DataFormatException(file, "run folder '" + folder + "' is not in the session");
                }
                JsonNode tree = json(zip, runJson, MAX_RUN_JSON, file);
                ZipEntry imagesEntry = entries.get(folder + "images.f32");
                if (imagesEntry == null) {
                    throw new DataFormatException(file, folder + "images.f32 is missing");
                }
                float[][] images = new float[1][];
                Path where = Path.of(file + "!/" + folder + "dsvs.json");
                runs.add(RunJson.fromTree(tree, where, (i, entry, card) -> {
                    int size = card.channels() * card.height() * card.imageWidth();
                    if (images[0] == null) {
                        long expected = 4L * size * tree.path("dsvs").size();
                        images[0] = readFloats(zip, imagesEntry, expected, file);
                    }
                    float[] one = new float[size];
                    System.arraycopy(images[0], i * size, one, 0, size);
                    return one;
                }, true));
            }
            List<Figure> figures = new ArrayList<>();
            JsonNode figuresNode = root.path("figures");
            if (figuresNode.size() > MAX_FIGURES) {
                throw new DataFormatException(file, figuresNode.size() + " figures is more than a session holds");
            }
            for (JsonNode f : figuresNode) {
                ZipEntry e = entries.get(f.path("file").asText(""));
                if (e == null) {
                    throw new DataFormatException(file, "figure '" + f.path("file").asText("") + "' is not in the"
                            + " session");
                }
                byte[] png = bounded(zip, e, MAX_PNG, file);
                if (png.length < 8 || (png[0] & 0xff) != 0x89 || png[1] != 'P' || png[2] != 'N' || png[3] != 'G') {
                    throw new DataFormatException(file, e.getName() + " is not a PNG");
                }
                figures.add(new Figure(f.path("title").asText("figure"), png));
            }
            Views views = Views.NONE;
            if (root.hasNonNull("views")) {
                try {
                    views = RunJson.JSON.treeToValue(root.get("views"), Views.class);
                } catch (com.fasterxml.jackson.core.JsonProcessingException | IllegalArgumentException e) {
                    throw new DataFormatException(file, "its view settings cannot be read: " + e.getMessage(), e);
                }
                views = new Views(views.anchors() == null ? List.of() : views.anchors().stream()
                        .filter(a -> a.slot() >= 0 && a.slot() <= 4 && a.image01() != null).toList(), views.explain());
            }
            return new Session(model, List.copyOf(runs), List.copyOf(figures), views);
        } catch (ZipException e) {
            throw new DataFormatException(file, "not a DSV Studio session (not a readable zip: " + e.getMessage() + ")",
                    e);
        }
    }

    /** The files of the referenced model to embed, by entry name; checked against the reference's hash. */
    private static Map<String, Path> modelFiles(ModelRef ref) throws IOException {
        if (ref == null || ref.path() == null) {
            throw new IOException("no model is open to put into the session");
        }
        Path model = Path.of(ref.path());
        Map<String, Path> files = new java.util.LinkedHashMap<>();
        if (Files.isDirectory(model)) {
            Path card = model.resolve(ModelCard.FILE_NAME);
            files.put("model/" + ModelCard.FILE_NAME, card);
            Path weights = org.dsvstudio.model.ModelLoader.weightsFile(model);
            files.put("model/" + weights.getFileName(), weights);
        } else {
            files.put("model/" + model.getFileName(), model);
            String stem = model.getFileName().toString().replaceFirst("\\.[^.]*$", "");
            Path card = model.resolveSibling(stem + ".json");
            if (Files.isRegularFile(card)) {
                files.put("model/" + card.getFileName(), card);
            }
        }
        long total = 0;
        for (Map.Entry<String, Path> f : files.entrySet()) {
            if (!MODEL_ENTRY.matcher(f.getKey()).matches()) {
                throw new IOException("the model file name " + f.getValue().getFileName() + " cannot go into a session"
                        + " (letters, digits, '.', '_' and '-' only)");
            }
            total += Files.size(f.getValue());
        }
        if (total > MAX_MODEL_BYTES) {
            throw new IOException("the model is " + total + " bytes: too large to put into a session");
        }
        Path weights = Files.isDirectory(model) ? org.dsvstudio.model.ModelLoader.weightsFile(model) : model;
        if (ref.sha256() != null && !ref.sha256().equals(org.dsvstudio.model.Hashing.sha256(weights))) {
            throw new IOException("the model at " + model + " has changed since it was opened (its SHA-256 differs):"
                    + " open it again before saving it into the session");
        }
        return files;
    }

    /**
     * Unpacks the model a session carries into {@code target} (a new or empty folder) and returns what to open: the
     * folder, or the .pt file inside it. Its content must have the reference's SHA-256; the model is still checked
     * and run only in the compute process when it is opened.
     *
     * @throws DataFormatException when the session carries no model, or not the one it names
     */
    public static Path extractModel(Path file, Path target) throws IOException {
        Session s = read(file);
        ModelRef ref = s.model();
        if (ref == null || ref.embedded() == null) {
            throw new DataFormatException(file, "carries no model (save it with File → Save session with its model)");
        }
        Files.createDirectories(target);
        try (ZipFile zip = new ZipFile(file.toFile())) {
            long total = 0;
            for (Map.Entry<String, ZipEntry> e : entries(zip, file).entrySet()) {
                if (!e.getKey().startsWith("model/")) {
                    continue;
                }
                byte[] bytes = bounded(zip, e.getValue(), MAX_MODEL_BYTES - total, file);
                total += bytes.length;
                AtomicFiles.write(target.resolve(e.getKey().substring("model/".length())), bytes);
            }
        }
        Path opened = ref.embedded().equals("model/") ? target
                : target.resolve(ref.embedded().substring("model/".length()));
        Path weights = Files.isDirectory(opened) ? org.dsvstudio.model.ModelLoader.weightsFile(opened) : opened;
        if (!Files.exists(weights) || (ref.sha256() != null
                && !ref.sha256().equals(org.dsvstudio.model.Hashing.sha256(weights)))) {
            throw new DataFormatException(file, "the model inside is not the one the session names (its SHA-256"
                    + " differs)");
        }
        return opened;
    }

    /** Every entry by name, after the checks that need no reading: names, count, declared sizes. */
    private static Map<String, ZipEntry> entries(ZipFile zip, Path file) throws DataFormatException {
        Map<String, ZipEntry> out = new HashMap<>();
        Enumeration<? extends ZipEntry> all = zip.entries();
        while (all.hasMoreElements()) {
            ZipEntry e = all.nextElement();
            String name = e.getName();
            if (out.size() >= MAX_ENTRIES) {
                throw new DataFormatException(file, "more than " + MAX_ENTRIES + " entries: not a session");
            }
            if (name.equals("session.json")) {
                out.put(name, e);
                continue;
            }
            if (e.isDirectory() && name.matches("runs/(\\d{1,4}/)?")) {
                continue;
            }
            if (e.isDirectory() && name.equals("figures/")) {
                continue;
            }
            if (e.isDirectory() && name.equals("model/")) {
                continue;
            }
            if (!(RUN_ENTRY.matcher(name).matches() || FIGURE_ENTRY.matcher(name).matches()
                    || MODEL_ENTRY.matcher(name).matches()) || name.contains("..")) {
                throw new DataFormatException(file, "has an entry '" + printable(name) + "' outside session.json,"
                        + " runs/N/, figures/ and model/: refused (a session holds nothing else)");
            }
            out.put(name, e);
        }
        return out;
    }

    private static JsonNode json(ZipFile zip, ZipEntry e, long max, Path file) throws IOException {
        byte[] bytes = bounded(zip, e, max, file);
        try {
            return RunJson.JSON.readTree(bytes);
        } catch (com.fasterxml.jackson.core.JsonProcessingException ex) {
            throw new DataFormatException(file, e.getName() + " is not valid JSON: "
                    + org.dsvstudio.model.ModelLoader.jsonProblem(ex), ex);
        }
    }

    private static float[] readFloats(ZipFile zip, ZipEntry e, long expected, Path file) throws IOException {
        if (expected > Integer.MAX_VALUE - 64) {
            throw new DataFormatException(file, e.getName() + " would hold " + expected + " bytes: too large");
        }
        byte[] bytes = bounded(zip, e, expected, file);
        if (bytes.length != expected) {
            throw new DataFormatException(file, e.getName() + " holds " + bytes.length + " bytes, its run needs "
                    + expected);
        }
        float[] out = new float[bytes.length / 4];
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(out);
        return out;
    }

    /** The entry's bytes, refused as soon as it holds more than {@code max} (declared sizes can lie). */
    private static byte[] bounded(ZipFile zip, ZipEntry e, long max, Path file) throws IOException {
        if (e.getSize() > max) {
            throw new DataFormatException(file, e.getName() + " is " + e.getSize() + " bytes, more than it can be ("
                    + max + ")");
        }
        try (InputStream in = zip.getInputStream(e)) {
            byte[] bytes = in.readNBytes((int) Math.min(max + 1, Integer.MAX_VALUE - 64));
            if (bytes.length > max) {
                throw new DataFormatException(file, e.getName() + " inflates to more than " + max + " bytes: refused");
            }
            return bytes;
        }
    }

    private static byte[] floats(SavedRun run) {
        List<Candidate> all = run.result().candidates();
        int size = all.isEmpty() ? 0 : all.get(0).image01().length;
        ByteBuffer b = ByteBuffer.allocate(4 * size * all.size()).order(ByteOrder.LITTLE_ENDIAN);
        for (Candidate c : all) {
            for (float v : c.image01()) {
                b.putFloat(v);
            }
        }
        return b.array();
    }

    private static byte[] png(Candidate c, ModelCard card) throws IOException {
        ImageIO.setUseCache(false);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ImageIO.write(Images.toBufferedImage(c.image01(), card.channels(), card.height(), card.imageWidth()), "png",
                bytes);
        return bytes.toByteArray();
    }

    private static void put(ZipOutputStream zip, String name, byte[] content) throws IOException {
        ZipEntry e = new ZipEntry(name);
        e.setTime(0);
        zip.putNextEntry(e);
        zip.write(content);
        zip.closeEntry();
    }

    private static String printable(String name) {
        String s = name.codePoints().map(c -> Character.isISOControl(c) ? '?' : c)
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString();
        return s.length() > 80 ? s.substring(0, 80) + "…" : s;
    }

    /** The provenance a run made in the app records. */
    public static DsvExport.Provenance provenance(String modelName, String path, String sha, String engine,
            String device, String command) {
        return new DsvExport.Provenance(modelName, path, sha, org.dsvstudio.app.AppInfo.VERSION, engine, device,
                command, java.time.Instant.now().toString());
    }
}
