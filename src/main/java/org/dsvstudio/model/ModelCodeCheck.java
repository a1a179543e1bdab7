package org.dsvstudio.model;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * A TorchScript file is a program, and libtorch runs it: {@code torch.from_file(path, shared=True)} in a
 * model's forward creates and writes a file of its choice, and the same op reads any readable file. Before
 * libtorch sees an archive, this reads the code libtorch would compile (the {@code code/…/*.py} entries, the
 * archive's own source text) and refuses
 * <ul>
 *   <li>a call of any operator outside the allowlist {@code torchscript-ops.txt} (what classifiers need:
 *       convolutions, linear maps, norms, activations, pooling, shape ops, arithmetic …), naming it — file,
 *       process, sleep, print and custom C++ operators or classes are not on it;</li>
 *   <li>{@code range} loops over a literal of more than {@value #MAX_LITERAL_RANGE}. {@code while} loops stay:
 *       TorchScript writes every Python loop with a {@code break} or early {@code return} as one (DenseNet's
 *       has one), even {@code while True} comes out as {@code _0 = True; while _0:}, and whether a loop ends
 *       cannot be read off the text — the worker's time limit catches those;</li>
 *   <li>code nesting deeper than {@value #MAX_CODE_NESTING} brackets and pickles (the module, constants and
 *       debug tables) nesting deeper than {@value #MAX_PICKLE_DEPTH}: libtorch's parsers recurse per level, and a
 *       1–2 MB file nested a hundred thousand levels deep kills the process (SIGSEGV, no message).</li>
 * </ul>
 * This is a screen, not a proof: it reads text, and it lets through what it cannot see (a computed loop bound,
 * an allocation sized from the input). What gets through still runs in the sandboxed worker process, which the
 * app kills when it hangs or crashes. A user who trusts a refused file can say so ({@link #trust}); the file is
 * then still run only in the worker.
 */
public final class ModelCodeCheck {

    static final int MAX_CODE_NESTING = 100;
    static final int MAX_PICKLE_DEPTH = 1000;
    static final long MAX_LITERAL_RANGE = 10_000_000L;
    /** Larger code or pickle entries are refused before they are read into memory. */
    static final long MAX_ENTRY_BYTES = 64L << 20;

    private static final Set<String> ALLOWED = readAllowlist();
    /** Operators refused with a reason a user understands, beyond "not one a classifier needs". */
    private static final Map<String, String> WHY = Map.ofEntries(
            Map.entry("torch.from_file", "reads or writes files"), Map.entry("torch.save", "writes files"),
            Map.entry("torch.load", "reads files"), Map.entry("ops.aten.from_file", "reads or writes files"),
            Map.entry("print", "prints"), Map.entry("ops.prim.Print", "prints"),
            Map.entry("torch._sleep", "sleeps"), Map.entry("ops.aten._sleep", "sleeps"),
            Map.entry("fork", "starts threads"), Map.entry("torch.jit._fork", "starts threads"));
    /** Files whose owner said they trust them (SHA-256): checked but not refused, run in the worker all the same. */
    private static final Set<String> TRUSTED = ConcurrentHashMap.newKeySet();
    /** The command line's --trust-model-code: this process runs whatever model it is given. */
    private static volatile boolean trustEvery;

    private ModelCodeCheck() {
    }

    /**
     * The user vouches for this exact file (by content) — for a model folder, the weights its card names: its
     * code is run even where the check would refuse it.
     */
    public static void trust(Path model) {
        Path file = model;
        if (java.nio.file.Files.isDirectory(model)) {
            ModelCard card = ModelLoader.readCard(model.resolve(ModelCard.FILE_NAME));
            file = ModelLoader.torchScriptWeights(model, card);
        }
        try {
            TRUSTED.add(Hashing.sha256(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The command line's --trust-model-code, for the one command this process runs. */
    public static void trustEveryModel(boolean trust) {
        trustEvery = trust;
    }

    /**
     * Throws a {@link ModelLoadException} naming the first refused operator or construct and the entry it is in;
     * returns quietly for code a classifier may run, or for a file the user trusts.
     */
    public static void check(Path file) {
        String name = file.getFileName().toString();
        if (trustEvery) {
            return;
        }
        try (ZipFile zip = new ZipFile(file.toFile())) {
            if (!TRUSTED.isEmpty() && TRUSTED.contains(Hashing.sha256(file))) {
                return;
            }
            for (ZipEntry e : java.util.Collections.list(zip.entries())) {
                String entry = e.getName();
                boolean code = entry.contains("/code/") && entry.endsWith(".py");
                boolean pickle = entry.endsWith(".pkl") || entry.endsWith(".debug_pkl");
                if (!code && !pickle) {
                    continue;
                }
                if (e.getSize() > MAX_ENTRY_BYTES) {
                    throw refused(name, entry, "is " + e.getSize() / (1 << 20) + " MB, more than code or a module"
                            + " table needs");
                }
                byte[] bytes;
                try (InputStream in = zip.getInputStream(e)) {
                    bytes = in.readNBytes((int) MAX_ENTRY_BYTES + 1);
                }
                if (pickle) {
                    try {
                        PickleDepth.of(bytes, MAX_PICKLE_DEPTH);
                    } catch (PickleDepth.Refused r) {
                        throw refused(name, entry, r.getMessage());
                    }
                } else {
                    String problem = screen(new String(bytes, StandardCharsets.UTF_8));
                    if (problem != null) {
                        throw refused(name, entry, problem);
                    }
                }
            }
        } catch (IOException e) {
            throw new ModelLoadException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    private static ModelLoadException refused(String file, String entry, String what) {
        String inside = entry.contains("/") ? entry.substring(entry.indexOf('/') + 1) : entry;
        return new ModelLoadException("refused to run " + file + ": " + what + " (in " + inside + "); a classifier"
                + " does not need it. Open it anyway only if you trust its author (--trust-model-code)");
    }

    /** What is wrong with one code file, or null. Strings are skipped; the rest is read token by token. */
    static String screen(String src) {
        int depth = 0;
        int n = src.length();
        int i = 0;
        String previous = "";
        while (i < n) {
            char c = src.charAt(i);
            if (c == '"' || c == '\'') {
                i = skipString(src, i);
                previous = "\"";
                continue;
            }
            if (c == '#') {
                while (i < n && src.charAt(i) != '\n') {
                    i++;
                }
                continue;
            }
            if (c == '(' || c == '[' || c == '{') {
                if (++depth > MAX_CODE_NESTING) {
                    return "code nests brackets more than " + MAX_CODE_NESTING + " levels deep";
                }
                i++;
                previous = "(";
                continue;
            }
            if (c == ')' || c == ']' || c == '}') {
                depth = Math.max(0, depth - 1);
                i++;
                previous = ")";
                continue;
            }
            if (Character.isJavaIdentifierStart(c)) {
                int start = i;
                while (i < n && (Character.isJavaIdentifierPart(src.charAt(i)) || (src.charAt(i) == '.'
                        && i + 1 < n && Character.isJavaIdentifierStart(src.charAt(i + 1))))) {
                    i++;
                }
                String word = src.substring(start, i);
                boolean attribute = previous.equals(".");
                boolean call = nextNonSpace(src, i) == '(';
                String problem = attribute ? null : word(word, call, src, i);
                if (problem != null) {
                    return problem;
                }
                previous = word;
                continue;
            }
            previous = c == '.' ? "." : String.valueOf(c);
            i++;
        }
        return null;
    }

    private static String word(String word, boolean call, String src, int after) {
        if (word.equals("range") && call) {
            long bound = literalArgument(src, after);
            if (bound > MAX_LITERAL_RANGE) {
                return String.format(Locale.ROOT, "a loop over range(%d)", bound);
            }
        }
        if (WHY.containsKey(word) && (call || word.contains("."))) {
            return "the operator " + word + " " + WHY.get(word);
        }
        boolean torch = word.startsWith("torch.");
        boolean ops = word.startsWith("ops.");
        if (!torch && !ops) {
            return null; // a local name, a module path (__torch__…), a keyword, a builtin or a type
        }
        if (ALLOWED.contains(word)) {
            return null;
        }
        if (torch && !call && isType(word)) {
            return null; // an annotation: torch.Tensor, torch.device, …
        }
        String kind = word.startsWith("torch.classes") ? "a custom C++ class"
                : ops && !word.startsWith("ops.aten.") && !word.startsWith("ops.prim.") ? "a custom C++ operator"
                : "the operator";
        return kind + " " + word;
    }

    private static boolean isType(String word) {
        return word.equals("torch.Tensor") || word.equals("torch.device") || word.equals("torch.dtype")
                || word.equals("torch.Generator");
    }

    /** The integer literal that is a call's only argument (range(123)), or -1. */
    private static long literalArgument(String src, int after) {
        int open = src.indexOf('(', after);
        int close = src.indexOf(')', open);
        if (open < 0 || close < 0) {
            return -1;
        }
        String arg = src.substring(open + 1, close).strip().replace("_", "");
        try {
            return Long.parseLong(arg);
        } catch (NumberFormatException e) {
            return arg.matches("\\d{19,}") ? Long.MAX_VALUE : -1;
        }
    }

    private static char nextNonSpace(String src, int i) {
        int j = skipSpaces(src, i);
        return j < src.length() ? src.charAt(j) : 0;
    }

    private static int skipSpaces(String src, int i) {
        while (i < src.length() && (src.charAt(i) == ' ' || src.charAt(i) == '\t')) {
            i++;
        }
        return i;
    }

    private static int skipString(String src, int i) {
        char q = src.charAt(i);
        boolean triple = src.startsWith(String.valueOf(q).repeat(3), i);
        int j = i + (triple ? 3 : 1);
        while (j < src.length()) {
            char c = src.charAt(j);
            if (c == '\\') {
                j += 2;
                continue;
            }
            if (triple ? src.startsWith(String.valueOf(q).repeat(3), j) : c == q) {
                return j + (triple ? 3 : 1);
            }
            j++;
        }
        return j;
    }

    private static Set<String> readAllowlist() {
        try (InputStream in = ModelCodeCheck.class.getResourceAsStream("torchscript-ops.txt")) {
            if (in == null) {
                throw new IllegalStateException("torchscript-ops.txt missing from the jar");
            }
            Set<String> ops = new HashSet<>();
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                String s = line.strip();
                if (s.isEmpty() || s.startsWith("#")) {
                    continue;
                }
                for (String op : s.split("\\s+")) {
                    ops.add(op);
                }
            }
            return Set.copyOf(ops);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
