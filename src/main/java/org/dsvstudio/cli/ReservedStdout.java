package org.dsvstudio.cli;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Keeps file descriptor 1 for this process's own output. A TorchScript model that prints (a trusted one, or
 * the worker's models) writes through libtorch's {@code std::cout} straight to fd 1, where it would break
 * {@code --json} output or the worker protocol. Java cannot {@code dup2}, so this opens a second descriptor on
 * whatever fd 1 is (through {@code /proc/self/fd/1}: the same pipe, terminal or file), hands that to the caller,
 * and then closes {@code FileDescriptor.out} — which the JDK does by pointing fd 1 at {@code /dev/null}
 * (it never leaves 0–2 free for the next open). What native code prints from then on is dropped.
 *
 * <p>Where fd 1 cannot be reopened (a socket, no {@code /proc}: not Linux), fd 1 itself is returned and
 * native printing still lands in it, as before.
 */
public final class ReservedStdout {

    private ReservedStdout() {
    }

    /** The stream this process's own output should go to; call once, before any model is loaded. */
    public static OutputStream reserve() {
        Path self = Path.of("/proc/self/fd/1");
        if (Files.exists(self)) {
            try {
                // append: when fd 1 is a file the shell opened, write where the shell would, never over it
                FileOutputStream own = new FileOutputStream(self.toFile(), true);
                new FileOutputStream(FileDescriptor.out).close();
                return own;
            } catch (IOException | SecurityException e) {
                // a socket or a closed fd 1: keep it as it is
            }
        }
        return new FileOutputStream(FileDescriptor.out);
    }
}
