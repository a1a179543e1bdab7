package org.dsvstudio.model;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * Checks that a file is plausibly a TorchScript archive before libtorch parses it: libtorch's reader is native
 * code, and its errors on arbitrary bytes are cryptic at best. A TorchScript file is a zip holding
 * {@code <name>/data.pkl} (the pickled module) and {@code <name>/code/}; this reads only the zip directory.
 */
final class TorchScriptArchive {

    private TorchScriptArchive() {
    }

    /** Throws a ModelLoadException saying what is wrong, in a user's words; returns quietly otherwise. */
    static void check(Path file) {
        String name = file.getFileName().toString();
        long size;
        byte[] head = new byte[4];
        int read;
        try (InputStream in = Files.newInputStream(file)) {
            size = Files.size(file);
            read = in.readNBytes(head, 0, 4);
        } catch (IOException e) {
            throw new ModelLoadException("cannot read " + file + ": " + e.getMessage(), e);
        }
        if (size == 0) {
            throw notLoadable(name + " is empty (0 bytes)");
        }
        if (read < 4 || head[0] != 'P' || head[1] != 'K' || head[2] != 3 || head[3] != 4) {
            throw notLoadable(name + " is not a TorchScript archive (no zip header)");
        }
        boolean hasData = false;
        long unpacked = 0;
        try (ZipFile zip = new ZipFile(file.toFile())) {
            Enumeration<? extends ZipEntry> entries = zip.entries();
            while (entries.hasMoreElements()) {
                ZipEntry e = entries.nextElement();
                String entry = e.getName();
                if (escapes(entry)) {
                    throw notLoadable(name + " has an entry that escapes the archive (" + entry + ")");
                }
                hasData |= entry.endsWith("/data.pkl");
                unpacked += Math.max(0, e.getSize());
            }
        } catch (ZipException e) {
            throw notLoadable(name + " is a damaged or truncated zip archive");
        } catch (IOException e) {
            throw new ModelLoadException("cannot read " + file + ": " + e.getMessage(), e);
        }
        if (!hasData) {
            throw notLoadable(name + " is a zip archive without TorchScript code (no */data.pkl)");
        }
        // torch.jit.save stores weights uncompressed: an archive that inflates many times over is a zip bomb
        if (unpacked > MAX_QUIET_UNPACKED && unpacked > MAX_RATIO * size) {
            throw notLoadable(String.format(java.util.Locale.ROOT, "%s unpacks to %.0f MB from %.1f MB (%.0f:1);"
                    + " TorchScript weights are stored, not compressed, so this is no model's archive", name,
                    unpacked / 1e6, size / 1e6, (double) unpacked / size));
        }
    }

    /** Below this, any compression ratio is let through (small archives cost nothing to unpack). */
    static final long MAX_QUIET_UNPACKED = 64L << 20;

    /** Unpacked / packed size above which a large archive is refused. */
    static final long MAX_RATIO = 20;

    /** An absolute name, a drive letter or a ".." segment: would land outside a folder it were unpacked into. */
    private static boolean escapes(String entry) {
        String n = entry.replace('\\', '/');
        if (n.startsWith("/") || n.matches("^[A-Za-z]:.*")) {
            return true;
        }
        for (String segment : n.split("/")) {
            if (segment.equals("..")) {
                return true;
            }
        }
        return false;
    }

    private static ModelLoadException notLoadable(String why) {
        return new ModelLoadException("not a loadable TorchScript model: " + why);
    }
}
