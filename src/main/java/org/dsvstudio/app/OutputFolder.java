package org.dsvstudio.app;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * A run's output folder, written as a whole: files go into a hidden staging folder beside the target, which
 * replaces the target in one rename when everything is written. So two runs into one folder cannot mix their
 * files (the second is refused while the first holds the lock), a re-run leaves no stale PNGs, a kill during
 * export leaves the previous output untouched, and a full disk fails before anything is replaced. Claimed before
 * the run starts, so a folder that cannot be written is refused before minutes of compute, not after.
 *
 * <p>Only an empty folder or a previous DSV Studio output (it has {@code dsvs.json}) is replaced.
 */
public final class OutputFolder implements AutoCloseable {

    /** The file that marks a folder as DSV Studio's output. */
    public static final String MARKER = "dsvs.json";

    private final Path target;
    private final Path staging;
    private final Path lockFile;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private boolean committed;

    private OutputFolder(Path target, Path staging, Path lockFile, FileChannel lockChannel, FileLock lock) {
        this.target = target;
        this.staging = staging;
        this.lockFile = lockFile;
        this.lockChannel = lockChannel;
        this.lock = lock;
    }

    /**
     * Claims {@code target} for one writer and prepares its staging folder.
     *
     * @param bytesNeeded an estimate of what the output will take; refused when the disk has less free
     * @throws IOException with a message that names the folder and what is wrong
     */
    public static OutputFolder claim(Path target, long bytesNeeded) throws IOException {
        Path t = target.toAbsolutePath().normalize();
        Path parent = t.getParent();
        if (parent == null || t.getFileName() == null) {
            throw new IOException("will not write a run into " + t + ": it is the file system root; name a folder"
                    + " for the run (e.g. --out dsvs)");
        }
        if (Files.exists(t) && !Files.isDirectory(t)) {
            throw new IOException(t + " is a file, not a folder: name a folder for the run");
        }
        if (Files.isDirectory(t) && !isEmpty(t) && !Files.isRegularFile(t.resolve(MARKER))) {
            throw new IOException(t + " holds other files (no " + MARKER + "): DSV Studio writes a run only into a"
                    + " new or empty folder or over its own earlier output, so that nothing of yours is replaced");
        }
        try {
            Files.createDirectories(parent);
        } catch (IOException e) {
            throw new IOException("cannot create the folder " + parent + " for " + t.getFileName() + ": "
                    + reason(e), e);
        }
        String name = t.getFileName().toString();
        Path lockFile = parent.resolve("." + name + ".lock");
        FileChannel channel;
        try {
            channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new IOException("cannot write into " + parent + ": " + reason(e), e);
        }
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null;
        }
        if (lock == null) {
            channel.close();
            throw new IOException("another DSV Studio run is writing into " + t + " now: choose another folder or"
                    + " wait for it to finish");
        }
        try {
            removeLeftovers(parent, name);
            long free = Files.getFileStore(parent).getUsableSpace();
            if (bytesNeeded > 0 && free < bytesNeeded) {
                throw new IOException(String.format(Locale.ROOT, "not enough free space in %s: the run's files"
                        + " need about %.1f MB, %.1f MB are free", parent, bytesNeeded / 1e6, free / 1e6));
            }
            // not createTempDirectory: its mode 700 would become the output folder's; this one follows the umask
            Path staging = parent.resolve("." + name + ".tmp-" + Long.toHexString(System.nanoTime()));
            Files.createDirectory(staging);
            return new OutputFolder(t, staging, lockFile, channel, lock);
        } catch (IOException | RuntimeException e) {
            lock.release();
            channel.close();
            Files.deleteIfExists(lockFile);
            throw e;
        }
    }

    /** Refuses (before anything is written) when the disk has less than {@code bytes} free. */
    public void ensureSpace(long bytes) throws IOException {
        long free = Files.getFileStore(staging).getUsableSpace();
        if (free < bytes) {
            throw new IOException(String.format(Locale.ROOT, "not enough free space in %s: the run's files need"
                    + " about %.1f MB, %.1f MB are free", target.getParent(), bytes / 1e6, free / 1e6));
        }
    }

    /** Whether a run may be written to {@code dir} itself: it is new, empty or an earlier run's output. */
    public static boolean acceptsRun(Path dir) throws IOException {
        return !Files.exists(dir) || Files.isDirectory(dir) && (isEmpty(dir) || Files.isRegularFile(dir.resolve(MARKER)));
    }

    /** {@code base} made safe as a file name, or base-2, base-3 … where that exists in {@code dir}. */
    public static String freshName(Path dir, String base) {
        String safe = base.replaceAll("[^A-Za-z0-9._-]+", "_");
        String name = safe;
        for (int n = 2; Files.exists(dir.resolve(name)); n++) {
            name = safe + "-" + n;
        }
        return name;
    }

    /** Where to write the files; becomes the target on {@link #commit}. */
    public Path staging() {
        return staging;
    }

    public Path target() {
        return target;
    }

    /** What writes a run's files into the staging folder. */
    @FunctionalInterface
    public interface Contents {
        void writeInto(Path staging) throws IOException;
    }

    /**
     * Writes the run into the staging folder and puts it in place of the target. A failure on the way (a full
     * disk, a lost permission) names the target and says that nothing there changed; the staged files go on
     * {@link #close}.
     */
    public void write(Contents contents) throws IOException {
        try {
            contents.writeInto(staging);
        } catch (IOException e) {
            throw new IOException("could not write the run into " + target + ": " + reason(e) + " (nothing in "
                    + target.getFileName() + " was changed)", e);
        }
        commit();
    }

    /** Puts the staged files in place of the target: the old output (if any) goes only once the new is there. */
    public void commit() throws IOException {
        Path parent = target.getParent();
        Path old = null;
        if (Files.exists(target)) {
            old = parent.resolve("." + target.getFileName() + ".old-" + Long.toHexString(System.nanoTime()));
            move(target, old);
        }
        try {
            move(staging, target);
        } catch (IOException e) {
            if (old != null) {
                move(old, target); // put the previous output back
            }
            throw e;
        }
        committed = true;
        if (old != null) {
            deleteTree(old);
        }
    }

    /** Releases the lock; staged files that were not committed are deleted. */
    @Override
    public void close() throws IOException {
        try {
            if (!committed) {
                deleteTree(staging);
            }
        } finally {
            lock.release();
            lockChannel.close();
            Files.deleteIfExists(lockFile);
        }
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to);
        }
    }

    /** Staging and old folders of earlier runs that were killed before they could clean up (we hold the lock). */
    private static void removeLeftovers(Path parent, String name) throws IOException {
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(parent, "." + name + ".{tmp,old}-*")) {
            for (Path p : entries) {
                deleteTree(p);
            }
        }
    }

    private static boolean isEmpty(Path dir) throws IOException {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.findAny().isEmpty();
        }
    }

    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    private static String reason(IOException e) {
        String m = e.getMessage();
        if (e instanceof java.nio.file.AccessDeniedException) {
            return "permission denied";
        }
        if (m != null && m.contains("Read-only")) {
            return "the file system is read-only";
        }
        if (e instanceof java.nio.file.FileSystemException f && f.getReason() != null) {
            return f.getReason(); // the path is said by the caller
        }
        return m == null ? e.getClass().getSimpleName() : m;
    }
}
