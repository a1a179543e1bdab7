package org.dsvstudio.session;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The open session's autosave and its recovery after a crash. Each running app owns {@code autosave-PID.dsv} and
 * holds a lock on {@code autosave-PID.lock} beside it for as long as it runs; a clean exit deletes both. An autosave
 * whose lock nobody holds belonged to an app that died: the next start offers to open it. Several apps at once
 * never take each other's file.
 *
 * <p>The folder is {@code ~/.dsv-studio/autosave}, or the system property {@code dsv.autosave.dir}.
 */
public final class Autosave implements AutoCloseable {

    private static final java.util.concurrent.atomic.AtomicInteger WINDOWS = new java.util.concurrent.atomic.AtomicInteger();

    private final Path dir;
    private final Path file;
    private final Path lockFile;
    private final FileChannel channel;
    private final FileLock lock;

    private Autosave(Path dir, Path file, Path lockFile, FileChannel channel, FileLock lock) {
        this.dir = dir;
        this.file = file;
        this.lockFile = lockFile;
        this.channel = channel;
        this.lock = lock;
    }

    public static Path defaultDir() {
        String configured = System.getProperty("dsv.autosave.dir");
        return configured != null ? Path.of(configured)
                : Path.of(System.getProperty("user.home"), ".dsv-studio", "autosave");
    }

    /** Claims this process's autosave in dir (created when missing). */
    public static Autosave start(Path dir) throws IOException {
        Files.createDirectories(dir);
        // one per window: the tests open many windows in one process
        String id = ProcessHandle.current().pid() + "-" + WINDOWS.incrementAndGet();
        Path lockFile = dir.resolve("autosave-" + id + ".lock");
        FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock = channel.tryLock();
        if (lock == null) {
            channel.close();
            throw new IOException("another DSV Studio with process id " + id + " holds " + lockFile);
        }
        return new Autosave(dir, dir.resolve("autosave-" + id + SessionFile.EXTENSION), lockFile, channel, lock);
    }

    /** Where this app's autosave goes. */
    public Path file() {
        return file;
    }

    public void save(SessionFile.Session session) throws IOException {
        SessionFile.write(file, session);
    }

    /**
     * Autosaves of apps that are no longer running (no one holds their lock), newest first — what a crash left.
     * This app's own file is never among them.
     */
    public List<Path> orphans() throws IOException {
        List<Path> out = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "autosave-*" + SessionFile.EXTENSION)) {
            for (Path p : files) {
                if (p.equals(file)) {
                    continue;
                }
                String name = p.getFileName().toString();
                Path theirLock = dir.resolve(name.substring(0, name.length() - SessionFile.EXTENSION.length())
                        + ".lock");
                if (!heldByAnother(theirLock)) {
                    out.add(p);
                }
            }
        }
        out.sort(Comparator.comparing(Autosave::modified).reversed());
        return out;
    }

    /** A recovered (or declined) orphan goes, with its lock file. */
    public void discard(Path orphan) throws IOException {
        String name = orphan.getFileName().toString();
        Files.deleteIfExists(orphan);
        Files.deleteIfExists(dir.resolve(name.substring(0, name.length() - SessionFile.EXTENSION.length()) + ".lock"));
    }

    private static boolean heldByAnother(Path lockFile) {
        if (!Files.exists(lockFile)) {
            return false;
        }
        try (FileChannel c = FileChannel.open(lockFile, StandardOpenOption.WRITE)) {
            FileLock l = c.tryLock();
            if (l == null) {
                return true;
            }
            l.release();
            return false;
        } catch (OverlappingFileLockException e) {
            return true; // held in this JVM (another window of a test)
        } catch (IOException e) {
            return true; // cannot tell: leave it alone
        }
    }

    private static FileTime modified(Path p) {
        try {
            return Files.getLastModifiedTime(p);
        } catch (IOException e) {
            return FileTime.fromMillis(0);
        }
    }

    /** A clean exit: the autosave and its lock go. */
    @Override
    public void close() throws IOException {
        try {
            Files.deleteIfExists(file);
        } finally {
            lock.release();
            channel.close();
            Files.deleteIfExists(lockFile);
        }
    }
}
